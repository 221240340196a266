import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../json/json-value.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, field, type TestServer } from '../testing/test-server.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const patch = (...Operations: JsonObject[]) => ({ schemas: [PATCH], Operations });

for (const { engine, skip } of testEngines()) {
  describe(`SCIM /Users on ${engine}`, { skip }, () => {
    let t: TestServer;
    before(async () => {
      t = await createTestServer(engine);
    });
    after(async () => t?.close());

    const create = async (userName: string, extra: JsonObject = {}) => {
      const response = await t.scim('POST', '/Users', { schemas: [USER], userName, ...extra });
      assert.equal(response.status, 201, response.raw);
      return response.body;
    };

    it('creates a user: 201, Location, ETag, meta, scim+json, password never stored or echoed', async () => {
      const response = await t.scim('POST', '/Users', {
        schemas: [USER, ENTERPRISE],
        userName: 'bjensen@example.com',
        name: { givenName: 'Barbara', familyName: 'Jensen' },
        emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
        password: 'hunter2-placeholder',
        [ENTERPRISE]: { department: 'Tour Operations', employeeNumber: '701984' },
      });
      assert.equal(response.status, 201);
      assert.match(String(response.headers['content-type']), /^application\/scim\+json/);
      const id = String(response.body['id']);
      assert.equal(response.headers['location'], `http://roster.test/scim/v2/Users/${id}`);
      assert.equal(response.headers['etag'], 'W/"1"');
      assert.equal(field(response.body, 'meta', 'resourceType'), 'User');
      assert.equal(field(response.body, 'meta', 'version'), 'W/"1"');
      assert.equal(field(response.body, ENTERPRISE, 'department'), 'Tour Operations');
      assert.deepEqual(response.body['schemas'], [USER, ENTERPRISE]);
      assert.equal(response.raw.includes('hunter2'), false);
      const stored = await t.server.store.read({ tenantId: t.tenant.id }, (r) => r.users.findById(id));
      assert.equal(JSON.stringify(stored?.document).includes('hunter2'), false);
      assert.equal(response.body['active'], undefined, 'active is stored as sent: absent stays absent');
    });

    it('refuses a duplicate userName in any case with 409 uniqueness and changes nothing', async () => {
      await create('dup@example.com');
      const response = await t.scim('POST', '/Users', { schemas: [USER], userName: 'DUP@Example.COM' });
      assert.equal(response.status, 409);
      assert.equal(response.body['scimType'], 'uniqueness');
      assert.equal(response.body['status'], '409');
      const list = await t.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "dup@example.com"')}`);
      assert.equal(list.body['totalResults'], 1);
    });

    it('rejects bad bodies with a clear 400 and writes nothing', async () => {
      const cases: [unknown, string][] = [
        [{ schemas: [USER] }, 'invalidValue'],
        [{ schemas: [USER], userName: 42 }, 'invalidValue'],
        [{ schemas: [USER], userName: 'x@y.z', active: 'maybe' }, 'invalidValue'],
        [{ schemas: [USER], userName: 'x@y.z', emails: 'nope' }, 'invalidValue'],
        [[1, 2], 'invalidSyntax'],
      ];
      for (const [body, scimType] of cases) {
        const response = await t.scim('POST', '/Users', body as JsonObject);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body['scimType'], scimType, JSON.stringify(body));
        assert.equal(typeof response.body['detail'], 'string');
      }
      const list = await t.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "x@y.z"')}`);
      assert.equal(list.body['totalResults'], 0);
    });

    it('answers 413 for an oversized body and 415 for a foreign media type', async () => {
      const big = await t.server.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: [USER], userName: 'big@example.com', title: 'x'.repeat(2_000_000) }),
      });
      assert.equal(big.statusCode, 413);
      assert.equal(JSON.parse(big.body).status, '413');
      const xml = await t.server.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/xml' },
        payload: '<user/>',
      });
      assert.equal(xml.statusCode, 415);
    });

    it('reads, replaces with PUT (ignoring id/meta/groups echoed back) and 404s an unknown id', async () => {
      const created = await create('okta.put@example.com', { name: { givenName: 'Test', familyName: 'User' } });
      const id = String(created['id']);
      const read = await t.scim('GET', `/Users/${id}`);
      assert.equal(read.status, 200);
      const put = await t.scim('PUT', `/Users/${id}`, { ...read.body, name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' } });
      assert.equal(put.status, 200, put.raw);
      assert.equal(field(put.body, 'name', 'middleName'), 'Excited');
      assert.equal(field(put.body, 'meta', 'version'), 'W/"2"');
      const missing = await t.scim('GET', '/Users/010101001010101011001010101011');
      assert.equal(missing.status, 404);
      assert.equal(missing.body['status'], '404');
    });

    it('PATCHes atomically: a bad operation after good ones changes nothing', async () => {
      const created = await create('atomic@example.com', { title: 'Before' });
      const id = String(created['id']);
      const response = await t.scim(
        'PATCH',
        `/Users/${id}`,
        patch({ op: 'replace', path: 'title', value: 'After' }, { op: 'replace', path: 'noSuchAttribute', value: 'x' }),
      );
      assert.equal(response.status, 400);
      assert.equal(response.body['scimType'], 'invalidPath');
      const read = await t.scim('GET', `/Users/${id}`);
      assert.equal(read.body['title'], 'Before');
      assert.equal(field(read.body, 'meta', 'version'), 'W/"1"');
    });

    it('PATCHes with paths, value filters and no path; answers 200 with the resource', async () => {
      const created = await create('patchme@example.com', { emails: [{ value: 'old@example.com', type: 'work', primary: true }] });
      const id = String(created['id']);
      const response = await t.scim(
        'PATCH',
        `/Users/${id}`,
        patch(
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' },
          { op: 'add', path: 'name.givenName', value: 'Pat' },
          { op: 'replace', value: { displayName: 'Pat Me', active: false } },
          { op: 'add', path: `${ENTERPRISE}:department`, value: 'R&D' },
        ),
      );
      assert.equal(response.status, 200, response.raw);
      assert.equal(field(response.body, 'emails', 0, 'value'), 'new@example.com');
      assert.equal(field(response.body, 'name', 'givenName'), 'Pat');
      assert.equal(response.body['active'], false);
      assert.equal(field(response.body, ENTERPRISE, 'department'), 'R&D');
      const byEmail = await t.scim('GET', `/Users?filter=${encodeURIComponent('emails.value eq "NEW@example.com"')}`);
      assert.equal(byEmail.body['totalResults'], 1, 'the email index follows the PATCH');
    });

    it('PATCHes a whole extension by its URN exactly as a POST of the same object stores it', async () => {
      const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
      const enterprise = { schemas: [ENTERPRISE], department: 'R&D', costCenter: '4130', employeeNumber: '701984' };
      const roster = { schemas: [ROSTER], office: 'London', hireDate: '2024-01-31' };
      const posted = await create('posted@example.com', { [ENTERPRISE]: enterprise, [ROSTER]: roster });
      const id = String((await create('patched@example.com'))['id']);
      for (const op of ['add', 'replace']) {
        const response = await t.scim('PATCH', `/Users/${id}`, patch({ op, path: ENTERPRISE, value: enterprise }, { op, path: ROSTER, value: roster }));
        assert.equal(response.status, 200, response.raw);
        assert.deepEqual(response.body[ENTERPRISE], posted[ENTERPRISE], op);
        assert.deepEqual(response.body[ROSTER], posted[ROSTER], op);
      }
      const contradictory = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: ENTERPRISE, value: { ...enterprise, schemas: [USER] } }));
      assert.equal(contradictory.status, 400);
      assert.equal(contradictory.body['scimType'], 'invalidValue');
      const removed = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'remove', path: ENTERPRISE }, { op: 'remove', path: ROSTER }));
      assert.equal(removed.status, 200, removed.raw);
      assert.equal(ENTERPRISE in removed.body, false);
      assert.equal(ROSTER in removed.body, false);
    });

    it('honours If-Match (412 on a stale version) and If-None-Match (304)', async () => {
      const created = await create('etag@example.com');
      const id = String(created['id']);
      const stale = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'title', value: 'x' }), { 'if-match': 'W/"7"' });
      assert.equal(stale.status, 412);
      const fresh = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'title', value: 'x' }), { 'if-match': 'W/"1"' });
      assert.equal(fresh.status, 200);
      const notModified = await t.scim('GET', `/Users/${id}`, undefined, { 'if-none-match': 'W/"2"' });
      assert.equal(notModified.status, 304);
      const modified = await t.scim('GET', `/Users/${id}`, undefined, { 'if-none-match': 'W/"1"' });
      assert.equal(modified.status, 200);
    });

    it('keeps a deactivated user readable and brings them back unchanged', async () => {
      const created = await create('leaver@example.com', { title: 'Keeper' });
      const id = String(created['id']);
      const off = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: false } }));
      assert.equal(off.body['active'], false);
      const list = await t.scim('GET', `/Users?filter=${encodeURIComponent('active eq false and userName eq "leaver@example.com"')}`);
      assert.equal(list.body['totalResults'], 1);
      const on = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: true } }));
      assert.equal(on.body['active'], true);
      assert.equal(on.body['title'], 'Keeper');
    });

    it('deletes: 204, then 404, and the person leaves their groups', async () => {
      const created = await create('gone@example.com');
      const id = String(created['id']);
      const group = await t.scim('POST', '/Groups', { displayName: 'Leavers', members: [{ value: id }] });
      assert.equal(group.status, 201);
      assert.equal((await t.scim('DELETE', `/Users/${id}`)).status, 204);
      assert.equal((await t.scim('GET', `/Users/${id}`)).status, 404);
      assert.equal((await t.scim('DELETE', `/Users/${id}`)).status, 404);
      const read = await t.scim('GET', `/Groups/${String(group.body['id'])}`);
      assert.deepEqual(read.body['members'], []);
    });

    it('never shows one tenant’s users to another', async () => {
      const other = await t.addTenant('umbrella');
      await create('private@acme.example');
      const response = await t.server.app.inject({
        method: 'GET',
        url: `/scim/v2/Users?filter=${encodeURIComponent('userName eq "private@acme.example"')}`,
        headers: { authorization: `Bearer ${other.token}` },
      });
      assert.equal(JSON.parse(response.body).totalResults, 0);
      const mine = await t.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "private@acme.example"')}`);
      const id = String(field(mine.body, 'Resources', 0, 'id'));
      const cross = await t.server.app.inject({ method: 'GET', url: `/scim/v2/Users/${id}`, headers: { authorization: `Bearer ${other.token}` } });
      assert.equal(cross.statusCode, 404);
    });
  });
}
