/** E4: without aadOptscim062020, Entra removes members with `remove` + `path: "members"` + `value: [{value}]`. */
import type { JsonObject } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import { DEFAULT_FILTER_LIMITS } from '../filter/parse-filter.js';
import type { Normaliser } from './normaliser.js';
import { isMembersPath, mapOperations, opOf, pathOf, valueOf, withMember } from './raw-patch.js';

/**
 * Longest path this normaliser writes: below the filter parser's length limit, so a removal of
 * many members becomes several `remove` operations rather than one path the parser refuses.
 */
const MAX_PATH_LENGTH = Math.min(2048, DEFAULT_FILTER_LIMITS.maxLength);

/**
 * Rewrites the Entra form into RFC 7644 §3.5.2.2's `remove` with a value filter,
 * `members[value eq "a" or value eq "b"]`. A literal reading of the Entra form (remove with path
 * `members`) would remove every member. Fires only when every element names a non-empty string id;
 * a `remove` without a value is the RFC's "remove all members" and is never touched.
 */
export const entraMemberRemoveByValue: Normaliser = {
  name: 'entra-member-remove-by-value',
  description: 'Turns remove + path "members" + value [{value}] into remove with path members[value eq "…" or …].',
  evidence:
    'fixtures/entra-remove-members.json (docs/idp-behaviors.md#entra-example-requests), ' +
    'fixtures/entra-remove-member-unflagged.json (docs/idp-behaviors.md#entra-compliance-flag); E4',
  applies: (stage, resourceType) => stage === 'patch' && resourceType === 'Group',
  normalise: (body) =>
    mapOperations(body, (operation) => {
      const raw = pathOf(operation);
      const value = valueOf(operation, 'value');
      if (opOf(operation) !== 'remove' || raw === undefined || !isMembersPath(raw) || !Array.isArray(value) || value.length === 0) {
        return undefined;
      }
      const ids: string[] = [];
      for (const member of value) {
        const id = isJsonObject(member) ? valueOf(member, 'value') : undefined;
        if (typeof id !== 'string' || id === '') return undefined;
        ids.push(id);
      }
      const withoutValue = withMember(operation, 'value', undefined);
      return filters(ids).map((path): JsonObject => withMember(withoutValue, 'path', path));
    }),
};

/** `members[value eq "…" or …]` paths covering `ids`; JSON.stringify escapes quotes and backslashes (RFC 7644 §3.4.2.2 compValue is a JSON string). */
function filters(ids: readonly string[]): string[] {
  const paths: string[] = [];
  let terms: string[] = [];
  let length = 0;
  for (const id of new Set(ids)) {
    const term = `value eq ${JSON.stringify(id)}`;
    if (terms.length > 0 && length + term.length + 4 > MAX_PATH_LENGTH - 'members[]'.length) {
      paths.push(`members[${terms.join(' or ')}]`);
      terms = [];
      length = 0;
    }
    terms.push(term);
    length += term.length + 4;
  }
  if (terms.length > 0) paths.push(`members[${terms.join(' or ')}]`);
  return paths;
}
