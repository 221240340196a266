import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import type { JsonObject } from '../json/json-value.js';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { checkTenantSync } from '../provisioning/operations/sync-health.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';

const OPERATOR = { email: 'ops@roster.example', password: 'operator passphrase 1' };
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

for (const { engine, skip } of testEngines()) {
  describe(`the tenants' health badge in the admin API on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let server: RosterServer;
    let clock = Date.parse('2026-03-01T09:00:00Z');
    let token = '';
    let cookie = '';
    const ids: string[] = [];

    const scim = async (method: 'POST' | 'PATCH', path: string, payload: JsonObject) =>
      (
        await server.app.inject({
          method,
          url: `/scim/v2${path}`,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', 'user-agent': 'Microsoft.AAD SCIM client' },
          payload,
        })
      ).statusCode;
    const get = async (path: string) => JSON.parse((await server.app.inject({ method: 'GET', url: `/admin/api/v1${path}`, headers: { cookie } })).body) as JsonObject;
    const health = async () => {
      // The test's clock jumps hours ahead: a fresh session each time, not one that went idle.
      const session = await server.app.inject({ method: 'POST', url: '/admin/api/v1/session', payload: OPERATOR });
      cookie = String(session.headers['set-cookie']).split(';')[0]!;
      const listed = ((await get('/tenants'))['tenants'] as JsonObject[]).find((t) => t['slug'] === 'acme')!['health'] as JsonObject;
      const own = ((await get('/tenants/acme'))['tenant'] as JsonObject)['health'] as JsonObject;
      assert.deepEqual(own, listed, 'the tenants list and the tenant page say the same');
      return own;
    };
    const messages = (h: JsonObject) => (h['findings'] as JsonObject[]).map((f) => `${String(f['severity'])}: ${String(f['message'])}`);

    before(async () => {
      database = await createTestDatabase(engine);
      server = await createServer(
        loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, PUBLIC_URL: 'https://roster.example.com', SYNC_STALE_AFTER_MINUTES: '120' }),
        { now: () => clock },
      );
      const acme = await createTenant(server.rt, { slug: 'acme', name: 'Acme' });
      await createTenant(server.rt, { slug: 'quiet', name: 'Quiet' });
      await createAdmin(server.rt, OPERATOR);
      token = (await issueCredential(server.rt, acme.id, 'bearer', 'entra')).secret;
    });
    after(async () => {
      await server?.close();
      await database?.dispose();
    });

    it('is ok while requests succeed, and names the last error and the error rate when they fail', async () => {
      for (let i = 0; i < 10; i++) {
        const created = await server.app.inject({
          method: 'POST',
          url: '/scim/v2/Users',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          payload: { schemas: [CORE], userName: `p${i}@acme.example`, active: true },
        });
        assert.equal(created.statusCode, 201);
        ids.push(String(JSON.parse(created.body).id));
      }
      await server.requestLog.flush();
      const calm = await health();
      assert.equal(calm['level'], 'ok');
      assert.deepEqual(calm['findings'], []);
      assert.equal(calm['lastError'], null);
      assert.deepEqual([calm['failedRecent'], calm['recentRequests'], calm['heldChanges']], [0, 10, 0]);

      // Eleven clashes: more than half of the last 21 requests failed.
      for (let i = 0; i < 11; i++) assert.equal(await scim('POST', '/Users', { schemas: [CORE], userName: 'p0@acme.example' }), 409);
      await server.requestLog.flush();
      const failing = await health();
      assert.equal(failing['level'], 'warning');
      assert.deepEqual(messages(failing), ['warning: 11 of the last 21 SCIM requests failed; see the provisioning log for which and why']);
      const last = failing['lastError'] as JsonObject;
      assert.deepEqual([last['method'], last['path'], last['status']], ['POST', '/scim/v2/Users', 409]);
      assert.match(String(last['error']), /already taken/);
      assert.equal(failing['failedRecent'], 11);
    });

    it('says when the IdP fell silent beyond its rhythm, exactly as roster doctor does', async () => {
      clock += 3 * 60 * 60_000;
      const silent = await health();
      assert.equal(silent['level'], 'problem', 'Entra syncs on a schedule: 3 h of silence means its job stopped');
      const doctor = (await checkTenantSync(server.rt, { staleAfterMs: 120 * 60_000 }))
        .filter((f) => f.subject === 'tenant acme' && f.severity !== 'ok')
        .map((f) => `${f.severity}: ${f.message}`);
      assert.ok(doctor.some((m) => /no SCIM request for 3 h/.test(m)));
      assert.deepEqual(messages(silent), doctor);
    });

    it('counts held changes, and is quiet again once they are decided', async () => {
      clock += 60_000;
      const deactivate = { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] };
      const statuses: number[] = [];
      // 10 people: the guard's minimum population is not met, so make the tenant large enough first.
      for (let i = 10; i < 30; i++) assert.equal(await scim('POST', '/Users', { schemas: [CORE], userName: `p${i}@acme.example`, active: true }), 201);
      for (let i = 0; i < 7; i++) statuses.push(await scim('PATCH', `/Users/${ids[i]!}`, deactivate));
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 202]);
      await server.requestLog.flush();
      const held = await health();
      assert.equal(held['heldChanges'], 1);
      assert.ok(messages(held).includes('warning: 1 change held by the mass-change guard waits for an admin to approve or discard'));
      const quiet = ((await get('/tenants'))['tenants'] as JsonObject[]).find((t) => t['slug'] === 'quiet')!['health'] as JsonObject;
      assert.equal(quiet['heldChanges'], 0, 'per tenant');
      assert.equal(quiet['lastError'], null);
    });
  });
}
