import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../json/json-value.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, field, type TestServer } from '../testing/test-server.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

for (const { engine, skip } of testEngines()) {
  describe(`SCIM lists, filters, paging, projection, search and Bulk on ${engine}`, { skip }, () => {
    let t: TestServer;
    before(async () => {
      t = await createTestServer(engine);
      const people: JsonObject[] = [
        {
          userName: 'alice@example.com',
          externalId: 'A1',
          name: { givenName: 'Alice', familyName: "O'Hara" },
          emails: [{ value: 'alice@example.com', type: 'work' }],
          title: 'Engineer',
          [ENTERPRISE]: { department: 'R&D', employeeNumber: '100' },
        },
        {
          userName: 'bob@example.org',
          externalId: 'B2',
          name: { givenName: 'Bob', familyName: 'Marley' },
          emails: [{ value: 'bob@home.example', type: 'home' }],
          active: false,
          [ENTERPRISE]: { department: 'Sales' },
        },
        {
          userName: 'carol@example.com',
          externalId: 'A1',
          name: { givenName: 'Carol', familyName: 'Danvers' },
          emails: [
            { value: 'carol@example.com', type: 'work' },
            { value: 'c@home.example', type: 'home' },
          ],
          userType: 'Employee',
        },
        { userName: 'dave@example.net', name: { givenName: 'Dave', familyName: 'Grohl' }, userType: 'Intern' },
        { userName: 'Émile@example.com', name: { givenName: 'Émile', familyName: 'Zola' } },
      ];
      for (const p of people) assert.equal((await t.scim('POST', '/Users', p)).status, 201);
    });
    after(async () => t?.close());

    const names = async (filter: string, extra = '') => {
      const response = await t.scim('GET', `/Users?filter=${encodeURIComponent(filter)}${extra}`);
      assert.equal(response.status, 200, `${filter}: ${response.raw}`);
      return ((response.body['Resources'] as JsonObject[]) ?? []).map((r) => String(r['userName'])).sort();
    };

    it('runs the filter grammar in the database', async () => {
      assert.deepEqual(await names('userName eq "ALICE@example.com"'), ['alice@example.com']);
      assert.deepEqual(await names('userName sw "É"'), ['Émile@example.com'], 'case-insensitive beyond ASCII');
      assert.deepEqual(await names('externalId eq "A1"'), ['alice@example.com', 'carol@example.com'], 'externalId is not unique');
      assert.deepEqual(await names('externalId eq "a1"'), [], 'externalId is case-exact');
      assert.deepEqual(await names(`name.familyName co "o'h"`), ['alice@example.com']);
      assert.deepEqual(await names('emails[type eq "work" and value co "@example.com"]'), ['alice@example.com', 'carol@example.com']);
      assert.deepEqual(await names('emails[type eq "work"].value eq "carol@example.com"'), ['carol@example.com'], 'Entra form');
      assert.deepEqual(await names('emails co "home.example"'), ['bob@example.org', 'carol@example.com']);
      assert.deepEqual(await names('userType eq "Employee" or userType eq "Intern"'), ['carol@example.com', 'dave@example.net']);
      assert.deepEqual(await names('not (userType pr) and active eq true'), ['alice@example.com', 'Émile@example.com'].sort());
      assert.deepEqual(await names(`${ENTERPRISE}:department eq "r&d"`), ['alice@example.com']);
      assert.deepEqual(await names('department eq "Sales"'), ['bob@example.org'], 'bare extension attribute');
      assert.deepEqual(await names('meta.created gt "2000-01-01T00:00:00Z" and userName ew ".net"'), ['dave@example.net']);
      assert.deepEqual(await names('USERNAME Eq "dave@example.net"'), ['dave@example.net'], 'names and operators are case-insensitive');
      assert.deepEqual(await names('schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"'), ['alice@example.com', 'bob@example.org']);
    });

    it('answers bad filters with 400 invalidFilter', async () => {
      for (const filter of ['userName eq', 'userName xx "a"', 'noSuchAttr eq "a"', 'active gt true', '(userName eq "a"', 'meta.created gt "yesterday"']) {
        const response = await t.scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
        assert.equal(response.status, 400, filter);
        assert.equal(response.body['scimType'], 'invalidFilter', filter);
      }
      const deep = await t.scim('GET', `/Users?filter=${encodeURIComponent(`${'('.repeat(5000)}userName eq "a"${')'.repeat(5000)}`)}`);
      assert.equal(deep.status, 400);
    });

    it('pages by index with integer totals and sorts', async () => {
      const page = await t.scim('GET', '/Users?startIndex=2&count=2&sortBy=userName&sortOrder=descending');
      assert.equal(page.body['totalResults'], 5);
      assert.equal(page.body['itemsPerPage'], 2);
      assert.equal(page.body['startIndex'], 2);
      assert.deepEqual(
        (page.body['Resources'] as JsonObject[]).map((r) => r['userName']),
        ['dave@example.net', 'carol@example.com'],
      );
      // Parameter names in any case; where a client sends one name in two cases, the first is taken.
      const spelled = await t.scim('GET', '/Users?STARTINDEX=2&Count=2&sortby=userName&SortOrder=descending&sortorder=ascending');
      assert.deepEqual(spelled.body, page.body);
      const countOnly = await t.scim('GET', '/Users?count=0');
      assert.equal(countOnly.body['totalResults'], 5);
      assert.deepEqual(countOnly.body['Resources'], []);
      const beyond = await t.scim('GET', '/Users?startIndex=50');
      assert.equal(beyond.body['totalResults'], 5);
      assert.equal(beyond.body['itemsPerPage'], 0);
    });

    it('pages by cursor (RFC 9865) without gaps or repeats, and rejects a foreign cursor', async () => {
      const seen: string[] = [];
      let url = '/Users?cursor=&count=2&sortBy=name.familyName';
      for (let i = 0; i < 10; i++) {
        const page = await t.scim('GET', url);
        assert.equal(page.status, 200, page.raw);
        assert.equal(page.body['totalResults'], 5);
        seen.push(...(page.body['Resources'] as JsonObject[]).map((r) => String(field(r, 'name', 'familyName'))));
        const next = page.body['nextCursor'];
        if (typeof next !== 'string') break;
        url = `/Users?cursor=${encodeURIComponent(next)}&count=2&sortBy=name.familyName`;
      }
      assert.deepEqual(seen, ['Danvers', 'Grohl', 'Marley', "O'Hara", 'Zola']);
      const foreign = await t.scim('GET', '/Users?cursor=bm9wZQ&count=2');
      assert.equal(foreign.status, 400);
      assert.equal(foreign.body['scimType'], 'invalidCursor');
    });

    it('projects attributes and excludedAttributes, and searches with POST /.search', async () => {
      const only = await t.scim('GET', `/Users?attributes=userName,name.givenName&filter=${encodeURIComponent('userName eq "alice@example.com"')}`);
      const alice = field(only.body, 'Resources', 0) as JsonObject;
      assert.deepEqual(Object.keys(alice).sort(), ['id', 'name', 'schemas', 'userName']);
      assert.deepEqual(alice['name'], { givenName: 'Alice' });
      const without = await t.scim('GET', `/Users?excludedAttributes=emails,groups&filter=${encodeURIComponent('userName eq "alice@example.com"')}`);
      assert.equal(field(without.body, 'Resources', 0, 'emails'), undefined);
      assert.equal(field(without.body, 'Resources', 0, 'userName'), 'alice@example.com');
      const search = await t.scim('POST', '/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'emails.type eq "work"',
        attributes: ['userName'],
        sortBy: 'userName',
        startIndex: 1,
        count: 10,
      });
      assert.equal(search.status, 200);
      assert.deepEqual(
        (search.body['Resources'] as JsonObject[]).map((r) => r['userName']),
        ['alice@example.com', 'carol@example.com'],
      );
    });

    it('runs /Bulk with bulkId references and stops after failOnErrors', async () => {
      const response = await t.scim('POST', '/Bulk', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        failOnErrors: 1,
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'u1', data: { userName: 'bulk1@example.com' } },
          { method: 'POST', path: '/Groups', bulkId: 'g1', data: { displayName: 'Bulk group', members: [{ value: 'bulkId:u1' }] } },
          {
            method: 'PATCH',
            path: '/Users/bulkId:u1',
            data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Bulked' }] },
          },
          { method: 'POST', path: '/Users', data: { userName: 'bulk1@example.com' } },
          { method: 'POST', path: '/Users', data: { userName: 'never@example.com' } },
        ],
      });
      assert.equal(response.status, 200, response.raw);
      const ops = response.body['Operations'] as JsonObject[];
      assert.deepEqual(
        ops.map((o) => o['status']),
        ['201', '201', '200', '409'],
      );
      assert.equal(field(ops[3], 'response', 'scimType'), 'uniqueness');
      const group = await t.scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Bulk group"')}`);
      assert.equal((field(group.body, 'Resources', 0, 'members') as JsonObject[]).length, 1);
      assert.deepEqual(await names('userName eq "never@example.com"'), []);
    });

    it('publishes discovery documents that match what is served', async () => {
      const spc = await t.scim('GET', '/ServiceProviderConfig');
      assert.equal(field(spc.body, 'patch', 'supported'), true);
      assert.equal(field(spc.body, 'bulk', 'supported'), true);
      assert.equal(field(spc.body, 'changePassword', 'supported'), false);
      const types = await t.scim('GET', '/ResourceTypes');
      assert.equal(field(types.body, 'Resources', 0, 'endpoint'), '/Users');
      const schemas = await t.scim('GET', '/Schemas');
      assert.equal(schemas.status, 200);
      assert.match(schemas.raw, /User Account/);
      const ids = (schemas.body['Resources'] as JsonObject[]).map((s) => s['id']);
      assert.ok(ids.includes(ENTERPRISE));
      const one = await t.scim('GET', `/Schemas/${ENTERPRISE}`);
      assert.equal(one.body['name'], 'EnterpriseUser');
    });
  });
}
