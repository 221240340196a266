import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../json/json-value.js';
import { issueHostKey } from '../provisioning/host-keys/host-keys.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, field, type TestServer } from '../testing/test-server.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

// The people search of the host API (the console's is the same listPeople): README.md#console.
for (const { engine, skip } of testEngines()) {
  describe(`people search on ${engine}`, { skip }, () => {
    let t: TestServer;
    let key: string;
    let otherToken: string;

    before(async () => {
      t = await createTestServer(engine);
      key = (await issueHostKey(t.server.rt, { label: 'host' })).secret;
      otherToken = (await t.addTenant('globex')).token;
    });
    after(async () => t?.close());

    const search = async (q: string, slug = 'acme'): Promise<string[]> => {
      const response = await t.server.app.inject({
        method: 'GET',
        url: `/host/v1/tenants/${slug}/people?q=${encodeURIComponent(q)}&limit=200`,
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(response.statusCode, 200, response.body);
      const people = (JSON.parse(response.body) as JsonObject)['people'];
      return (Array.isArray(people) ? people : []).map((p: JsonValue) => String(field(p, 'id'))).sort();
    };
    const create = async (body: JsonObject, token?: string): Promise<string> => {
      const response = await t.scim('POST', '/Users', { schemas: [USER], ...body }, token ? { authorization: `Bearer ${token}` } : {});
      assert.equal(response.status, 201, response.raw);
      return String(response.body['id']);
    };

    it('finds a person by a substring of each searched field, case-insensitively, only in the searching tenant', async () => {
      const grace = await create({
        userName: 'gHopper@Navy.example',
        name: { givenName: 'Grace', familyName: 'Hopper', formatted: 'Rear Admiral Grace Brewster Hopper' },
        displayName: 'Amazing Grace',
        title: 'Compiler Pioneer',
        emails: [
          { value: 'grace.work@cobol.example', type: 'work' },
          { value: 'gmh@home.example', type: 'home' },
        ],
      });
      const ada = await create({ userName: 'ada@analytical.example', name: { givenName: 'Ada', familyName: 'Lovelace' } });
      const elsewhere = await create({ userName: 'ghopper@navy.example', name: { givenName: 'Grace', familyName: 'Hopper' } }, otherToken);

      for (const q of ['OPPER@NAV', 'race', 'HOPP', 'brewster', 'amazing gr', 'ler pion', 'cobol.EX', 'gmh@home', 'grace hopper', 'Lovelace']) {
        const expected = q === 'Lovelace' ? [ada] : [grace];
        assert.deepEqual(await search(q), expected, `q=${q}`);
      }
      assert.deepEqual(await search('ada@'), [ada]);
      assert.deepEqual(await search('example'), [ada, grace].sort(), 'both people of acme, none of globex');
      assert.deepEqual(await search('hopper', 'globex'), [elsewhere]);
      assert.deepEqual(await search('nobody here'), []);
      assert.deepEqual(await search('100%'), [], 'LIKE metacharacters are literal');
      assert.deepEqual(await search('"grace'), [], 'FTS query syntax is literal');
      assert.deepEqual(await search('navy.example\u001fgrace'), [], 'a query never spans two values');
    });

    it('under three characters, finds people whose userName, display name or an email starts with the query', async () => {
      const zed = await create({ userName: 'zq.person@short.example', displayName: 'Someone', emails: [{ value: 'xy@short.example' }] });
      const other = await create({ userName: 'other@short.example', displayName: 'Zq Display' });
      assert.deepEqual(await search('ZQ'), [zed, other].sort(), 'userName and display name prefixes');
      assert.deepEqual(await search('xy'), [zed], 'an email prefix');
      assert.deepEqual(await search('q'), [], 'not inside a value');
    });

    it('sees creates, PUTs, PATCHes, deletes and bulk writes at once', async () => {
      const id = await create({ userName: 'before.rename@write.example', name: { givenName: 'Katherine', familyName: 'Johnson' } });
      assert.deepEqual(await search('katherine'), [id]);

      const put = await t.scim('PUT', `/Users/${id}`, { schemas: [USER], userName: 'after.put@write.example', name: { givenName: 'Dorothy', familyName: 'Vaughan' } });
      assert.equal(put.status, 200, put.raw);
      assert.deepEqual(await search('katherine'), [], 'the old name is gone');
      assert.deepEqual(await search('dorothy'), [id]);

      const patch = await t.scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Mathematician' }] });
      assert.equal(patch.status, 200, patch.raw);
      assert.deepEqual(await search('mathemat'), [id]);
      assert.deepEqual(await search('dorothy'), [id], 'the rest is still found');

      const bulk = await t.scim('POST', '/Bulk', {
        schemas: [BULK],
        Operations: [
          { method: 'POST', bulkId: 'm', path: '/Users', data: { schemas: [USER], userName: 'mary.jackson@write.example' } },
          { method: 'PATCH', path: `/Users/${id}`, data: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Programmer' }] } },
        ],
      });
      assert.equal(bulk.status, 200, bulk.raw);
      assert.equal((await search('mary.jackson')).length, 1);
      assert.deepEqual(await search('programmer'), [id]);
      assert.deepEqual(await search('mathemat'), []);

      assert.equal((await t.scim('DELETE', `/Users/${id}`)).status, 204);
      assert.deepEqual(await search('dorothy'), []);
    });
  });
}
