// POST /.search at the service root (RFC 7644 §3.4.3): one SearchRequest over Users and Groups,
// Users first then Groups (src/scim/endpoints/root-search.ts), paged by index across both.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../json/json-value.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, field, type TestServer } from '../testing/test-server.js';

const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

for (const { engine, skip } of testEngines()) {
  describe(`POST /.search at the service root on ${engine}`, { skip }, () => {
    let t: TestServer;
    before(async () => {
      t = await createTestServer(engine);
      for (const name of ['carol', 'alice', 'bob']) {
        const created = await t.scim('POST', '/Users', { userName: `${name}@example.com`, displayName: `Team ${name}`, title: name === 'bob' ? 'Boss' : 'Staff' });
        assert.equal(created.status, 201, created.raw);
      }
      for (const name of ['Team beta', 'Team alpha']) assert.equal((await t.scim('POST', '/Groups', { displayName: name })).status, 201);
    });
    after(async () => t?.close());

    /** Searches through the token-scoped base URL or the tenant-named one. */
    const search = async (request: JsonObject, base: 'token' | 'slug' = 'token') => {
      const body = { schemas: [SEARCH], ...request };
      if (base === 'token') return t.scim('POST', '/.search', body);
      const response = await t.server.app.inject({
        method: 'POST',
        url: `/t/${t.tenant.slug}/scim/v2/.search`,
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify(body),
      });
      return { status: response.statusCode, body: JSON.parse(response.body) as JsonObject, raw: response.body };
    };
    const names = (body: JsonObject) =>
      (body['Resources'] as JsonObject[]).map((r) => `${String(field(r, 'meta', 'resourceType'))}:${String(r['userName'] ?? r['displayName'])}`);

    for (const base of ['token', 'slug'] as const) {
      it(`answers one ListResponse with Users then Groups, each with meta.resourceType (${base} URL)`, async () => {
        const response = await search({ sortBy: 'displayName' }, base);
        assert.equal(response.status, 200, response.raw);
        assert.equal(response.body['totalResults'], 5);
        assert.deepEqual(names(response.body), ['User:alice@example.com', 'User:bob@example.com', 'User:carol@example.com', 'Group:Team alpha', 'Group:Team beta']);
      });
    }

    it('pages across the two types with consistent totals and no overlap', async () => {
      const seen: string[] = [];
      for (let start = 1; start <= 5; start += 2) {
        const page = await search({ sortBy: 'displayName', sortOrder: 'descending', startIndex: start, count: 2 });
        assert.equal(page.status, 200, page.raw);
        assert.equal(page.body['totalResults'], 5);
        assert.equal(page.body['startIndex'], start);
        assert.equal(page.body['itemsPerPage'], (page.body['Resources'] as JsonValue[]).length);
        seen.push(...names(page.body));
      }
      assert.deepEqual(seen, ['User:carol@example.com', 'User:bob@example.com', 'User:alice@example.com', 'Group:Team beta', 'Group:Team alpha']);
      const past = await search({ startIndex: 9, count: 2 });
      assert.deepEqual([past.body['totalResults'], past.body['Resources']], [5, []]);
      const countOnly = await search({ count: 0 });
      assert.deepEqual([countOnly.body['totalResults'], countOnly.body['Resources']], [5, []]);
    });

    it('filters each type on what it has: a name only one type has is unassigned in the other', async () => {
      assert.deepEqual(names((await search({ filter: 'displayName sw "Team a"', sortBy: 'displayName' })).body), ['User:alice@example.com', 'Group:Team alpha']);
      assert.deepEqual(names((await search({ filter: 'userName eq "BOB@example.com"' })).body), ['User:bob@example.com']);
      assert.deepEqual(names((await search({ filter: 'members pr' })).body), []);
      assert.deepEqual(names((await search({ filter: 'title ne "Staff"', sortBy: 'displayName' })).body), [
        'User:bob@example.com',
        'Group:Team alpha',
        'Group:Team beta',
      ]);
      assert.deepEqual(names((await search({ filter: 'not (userName pr)', sortBy: 'displayName' })).body), ['Group:Team alpha', 'Group:Team beta']);
      assert.deepEqual(names((await search({ filter: 'meta.resourceType eq "Group" and displayName ew "beta"' })).body), ['Group:Team beta']);
      const unknown = await search({ filter: 'noSuchAttr eq "x"' });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body['scimType'], 'invalidFilter');
      const badValue = await search({ filter: 'active eq "perhaps"' });
      assert.equal(badValue.body['scimType'], 'invalidFilter', 'values are still checked against the type that has the name');
    });

    it('projects each type with attributes and excludedAttributes, keeping meta.resourceType', async () => {
      const picked = await search({ attributes: ['userName', 'displayName'], filter: 'displayName ew "alpha" or userName sw "carol"' });
      const resources = picked.body['Resources'] as JsonObject[];
      assert.deepEqual(
        resources.map((r) => Object.keys(r).sort()),
        [
          ['displayName', 'id', 'meta', 'schemas', 'userName'],
          ['displayName', 'id', 'meta', 'schemas'],
        ],
      );
      assert.deepEqual(
        resources.map((r) => field(r, 'meta', 'resourceType')),
        ['User', 'Group'],
      );
      const excluded = await search({ excludedAttributes: 'displayName,title', filter: 'title eq "Boss" or displayName eq "Team beta"' });
      assert.deepEqual(
        (excluded.body['Resources'] as JsonObject[]).map((r) => [r['displayName'], r['title'], field(r, 'meta', 'resourceType')]),
        [
          [undefined, undefined, 'User'],
          [undefined, undefined, 'Group'],
        ],
      );
    });

    it('refuses a cursor and a sortBy that no type has', async () => {
      assert.equal((await search({ cursor: '' })).status, 400);
      const sort = await search({ sortBy: 'noSuchAttr' });
      assert.equal(sort.status, 400);
      assert.equal(sort.body['scimType'], 'invalidValue');
    });

    it('never shows another tenant’s resources', async () => {
      const other = await t.addTenant('other');
      const response = await t.server.app.inject({
        method: 'POST',
        url: '/scim/v2/.search',
        headers: { authorization: `Bearer ${other.token}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: [SEARCH] }),
      });
      assert.equal(response.statusCode, 200);
      assert.equal((JSON.parse(response.body) as JsonObject)['totalResults'], 0);
    });
  });
}
