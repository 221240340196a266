// What /Schemas publishes for the core User, Group and enterprise User attributes, compared
// characteristic by characteristic with RFC 7643 §8.7.1 (fixtures/rfc7643-schemas.json, see
// fixtures/README.md for how it was transcribed). Every place Roster differs is listed below by
// name with its reason; an unlisted difference fails.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { testEngines } from '../../testing/databases.js';
import { createTestServer, type TestServer } from '../../testing/test-server.js';

type Attribute = {
  readonly name: string;
  readonly type: string;
  readonly subAttributes?: readonly Attribute[];
} & { readonly [key: string]: JsonValue | undefined };
interface Schema {
  readonly id: string;
  readonly attributes: readonly Attribute[];
}

const rfc = JSON.parse(readFileSync(new URL('./fixtures/rfc7643-schemas.json', import.meta.url), 'utf8')) as Schema[];

const CHARACTERISTICS = ['type', 'multiValued', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness', 'referenceTypes', 'canonicalValues'] as const;

/** Where Roster deliberately differs from the RFC's JSON, and why (one line each). */
const DELIBERATE: Record<string, string> = {
  'User.addresses.primary: not in RFC':
    'RFC 7643 §2.4 gives every multi-valued attribute primary; Entra sends it on every address (docs/idp-behaviors.md#entra-quirks, E13)',
  'User.groups.$ref.referenceTypes': 'a user\'s groups are Group resources only (RFC 7643 §4.1.2 prose); "User" there would send a client to /Users',
  'Group.displayName.required': 'RFC 7643 §4.2 says displayName is REQUIRED; the §8.7.1 JSON says false',
  'Group.displayName.uniqueness': 'Roster refuses a second group of the same name (409 uniqueness), which Okta\'s "create or link" by displayName relies on',
  'Group.members.value.caseExact': 'member values are resource ids, which are case-exact (RFC 7643 §3.1); duplicates and filters compare them exactly',
  'Group.members.display: not in RFC':
    "RFC 7643 §8.4 shows it and IdPs send it: the label given when the member was added, else the member's name; immutable like the member's other sub-attributes",
};

/** Differences of `ours` from the RFC's attribute list, named `where.attr.characteristic`. */
function differences(ours: readonly Attribute[], theirs: readonly Attribute[], where: string): string[] {
  const found: string[] = [];
  for (const expected of theirs) {
    const name = `${where}.${expected.name}`;
    const actual = ours.find((a) => a.name === expected.name);
    if (!actual) {
      found.push(`${name}: missing`);
      continue;
    }
    for (const key of CHARACTERISTICS) {
      if (!(key in expected)) continue; // the RFC leaves it unsaid (booleans' caseExact, for one)
      const want = key === 'canonicalValues' && JSON.stringify(expected[key]) === '[]' ? undefined : expected[key];
      if (JSON.stringify(actual[key]) !== JSON.stringify(want)) found.push(`${name}.${key}`);
    }
    if (expected.subAttributes || actual.subAttributes) {
      found.push(...differences(actual.subAttributes ?? [], expected.subAttributes ?? [], name));
    }
  }
  for (const actual of ours) {
    if (!theirs.some((e) => e.name === actual.name)) found.push(`${where}.${actual.name}: not in RFC`);
  }
  return found;
}

/** Internal consistency of a schema the RFC does not describe (Roster's own extension). */
function inconsistencies(attributes: readonly Attribute[], where: string): string[] {
  const types = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary'];
  const found: string[] = [];
  for (const a of attributes) {
    const name = `${where}.${a.name}`;
    if (!types.includes(a.type)) found.push(`${name}: type ${a.type}`);
    if (!['readOnly', 'readWrite', 'immutable', 'writeOnly'].includes(String(a['mutability']))) found.push(`${name}: mutability`);
    if (!['always', 'never', 'default', 'request'].includes(String(a['returned']))) found.push(`${name}: returned`);
    if (!['none', 'server', 'global'].includes(String(a['uniqueness']))) found.push(`${name}: uniqueness`);
    if (typeof a['multiValued'] !== 'boolean' || typeof a['required'] !== 'boolean' || typeof a['caseExact'] !== 'boolean') found.push(`${name}: flags`);
    if (typeof a['description'] !== 'string' || a['description'].length === 0) found.push(`${name}: description`);
    const refs = a['referenceTypes'];
    if (a.type === 'reference' && (!Array.isArray(refs) || refs.length === 0)) found.push(`${name}: reference without referenceTypes`);
    if (a.type !== 'reference' && refs !== undefined) found.push(`${name}: referenceTypes on a ${a.type}`);
    const canonical = a['canonicalValues'];
    if (canonical !== undefined && (!Array.isArray(canonical) || canonical.some((v) => typeof v !== 'string') || a.type !== 'string')) {
      found.push(`${name}: canonicalValues`);
    }
    if (a.type === 'complex' && !(a.subAttributes && a.subAttributes.length > 0)) found.push(`${name}: complex without subAttributes`);
    if (a.type !== 'complex' && a.subAttributes) found.push(`${name}: subAttributes on a ${a.type}`);
    if (a.subAttributes) found.push(...inconsistencies(a.subAttributes, name));
  }
  return found;
}

for (const { engine, skip } of testEngines()) {
  describe(`/Schemas against RFC 7643 §8.7.1 on ${engine}`, { skip }, () => {
    let t: TestServer;
    let published: Schema[];
    before(async () => {
      t = await createTestServer(engine);
      const response = await t.scim('GET', '/Schemas');
      assert.equal(response.status, 200);
      published = response.body['Resources'] as unknown as Schema[];
    });
    after(async () => t?.close());

    const schema = (id: string): Schema => {
      const found = published.find((s) => s.id === id);
      assert.ok(found, `/Schemas publishes ${id}`);
      return found;
    };

    it('publishes every core User, Group and enterprise User characteristic as the RFC does, except the listed differences', () => {
      const names: Record<string, string> = {
        'urn:ietf:params:scim:schemas:core:2.0:User': 'User',
        'urn:ietf:params:scim:schemas:core:2.0:Group': 'Group',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': 'EnterpriseUser',
      };
      const found = rfc.flatMap((expected) => differences(schema(expected.id).attributes, expected.attributes, names[expected.id] ?? expected.id));
      assert.deepEqual(
        found.filter((d) => !(d in DELIBERATE)),
        [],
        'differences from RFC 7643 §8.7.1 that are not listed',
      );
      assert.deepEqual(
        Object.keys(DELIBERATE).filter((d) => !found.includes(d)),
        [],
        'listed differences that no longer exist',
      );
    });

    it('publishes references with their referenceTypes, which a strict client needs', () => {
      const photos = schema('urn:ietf:params:scim:schemas:core:2.0:User').attributes.find((a) => a.name === 'photos');
      assert.deepEqual(photos?.subAttributes?.find((a) => a.name === 'value')?.['referenceTypes'], ['external']);
    });

    it("keeps Roster's own extension internally consistent", async () => {
      const rosterIds = published.map((s) => s.id).filter((id) => !rfc.some((r) => r.id === id));
      assert.deepEqual(rosterIds, ['urn:ietf:params:scim:schemas:extension:roster:2.0:User']);
      for (const id of rosterIds) assert.deepEqual(inconsistencies(schema(id).attributes, id), []);
      for (const s of published) assert.deepEqual(inconsistencies(s.attributes, s.id), [], `${s.id} is consistent too`);
      const users = await t.scim('GET', '/ResourceTypes/User');
      const extensions = (users.body['schemaExtensions'] as JsonObject[]).map((e) => e['schema']);
      assert.deepEqual(extensions.sort(), rosterIds.concat('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User').sort());
    });
  });
}
