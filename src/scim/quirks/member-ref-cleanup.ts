/** E5 and Microsoft's test collection: member objects with `"$ref": null`, `displayName`, or a bare id. */
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import { unchanged, type Normaliser } from './normaliser.js';
import { hasNoPath, isMembersPath, keyOf, mapOperations, opOf, pathOf, withMember } from './raw-patch.js';

/**
 * Cleans member references in group PATCH values and POST/PUT bodies: a null `$ref` is dropped
 * (RFC 7643 §2.5: null means unassigned), `displayName` becomes `display` (the member
 * sub-attribute's RFC 7643 §4.2 name), and a bare id string as the whole value becomes `[{"value": id}]`.
 */
export const memberRefCleanup: Normaliser = {
  name: 'member-ref-cleanup',
  description: 'Drops "$ref": null from members, renames member displayName to display, and wraps a bare member id string as [{"value": id}].',
  evidence:
    'fixtures/entra-add-members.json (docs/idp-behaviors.md#entra-example-requests, E5), ' +
    'fixtures/postman-group-add-member-string.json and postman-add-member-displayname.json (docs/idp-behaviors.md#microsoft-collection)',
  applies: (_stage, resourceType) => resourceType === 'Group',
  normalise: (body, { stage }) => {
    if (stage === 'resource') {
      const cleaned = isJsonObject(body) ? cleanMembersIn(body, false) : undefined;
      return cleaned === undefined ? unchanged(body) : { body: cleaned, fired: true };
    }
    return mapOperations(body, (operation) => {
      const op = opOf(operation);
      const valueKey = keyOf(operation, 'value');
      const value = valueKey === undefined ? undefined : operation[valueKey];
      if (value === undefined || op === undefined) return undefined;
      const raw = pathOf(operation);
      let cleaned: JsonValue | undefined;
      if (raw !== undefined && isMembersPath(raw)) cleaned = cleanList(value, true);
      else if (hasNoPath(operation) && op !== 'remove' && isJsonObject(value)) cleaned = cleanMembersIn(value, true);
      return cleaned === undefined ? undefined : [withMember(operation, 'value', cleaned)];
    });
  },
};

/** `object` with its `members` member (any case) cleaned, or undefined when nothing changes. */
function cleanMembersIn(object: JsonObject, wrapBareId: boolean): JsonObject | undefined {
  const key = keyOf(object, 'members');
  const cleaned = key === undefined ? undefined : cleanList(object[key] ?? null, wrapBareId);
  return key === undefined || cleaned === undefined ? undefined : { ...object, [key]: cleaned };
}

/** A cleaned member list, or undefined when nothing changes. */
function cleanList(value: JsonValue, wrapBareId: boolean): JsonValue | undefined {
  // Microsoft's collection PATCHes `"value": "string id 1"` and expects 204
  // (docs/idp-behaviors.md#microsoft-collection).
  if (wrapBareId && typeof value === 'string' && value.trim() !== '') return [{ value }];
  if (!Array.isArray(value)) return undefined;
  let changed = false;
  const items = value.map((item) => {
    const cleaned = isJsonObject(item) ? cleanMember(item) : undefined;
    changed ||= cleaned !== undefined;
    return cleaned ?? item;
  });
  return changed ? items : undefined;
}

function cleanMember(member: JsonObject): JsonObject | undefined {
  let out: JsonObject | undefined;
  const refKey = keyOf(member, '$ref');
  if (refKey !== undefined && member[refKey] === null) {
    out = { ...member };
    delete out[refKey];
  }
  const nameKey = keyOf(member, 'displayName');
  if (nameKey !== undefined && keyOf(member, 'display') === undefined) {
    const source = out ?? { ...member };
    const renamed: JsonObject = {};
    // Rebuild to keep key order: `display` takes `displayName`'s place.
    for (const [key, item] of Object.entries(source)) renamed[key === nameKey ? 'display' : key] = item;
    out = renamed;
  }
  return out;
}
