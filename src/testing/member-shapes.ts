import { readFileSync } from 'node:fs';
import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value.js';

/**
 * The shapes in which identity providers name group members, built from the recorded requests in
 * src/scim/quirks/fixtures/ so that tests and the bench send what the providers send, not only
 * the minimal `{ value }`.
 */
export type MemberShape = 'minimal' | 'okta' | 'entra' | 'typed';

export const MEMBER_SHAPES: readonly MemberShape[] = ['minimal', 'okta', 'entra', 'typed'];

/** What each shape is, for test names and the bench's table. */
export const MEMBER_SHAPE_LABELS: Record<MemberShape, string> = {
  minimal: '{value}',
  okta: 'Okta {value, display} (okta-membership.json)',
  entra: 'Entra {$ref: null, value} (entra-add-members.json)',
  typed: '{value, $ref, type} (RFC 7643 §4.2)',
};

function fixture(name: string): JsonValue {
  return JSON.parse(readFileSync(new URL(`../scim/quirks/fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonValue;
}

/** The first member a recorded PATCH adds: the template every generated member copies. */
function recordedMember(name: string): JsonObject {
  const body = fixture(name);
  const operations = isJsonObject(body) ? body['Operations'] : undefined;
  for (const op of Array.isArray(operations) ? operations : []) {
    if (!isJsonObject(op) || String(op['op']).toLowerCase() !== 'add' || String(op['path']).toLowerCase() !== 'members') continue;
    const [first] = Array.isArray(op['value']) ? op['value'] : [];
    if (isJsonObject(first)) return first;
  }
  throw new Error(`fixture ${name} adds no member`);
}

const okta = recordedMember('okta-membership');
const entra = recordedMember('entra-add-members');

/** One member naming `id` in `shape`; `index` makes the display labels distinct, as Okta's are. */
export function memberInShape(shape: MemberShape, id: string, index: number, baseUrl = 'http://roster.test/scim/v2'): JsonObject {
  switch (shape) {
    case 'minimal':
      return { value: id };
    case 'okta':
      // Okta labels each member with the person's login.
      return { ...okta, value: id, ...('display' in okta ? { display: `member.${index}@okta.local` } : {}) };
    case 'entra':
      return { ...entra, value: id };
    case 'typed':
      return { value: id, $ref: `${baseUrl}/Users/${id}`, type: 'User' };
  }
}

/** The members of `ids` in one shape. */
export function membersInShape(shape: MemberShape, ids: readonly string[], baseUrl?: string): JsonObject[] {
  return ids.map((id, i) => memberInShape(shape, id, i, baseUrl));
}
