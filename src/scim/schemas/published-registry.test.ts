// /Schemas publishes exactly the schema registry: the same schemas, and every attribute with every
// characteristic its definition holds, nothing added and nothing left out. What a client reads is
// therefore what requests are validated, filtered and rendered with.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { updateTenantSettings } from '../../provisioning/tenants/manage-tenants.js';
import { testEngines } from '../../testing/databases.js';
import { createTestServer, type TestServer } from '../../testing/test-server.js';
import type { SchemaDefinition } from './attribute.js';
import { coreUserSchema } from './core-user.js';
import { enterpriseUserSchema } from './enterprise-user.js';
import { groupSchema } from './group.js';
import { rosterUserSchema } from './roster-user.js';

/**
 * A definition as JSON, every key it holds kept: a characteristic added to the registry but not
 * published fails. An empty `canonicalValues` is published absent (Entra: send no empty values).
 */
function asJson(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map(asJson);
  if (value === null || typeof value !== 'object') return value as JsonValue;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || (key === 'canonicalValues' && Array.isArray(v) && v.length === 0)) continue;
    out[key] = asJson(v);
  }
  return out;
}

/** What /Schemas should answer for one registry schema, apart from `meta.location`'s host. */
const expected = (schema: SchemaDefinition) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], ...(asJson(schema) as JsonObject) });

const withoutMeta = (published: JsonValue): JsonObject => {
  const { meta, ...rest } = published as JsonObject;
  assert.equal((meta as JsonObject)['resourceType'], 'Schema');
  assert.match(String((meta as JsonObject)['location']), new RegExp(`/Schemas/${String(rest['id']).replace(/[.:]/g, '\\$&')}$`));
  return rest;
};

for (const { engine, skip } of testEngines()) {
  describe(`/Schemas publishes exactly the registry on ${engine}`, { skip }, () => {
    let t: TestServer;
    before(async () => {
      t = await createTestServer(engine);
    });
    after(async () => t?.close());

    it('lists the registry schemas, each as defined, and nothing else', async () => {
      const response = await t.scim('GET', '/Schemas');
      assert.equal(response.status, 200);
      const published = (response.body['Resources'] as JsonValue[]).map(withoutMeta);
      const registry = [coreUserSchema, groupSchema, enterpriseUserSchema, rosterUserSchema()];
      assert.deepEqual(published.map((s) => s['id']).sort(), registry.map((s) => s.id).sort());
      for (const schema of registry) {
        assert.deepEqual(
          published.find((s) => s['id'] === schema.id),
          expected(schema),
          schema.id,
        );
      }
      assert.equal(response.body['totalResults'], registry.length);
    });

    it('answers each schema by its id as the list does', async () => {
      for (const schema of [coreUserSchema, groupSchema, enterpriseUserSchema, rosterUserSchema()]) {
        const one = await t.scim('GET', `/Schemas/${schema.id}`);
        assert.equal(one.status, 200, schema.id);
        assert.deepEqual(withoutMeta(one.body), expected(schema));
      }
      assert.equal((await t.scim('GET', '/Schemas/urn:ietf:params:scim:schemas:extension:other:2.0:User')).status, 404);
    });

    it("publishes Roster's extension under a tenant's own URN with the same attributes", async () => {
      const other = await t.addTenant('own-urn');
      const urn = 'urn:ietf:params:scim:schemas:extension:ownurn:2.0:User';
      await updateTenantSettings(t.server.rt, 'own-urn', { extensionUrn: urn });
      const response = await t.scim('GET', '/Schemas', undefined, { authorization: `Bearer ${other.token}` });
      const published = (response.body['Resources'] as JsonValue[]).map(withoutMeta);
      assert.deepEqual(published.map((s) => s['id']).sort(), [coreUserSchema.id, groupSchema.id, enterpriseUserSchema.id, urn].sort());
      assert.deepEqual(
        published.find((s) => s['id'] === urn),
        expected(rosterUserSchema(urn)),
      );
      const types = await t.scim('GET', '/ResourceTypes/User', undefined, { authorization: `Bearer ${other.token}` });
      assert.deepEqual(
        (types.body['schemaExtensions'] as JsonObject[]).map((e) => e['schema']),
        [enterpriseUserSchema.id, urn],
      );
    });
  });
}
