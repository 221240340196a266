import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../../json/json-value.js';
import { testEngines } from '../../testing/databases.js';
import { createTestServer, type TestServer } from '../../testing/test-server.js';
import { updateTenantSettings } from '../tenants/manage-tenants.js';
import { tenantSettings } from '../tenants/tenant-settings.js';
import { approveHeldChange, discardHeldChange, listHeldChanges } from './review-held-change.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const deactivate = { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] };

for (const { engine, skip } of testEngines()) {
  describe(`mass-change guard on ${engine}`, { skip }, () => {
    let t: TestServer;
    const ids: string[] = [];
    const scope = () => ({ tenantId: t.tenant.id });
    const settings = async () => tenantSettings((await t.server.store.tenants.findById(t.tenant.id))!);
    const eventTypes = async () => (await t.server.store.read(scope(), (r) => r.events.after(0, 100_000))).map((e) => e.type);

    before(async () => {
      t = await createTestServer(engine);
      // 30 people: the default limit is 20% within 10 minutes, so the 7th removal is held.
      for (let i = 0; i < 30; i++) ids.push(String((await t.scim('POST', '/Users', { userName: `p${i}@guard.example`, active: true })).body['id']));
    });
    after(async () => t?.close());

    it('applies removals up to the threshold and holds the excess, with no events until approved', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await t.scim('PATCH', `/Users/${ids[i]!}`, deactivate)).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200]);
      const heldPatch = await t.scim('PATCH', `/Users/${ids[6]!}`, deactivate);
      assert.equal(heldPatch.status, 202, heldPatch.raw);
      assert.equal(heldPatch.body['active'], true, 'the body shows the person as they still are');
      const heldDelete = await t.scim('DELETE', `/Users/${ids[7]!}`);
      assert.equal(heldDelete.status, 202);
      assert.equal((await t.scim('GET', `/Users/${ids[7]!}`)).status, 200, 'not deleted');
      const held = await listHeldChanges(t.server.rt, scope(), 'held');
      assert.deepEqual(held.map((h) => h.kind).sort(), ['user.deactivate', 'user.delete']);
      assert.match(held[0]!.reason, /exceed this tenant's limit of 20%/);
      assert.equal((await eventTypes()).filter((e) => e === 'user.deactivated').length, 6);
      await t.server.requestLog.flush();
      const log = await t.server.store.read(scope(), (r) => r.requestLog.list({ resourceId: ids[6]!, limit: 5 }));
      assert.match(JSON.stringify(log[0]?.notes), /held for approval/);
    });

    it('applies a held change on approval (events flow then) and drops it on discard', async () => {
      const held = await listHeldChanges(t.server.rt, scope(), 'held');
      const deactivation = held.find((h) => h.kind === 'user.deactivate')!;
      const deletion = held.find((h) => h.kind === 'user.delete')!;
      await approveHeldChange(t.server.rt, scope(), deactivation.id, await settings());
      assert.equal((await t.scim('GET', `/Users/${ids[6]!}`)).body['active'], false);
      assert.equal((await eventTypes()).filter((e) => e === 'user.deactivated').length, 7);
      await discardHeldChange(t.server.rt, scope(), deletion.id);
      assert.equal((await t.scim('GET', `/Users/${ids[7]!}`)).status, 200);
      assert.equal((await eventTypes()).includes('user.deleted'), false);
      await assert.rejects(approveHeldChange(t.server.rt, scope(), deletion.id, await settings()), /already discarded/);
    });

    it('holds a PATCH that would empty a group of more than 50 members', async () => {
      const members: string[] = [];
      for (let i = 0; i < 55; i++) members.push(String((await t.scim('POST', '/Users', { userName: `m${i}@guard.example` })).body['id']));
      const group = await t.scim('POST', '/Groups', { displayName: 'Big', members: members.map((value) => ({ value })) });
      const id = String(group.body['id']);
      const emptied = await t.scim('PATCH', `/Groups/${id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: 'members' }] });
      assert.equal(emptied.status, 202);
      assert.equal(((await t.scim('GET', `/Groups/${id}`)).body['members'] as JsonObject[]).length, 55, 'nothing removed yet');
      const held = (await listHeldChanges(t.server.rt, scope(), 'held')).find((h) => h.kind === 'group.empty')!;
      assert.match(held.reason, /empty a group of 55 members/);
      await approveHeldChange(t.server.rt, scope(), held.id, await settings());
      assert.deepEqual((await t.scim('GET', `/Groups/${id}`)).body['members'], []);
    });

    it('a held group change leaves nothing of itself; a group at the limit is emptied at once', async () => {
      const members: string[] = [];
      for (let i = 0; i < 51; i++) members.push(String((await t.scim('POST', '/Users', { userName: `h${i}@guard.example` })).body['id']));
      const group = await t.scim('POST', '/Groups', { displayName: 'Held', members: members.map((value) => ({ value })) });
      const id = String(group.body['id']);
      const before = (await eventTypes()).length;
      // A rename, a member not known yet and the emptying, in one request: all of it is held.
      const held = await t.scim('PATCH', `/Groups/${id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'replace', path: 'displayName', value: 'Renamed' },
          { op: 'add', path: 'members', value: [{ value: 'not-yet@guard.example' }] },
          { op: 'remove', path: 'members' },
        ],
      });
      assert.equal(held.status, 202, held.raw);
      assert.equal(held.headers['etag'], group.headers['etag'], 'the version is unchanged');
      const shown = await t.scim('GET', `/Groups/${id}`);
      assert.equal(shown.body['displayName'], 'Held');
      assert.equal((shown.body['members'] as JsonObject[]).length, 51);
      const pending = await t.server.store.read(scope(), (r) => r.pending.list(1000, 0));
      assert.deepEqual(
        pending.rows.filter((p) => p.subjectId === id),
        [],
        'no pending member kept',
      );
      assert.equal((await eventTypes()).length, before, 'no event');
      const record = (await listHeldChanges(t.server.rt, scope(), 'held')).find((h) => h.resourceId === id);
      assert.match(record?.reason ?? '', /empty a group of 51 members/);

      // 50 members is the limit itself: emptying such a group is not held.
      const small = await t.scim('POST', '/Groups', { displayName: 'At the limit', members: members.slice(0, 50).map((value) => ({ value })) });
      const emptied = await t.scim('PATCH', `/Groups/${String(small.body['id'])}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: 'members' }] });
      assert.equal(emptied.status, 204, emptied.raw);
      assert.deepEqual((await t.scim('GET', `/Groups/${String(small.body['id'])}`)).body['members'], []);
      await discardHeldChange(t.server.rt, scope(), record!.id);
    });

    it('lets everything through when the tenant turns the guard off', async () => {
      await updateTenantSettings(t.server.rt, 'acme', { massChangeGuard: 'off' });
      for (let i = 8; i < 20; i++) assert.equal((await t.scim('PATCH', `/Users/${ids[i]!}`, deactivate)).status, 200);
      assert.equal((await listHeldChanges(t.server.rt, scope(), 'held')).length, 0);
    });
  });
}
