import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../json/json-value.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { DomainError } from '../provisioning/errors.js';
import { issueHostKey } from '../provisioning/host-keys/host-keys.js';
import { createSetupLink } from '../provisioning/setup/setup-links.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { previewSummary } from '../provisioning/tenants/preview-summary.js';
import { discardPreview, goLive } from '../provisioning/tenants/tenant-preview.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, field, type TestServer } from '../testing/test-server.js';
import { waitUntil } from '../testing/wait-until.js';
import { startReceiver, type TestReceiver } from '../testing/webhook-receiver.js';
import { verifyWebhook } from '../webhook-helper.js';
import { addWebhook } from './manage-webhooks.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const FAST = { WEBHOOK_POLL_MS: '40', WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_RETRY_MAX_MS: '150', WEBHOOK_TIMEOUT_MS: '3000', WEBHOOK_LEASE_MS: '6000' };

for (const { engine, skip } of testEngines()) {
  describe(`preview before go-live on ${engine}`, { skip }, () => {
    let t: TestServer;
    let receiver: TestReceiver;
    let hostKey: string;
    before(async () => {
      t = await createTestServer(engine, FAST);
      receiver = await startReceiver('up');
      hostKey = (await issueHostKey(t.server.rt, { label: 'host' })).secret;
    });
    after(async () => {
      await t?.close();
      await receiver?.close();
    });

    const scimAs = async (token: string, method: string, path: string, body?: JsonObject) => {
      const response = await t.server.app.inject({
        method: method as 'GET',
        url: `/scim/v2${path}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      assert.ok(response.statusCode < 300, `${method} ${path}: ${response.statusCode} ${response.body}`);
      return response.body === '' ? {} : (JSON.parse(response.body) as JsonObject);
    };
    const host = async (path: string) => {
      const response = await t.server.app.inject({ method: 'GET', url: `/host/v1${path}`, headers: { authorization: `Bearer ${hostKey}` } });
      return { status: response.statusCode, body: JSON.parse(response.body) as JsonObject };
    };
    const previewTenant = async (slug: string) => {
      const tenant = await createTenant(t.server.rt, { slug, mode: 'preview' });
      const token = (await issueCredential(t.server.rt, tenant.id, 'bearer', 'idp')).secret;
      return { tenant, token };
    };
    const person = (userName: string, extra: JsonObject = {}): JsonObject => ({
      schemas: [USER, ENTERPRISE],
      userName,
      name: { givenName: 'Given', familyName: userName.split('@')[0] ?? 'x' },
      emails: [{ value: userName, type: 'work', primary: true }],
      ...extra,
    });
    const receivedOf = (slug: string, secret: string) =>
      receiver.received
        .filter((r) => r.headers['roster-tenant'] === slug)
        .map((r) => verifyWebhook({ body: r.body, header: r.headers['roster-signature'], secrets: [secret] }));

    it('keeps a preview from the host until Go live, then gives it tenant.live, the snapshot and only later events', async () => {
      // A deployment-wide webhook made before the tenant: its stream starts at 0, the hard case.
      const everything = await addWebhook(t.server.rt, { tenantSlug: null, url: receiver.url, label: 'everything' });
      const { tenant, token } = await previewTenant('preview-co');
      const ids: string[] = [];
      for (const n of [1, 2, 3]) ids.push(String((await scimAs(token, 'POST', '/Users', person(`p${n}@preview.example`)))['id']));
      await scimAs(token, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Preview team', members: ids.map((value) => ({ value })) });
      const previewEvents = await t.server.store.read({ tenantId: tenant.id }, (r) => r.events.after(0, 1000));
      assert.ok(previewEvents.length >= 4, 'the preview writes its events to the outbox');

      // A live tenant's change is delivered: the dispatcher is running, and it passes the preview by.
      const live = await scimAs(t.token, 'POST', '/Users', person('live@acme.example'));
      await waitUntil(
        () => receivedOf('acme', everything.secret).some((e) => e.type === 'user.created' && field(e.data as unknown as JsonValue, 'user', 'id') === live['id']),
        "the live tenant's event",
      );
      assert.deepEqual(receivedOf('preview-co', everything.secret), [], 'no webhook for a tenant in preview');

      for (const path of [
        '/tenants/preview-co/events',
        '/tenants/preview-co/snapshot',
        '/tenants/preview-co/people',
        '/tenants/preview-co/groups',
        `/tenants/preview-co/people/${ids[0]}`,
      ]) {
        const refused = await host(path);
        assert.equal(refused.status, 409, path);
        assert.equal(refused.body['error'], 'tenant_in_preview', path);
        assert.equal(refused.body['mode'], 'preview');
      }
      const listed = (await host('/tenants')).body['tenants'] as JsonObject[];
      assert.equal(listed.find((x) => x['slug'] === 'preview-co')?.['mode'], 'preview');

      const summary = await previewSummary(t.server.rt, tenant);
      assert.equal(summary.people.total, 3);
      assert.equal(summary.groups.total, 1);
      assert.equal(summary.eventsHeldBack, previewEvents.length);

      const wentLive = await goLive(t.server.rt, tenant, { base: 'http://roster.test', actor: 'cli' });
      assert.equal(wentLive.snapshotSeq, previewEvents.at(-1)!.seq + 1, 'tenant.live follows every preview event');
      assert.equal(wentLive.snapshot, 'http://roster.test/host/v1/tenants/preview-co/snapshot');
      await assert.rejects(
        goLive(t.server.rt, tenant, { base: 'http://roster.test', actor: 'cli' }),
        (e: unknown) => e instanceof DomainError && e.kind === 'tenantMode',
      );
      await assert.rejects(
        discardPreview(t.server.rt, { ...tenant, mode: 'live' }, { actor: 'cli' }),
        (e: unknown) => e instanceof DomainError && e.kind === 'tenantMode',
      );

      const after = String((await scimAs(token, 'POST', '/Users', person('p4@preview.example')))['id']);
      await waitUntil(() => receivedOf('preview-co', everything.secret).length >= 2, 'tenant.live and the next event');
      const delivered = receivedOf('preview-co', everything.secret);
      assert.equal(delivered[0]!.type, 'tenant.live', 'the first event the host hears');
      assert.equal(delivered[0]!.seq, wentLive.snapshotSeq);
      assert.deepEqual(delivered[0]!.data, { schemaVersion: 1, snapshotSeq: wentLive.snapshotSeq, snapshot: wentLive.snapshot });
      assert.equal(delivered[1]!.type, 'user.created');
      assert.equal(field(delivered[1]!.data as unknown as JsonValue, 'user', 'id'), after);
      const previewIds = new Set(previewEvents.map((e) => e.id));
      assert.ok(
        delivered.every((e) => !previewIds.has(e.id)),
        'no preview event is ever delivered',
      );

      const snapshot = await host('/tenants/preview-co/snapshot');
      assert.equal(snapshot.status, 200);
      assert.ok(Number(snapshot.body['seq']) >= wentLive.snapshotSeq);
      const people = (snapshot.body['people'] as JsonObject[]).map((p) => String(p['id'])).sort();
      assert.deepEqual(people, [...ids, after].sort(), 'the snapshot holds the whole directory, preview included');

      const gone = await host('/tenants/preview-co/events?after=0');
      assert.equal(gone.status, 410, 'a cursor from the preview is told to read the snapshot');
      assert.equal(gone.body['error'], 'cursor_expired');
      const feed = await host(`/tenants/preview-co/events?after=${wentLive.snapshotSeq - 1}`);
      assert.equal(feed.status, 200);
      assert.deepEqual(
        (feed.body['events'] as JsonObject[]).map((e) => e['type']),
        ['tenant.live', 'user.created'],
      );
    });

    it('discards a preview: its people, groups, events and log go; the tenant and its token stay', async () => {
      const { tenant, token } = await previewTenant('discard-co');
      const ids: string[] = [];
      for (const n of [1, 2]) ids.push(String((await scimAs(token, 'POST', '/Users', person(`d${n}@discard.example`, { manager: { value: 'nobody-yet' } })))['id']));
      await scimAs(token, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Discarded', members: ids.map((value) => ({ value })) });
      await t.server.requestLog.flush();
      const removed = await discardPreview(t.server.rt, tenant, { actor: 'cli' });
      assert.equal(removed.users, 2);
      assert.equal(removed.groups, 1);
      assert.ok(removed.events >= 3);
      const left = await t.server.store.read({ tenantId: tenant.id }, async (r) => ({
        people: (await r.users.list({ page: { kind: 'cursor', limit: 10 } })).total,
        groups: (await r.groups.list({ page: { kind: 'cursor', limit: 10 } })).total,
        events: (await r.events.after(0, 10)).length,
        pending: (await r.pending.list(10, 0)).total,
        log: (await r.requestLog.list({ limit: 10 })).length,
        audit: (await r.audit.latest(10)).map((a) => a.action),
      }));
      assert.deepEqual({ ...left, audit: undefined }, { people: 0, groups: 0, events: 0, pending: 0, log: 0, audit: undefined });
      assert.ok(left.audit.includes('tenant.preview_discarded'));
      assert.equal((await t.server.store.tenants.findById(tenant.id))?.mode, 'preview', 'still in preview');
      // The IdP pushes again with the same token, and the same userName is free again.
      await scimAs(token, 'POST', '/Users', person('d1@discard.example'));
    });

    it('a setup link opens an empty tenant in preview and never takes a tenant with data out of live', async () => {
      const fresh = await createTenant(t.server.rt, { slug: 'fresh-co' });
      const made = await createSetupLink(t.server.rt, { tenantId: fresh.id, createdBy: 'cli' });
      assert.equal(made.tenantMode, 'preview');
      const optedOut = await createTenant(t.server.rt, { slug: 'opted-out' });
      assert.equal((await createSetupLink(t.server.rt, { tenantId: optedOut.id, createdBy: 'cli', preview: false })).tenantMode, 'live');
      // acme holds people: a link leaves it live, and asking for a preview explicitly is refused.
      assert.equal((await createSetupLink(t.server.rt, { tenantId: t.tenant.id, createdBy: 'cli' })).tenantMode, 'live');
      await assert.rejects(
        createSetupLink(t.server.rt, { tenantId: t.tenant.id, createdBy: 'cli', preview: true }),
        (e: unknown) => e instanceof DomainError && e.kind === 'tenantMode',
      );
      assert.equal((await t.server.store.tenants.findById(t.tenant.id))?.mode, 'live');
    });
  });
}
