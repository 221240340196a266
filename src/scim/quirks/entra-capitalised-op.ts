/** E1: Entra ID writes PATCH `op` as `Add`, `Replace`, `Remove`. */
import type { Normaliser } from './normaliser.js';
import { mapOperations, valueOf, withMember } from './raw-patch.js';

const OPS = new Set(['add', 'remove', 'replace']);

/**
 * Lower-cases a capitalised `op`. parsePatchRequest accepts any case already (Microsoft asks for that,
 * docs/idp-behaviors.md#entra-general-rules); this normaliser exists so the request log shows the quirk.
 */
export const entraCapitalisedOp: Normaliser = {
  name: 'entra-capitalised-op',
  description: 'PATCH op "Add"/"Replace"/"Remove" (any case) is lower-cased to the RFC 7644 spelling.',
  evidence:
    'fixtures/entra-update-user-multivalued.json, entra-add-attribute-unflagged.json, entra-remove-members.json; ' +
    'docs/idp-behaviors.md#entra-example-requests (Update User, Update Group), ' +
    'docs/idp-behaviors.md#entra-compliance-flag (without the flag), E1',
  applies: (stage) => stage === 'patch',
  normalise: (body) =>
    mapOperations(body, (operation) => {
      const op = valueOf(operation, 'op');
      if (typeof op !== 'string' || op === op.toLowerCase() || !OPS.has(op.toLowerCase())) return undefined;
      return [withMember(operation, 'op', op.toLowerCase())];
    }),
};
