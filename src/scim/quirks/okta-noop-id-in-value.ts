/** O5: Okta's group rename is a no-path replace whose value also carries the group's `id`. */
import { isJsonObject } from '../../json/json-value.js';
import type { Normaliser } from './normaliser.js';
import { hasNoPath, mapOperations, opOf, valueOf, withMember } from './raw-patch.js';

const SERVER_OWNED = new Set(['id', 'schemas', 'meta']);

/**
 * Drops `id`, `schemas` and `meta` from the value object of a no-path add/replace. They are
 * server-owned (RFC 7643 §3.1) and a client echoing them means no change; applyPatch ignores them
 * too, and this normaliser makes the log say so.
 */
export const oktaNoopIdInValue: Normaliser = {
  name: 'okta-noop-id-in-value',
  description: 'Removes id, schemas and meta from the value object of a PATCH add/replace without path.',
  evidence: 'fixtures/okta-rename-group.json; docs/idp-behaviors.md#okta-example-requests (rename), O5',
  applies: (stage) => stage === 'patch',
  normalise: (body) =>
    mapOperations(body, (operation) => {
      const op = opOf(operation);
      const value = valueOf(operation, 'value');
      if ((op !== 'add' && op !== 'replace') || !hasNoPath(operation) || !isJsonObject(value)) return undefined;
      const kept = Object.entries(value).filter(([key]) => !SERVER_OWNED.has(key.toLowerCase()));
      if (kept.length === Object.keys(value).length) return undefined;
      return [withMember(operation, 'value', Object.fromEntries(kept))];
    }),
};
