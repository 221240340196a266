import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../json/json-value.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, field, type TestServer } from '../testing/test-server.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patch = (...Operations: JsonObject[]) => ({ schemas: [PATCH], Operations });

for (const { engine, skip } of testEngines()) {
  describe(`SCIM /Groups on ${engine}`, { skip }, () => {
    let t: TestServer;
    const users: string[] = [];
    before(async () => {
      t = await createTestServer(engine);
      for (let i = 0; i < 6; i++) {
        const r = await t.scim('POST', '/Users', { userName: `member${i}@example.com` });
        users.push(String(r.body['id']));
      }
    });
    after(async () => t?.close());

    const members = async (id: string) => ((await t.scim('GET', `/Groups/${id}`)).body['members'] as JsonObject[]).map((m) => String(m['value'])).sort();

    it('creates with members, answers 409 for a taken displayName in any case', async () => {
      const created = await t.scim('POST', '/Groups', { displayName: 'Engineering', members: [{ value: users[0]! }, { value: users[1]! }] });
      assert.equal(created.status, 201);
      assert.equal((created.body['members'] as JsonObject[]).length, 2);
      const dup = await t.scim('POST', '/Groups', { displayName: 'ENGINEERING' });
      assert.equal(dup.status, 409);
      assert.equal(dup.body['scimType'], 'uniqueness');
    });

    it('holds members it does not know yet as pending references instead of failing the request', async () => {
      const created = await t.scim('POST', '/Groups', { displayName: 'Patient' });
      const id = String(created.body['id']);
      const response = await t.scim(
        'PATCH',
        `/Groups/${id}`,
        patch({ op: 'add', path: 'members', value: [{ value: users[5]! }] }, { op: 'add', path: 'members', value: [{ value: 'late.joiner@example.com' }] }),
      );
      assert.equal(response.status, 204, response.raw);
      assert.deepEqual(await members(id), [users[5]!]);
      const pending = await t.server.store.read({ tenantId: t.tenant.id }, (r) => r.pending.list(100, 0));
      assert.deepEqual(
        pending.rows.map((p) => [p.kind, p.subjectId, p.reference]),
        [['member', id, 'late.joiner@example.com']],
      );
      const arrived = await t.scim('POST', '/Users', { userName: 'late.joiner@example.com' });
      assert.deepEqual(await members(id), [users[5]!, String(arrived.body['id'])].sort(), 'linked the moment the person arrives');
      await t.scim('DELETE', `/Groups/${id}`);
    });

    it('adds, removes by filter, replaces and removes all; 204 by default, 200 with attributes', async () => {
      const created = await t.scim('POST', '/Groups', { displayName: 'Sales' });
      const id = String(created.body['id']);
      const add = await t.scim('PATCH', `/Groups/${id}`, patch({ op: 'add', path: 'members', value: users.slice(0, 4).map((value) => ({ value })) }));
      assert.equal(add.status, 204);
      assert.equal(add.raw, '');
      assert.deepEqual(await members(id), users.slice(0, 4).sort());
      const twice = await t.scim('PATCH', `/Groups/${id}`, patch({ op: 'add', path: 'members', value: [{ value: users[0]! }] }));
      assert.equal(twice.status, 204, 'adding a member twice is harmless');
      await t.scim('PATCH', `/Groups/${id}`, patch({ op: 'remove', path: `members[value eq "${users[0]!}" or value eq "${users[1]!}"]` }));
      assert.deepEqual(await members(id), users.slice(2, 4).sort());
      await t.scim('PATCH', `/Groups/${id}`, patch({ op: 'replace', path: 'members', value: [{ value: users[4]! }, { value: users[2]! }] }));
      assert.deepEqual(await members(id), [users[2]!, users[4]!].sort());
      const withBody = await t.scim('PATCH', `/Groups/${id}?attributes=displayName`, patch({ op: 'remove', path: 'members' }));
      assert.equal(withBody.status, 200);
      assert.equal(withBody.body['displayName'], 'Sales');
      assert.equal(withBody.body['members'], undefined);
      assert.deepEqual(await members(id), []);
    });

    it('renames with a no-path replace that carries the id (Okta), and bumps the version', async () => {
      const created = await t.scim('POST', '/Groups', { displayName: 'Old name' });
      const id = String(created.body['id']);
      const rename = await t.scim('PATCH', `/Groups/${id}`, patch({ op: 'replace', value: { id, displayName: 'New name' } }));
      assert.equal(rename.status, 204, rename.raw);
      const read = await t.scim('GET', `/Groups/${id}?excludedAttributes=members`);
      assert.equal(read.body['displayName'], 'New name');
      assert.equal(read.body['members'], undefined);
      assert.equal(field(read.body, 'meta', 'version'), 'W/"2"');
      const clash = await t.scim('PATCH', `/Groups/${id}`, patch({ op: 'replace', path: 'displayName', value: 'engineering' }));
      assert.equal(clash.status, 409);
    });

    it('finds groups by displayName and by member, and lists a person’s groups on the user', async () => {
      const found = await t.scim('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "engineering"')}`);
      assert.equal(found.body['totalResults'], 1);
      assert.equal(field(found.body, 'Resources', 0, 'members'), undefined);
      const byMember = await t.scim('GET', `/Groups?filter=${encodeURIComponent(`members.value eq "${users[0]!}"`)}`);
      assert.equal(byMember.body['totalResults'], 1);
      const user = await t.scim('GET', `/Users/${users[0]!}`);
      assert.deepEqual(
        (user.body['groups'] as JsonObject[]).map((g) => g['display']),
        ['Engineering'],
      );
      const inGroup = await t.scim('GET', `/Users?filter=${encodeURIComponent('groups.display eq "ENGINEERING"')}`);
      assert.equal(inGroup.body['totalResults'], 2);
    });

    it('filters and removes members by $ref, which is derived from the member and not stored', async () => {
      const created = await t.scim('POST', '/Groups', { displayName: 'By reference', members: [{ value: users[2]! }, { value: users[3]! }] });
      const id = String(created.body['id']);
      const ref = (user: string) => `https://elsewhere.example/scim/v2/Users/${user}`;
      const total = async (filter: string) => {
        const response = await t.scim('GET', `/Groups?filter=${encodeURIComponent(`${filter} and displayName eq "By reference"`)}`);
        assert.equal(response.status, 200, response.raw);
        return response.body['totalResults'];
      };
      assert.equal(await total(`members.$ref eq "${ref(users[2]!)}"`), 1);
      assert.equal(await total(`members[$ref eq "${ref(users[2]!)}"]`), 1);
      assert.equal(await total(`members.$ref eq "https://elsewhere.example/scim/v2/Groups/${users[2]!}"`), 0, 'a Group reference is not a User');
      assert.equal(await total(`members.$ref eq "not a reference"`), 0);
      assert.equal(await total('members.$ref pr'), 1);
      assert.equal((await t.scim('GET', `/Groups?filter=${encodeURIComponent('members.$ref co "Users"')}`)).body['scimType'], 'invalidFilter');
      const removed = await t.scim('PATCH', `/Groups/${id}`, patch({ op: 'remove', path: `members[$ref eq "${ref(users[2]!)}"]` }));
      assert.equal(removed.status, 204, removed.raw);
      assert.deepEqual(await members(id), [users[3]!]);
    });

    it('nests a group as a member and replaces membership with PUT', async () => {
      const parent = await t.scim('POST', '/Groups', { displayName: 'Parent' });
      const child = await t.scim('POST', '/Groups', { displayName: 'Child' });
      const parentId = String(parent.body['id']);
      const put = await t.scim('PUT', `/Groups/${parentId}`, { displayName: 'Parent', members: [{ value: String(child.body['id']) }, { value: users[5]! }] });
      assert.equal(put.status, 200);
      const types = (put.body['members'] as JsonObject[]).map((m) => m['type']).sort();
      assert.deepEqual(types, ['Group', 'User']);
      const self = await t.scim('PATCH', `/Groups/${parentId}`, patch({ op: 'add', path: 'members', value: [{ value: parentId }] }));
      assert.equal(self.status, 400);
    });

    it('deletes a group: 204, then 404; its members stay', async () => {
      const created = await t.scim('POST', '/Groups', { displayName: 'Temporary', members: [{ value: users[3]! }] });
      const id = String(created.body['id']);
      assert.equal((await t.scim('DELETE', `/Groups/${id}`)).status, 204);
      assert.equal((await t.scim('GET', `/Groups/${id}`)).status, 404);
      assert.equal((await t.scim('GET', `/Users/${users[3]!}`)).status, 200);
    });
  });
}
