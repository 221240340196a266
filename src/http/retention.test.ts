import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../json/json-value.js';
import { issueHostKey } from '../provisioning/host-keys/host-keys.js';
import { uuidv7 } from '../provisioning/runtime.js';
import { createTenant, updateTenantSettings } from '../provisioning/tenants/manage-tenants.js';
import { pruneRetention } from '../provisioning/tenants/retention-pruner.js';
import { tenantSettings } from '../provisioning/tenants/tenant-settings.js';
import type { RequestLogEntry } from '../storage/store.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, type TestServer } from '../testing/test-server.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const DAY_MS = 24 * 60 * 60 * 1000;

for (const { engine, skip } of testEngines()) {
  describe(`retention on ${engine}`, { skip }, () => {
    let t: TestServer;
    let hostKey: string;

    before(async () => {
      // The server's own pass is run by hand below; the interval only has to be long.
      t = await createTestServer(engine, { RETENTION_INTERVAL_MS: '3600000' });
      hostKey = (await issueHostKey(t.server.rt, { label: 'host' })).secret;
    });
    after(async () => t?.close());

    const host = async (path: string) => {
      const response = await t.server.app.inject({ method: 'GET', url: `/host/v1${path}`, headers: { authorization: `Bearer ${hostKey}` } });
      return { status: response.statusCode, body: JSON.parse(response.body) as JsonObject, headers: response.headers };
    };
    const logEntry = (tenantId: string, atMs: number): RequestLogEntry => ({
      tenantId,
      id: uuidv7(atMs),
      atMs,
      method: 'GET',
      path: '/scim/v2/Users',
      status: 200,
      durationMs: 1,
      client: null,
      credentialId: null,
      resourceType: null,
      resourceId: null,
      changed: false,
      notes: {},
      error: null,
    });
    const logOf = (tenantId: string) => t.server.store.read({ tenantId }, (r) => r.requestLog.list({ limit: 100 }));

    it('the server prunes the provisioning log past the tenant’s retention in the background it starts', async () => {
      const tenant = await createTenant(t.server.rt, { slug: 'log-keeper' });
      const now = Date.now();
      await t.server.store.appendRequestLog([logEntry(tenant.id, now - 31 * DAY_MS), logEntry(tenant.id, now - 29 * DAY_MS), logEntry(tenant.id, now)]);
      await t.server.retention.runNow();
      assert.deepEqual(
        (await logOf(tenant.id)).map((e) => e.atMs),
        [now, now - 29 * DAY_MS],
        'the default keeps 30 days',
      );

      await updateTenantSettings(t.server.rt, 'log-keeper', { logRetentionDays: 7 });
      await t.server.retention.runNow();
      assert.deepEqual(
        (await logOf(tenant.id)).map((e) => e.atMs),
        [now],
        'a tenant may keep less',
      );
    });

    it('refuses a retention setting outside 1…3,650 whole days and keeps the one before', async () => {
      await updateTenantSettings(t.server.rt, 'log-keeper', { eventRetentionDays: 120 });
      for (const value of [0, 3651, 1.5, 'ninety']) {
        await assert.rejects(updateTenantSettings(t.server.rt, 'log-keeper', { eventRetentionDays: value }), /eventRetentionDays/);
        await assert.rejects(updateTenantSettings(t.server.rt, 'log-keeper', { logRetentionDays: value }), /logRetentionDays/);
      }
      const stored = tenantSettings((await t.server.store.tenants.findBySlug('log-keeper'))!);
      assert.equal(stored.eventRetentionDays, 120);
      assert.equal(stored.logRetentionDays, 7);
    });

    it('a host whose cursor is older than the retained events gets 410 with a code and the snapshot, and resumes from the snapshot’s seq', async () => {
      for (const name of ['old1', 'old2', 'old3']) {
        const created = await t.scim('POST', '/Users', { schemas: [USER], userName: `${name}@example.com` });
        assert.equal(created.status, 201, created.raw);
      }
      const before = await host('/tenants/acme/events?after=0&limit=1000');
      assert.equal(before.status, 200);
      const lastSeq = Number(before.body['next']);
      assert.ok(lastSeq >= 3);

      // A year later every one of these events is past the default 90 days, and no endpoint waits for them.
      const later = Date.now() + 365 * DAY_MS;
      const acme = (await t.server.store.tenants.findBySlug('acme'))!;
      const totals = await pruneRetention({ store: t.server.store, now: () => later, chunk: 2 }, [acme.id]);
      assert.equal(totals.events, lastSeq, 'every event, two per transaction');

      for (const after of [0, lastSeq - 1]) {
        const gone = await host(`/tenants/acme/events?after=${after}`);
        assert.equal(gone.status, 410);
        assert.equal(gone.body['error'], 'cursor_expired');
        assert.equal(gone.body['snapshot'], '/host/v1/tenants/acme/snapshot');
        assert.equal(gone.body['oldestAfter'], lastSeq);
        assert.match(String(gone.body['detail']), /snapshot/);
        assert.match(String(gone.headers['link']), /<\/host\/v1\/tenants\/acme\/snapshot>/);
      }

      const snapshot = await host('/tenants/acme/snapshot');
      assert.equal(snapshot.status, 200);
      assert.equal(snapshot.body['seq'], lastSeq, 'the snapshot still covers every pruned event');
      const resumed = await host(`/tenants/acme/events?after=${String(snapshot.body['seq'])}`);
      assert.equal(resumed.status, 200);
      assert.deepEqual(resumed.body['events'], []);

      const next = await t.scim('POST', '/Users', { schemas: [USER], userName: 'new@example.com' });
      assert.equal(next.status, 201);
      const fresh = await host(`/tenants/acme/events?after=${lastSeq}`);
      assert.equal(fresh.status, 200);
      assert.deepEqual(
        (fresh.body['events'] as JsonObject[]).map((e) => e['seq']),
        [lastSeq + 1],
        'nothing missed, nothing twice',
      );
    });
  });
}
