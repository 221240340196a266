import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import type { JsonObject } from '../json/json-value.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import type { StoredEvent, TenantRecord } from '../storage/store.js';
import { createTestDatabase, testEngines } from '../testing/databases.js';
import { createTestServer, type TestServer } from '../testing/test-server.js';
import { startReceiver, type ReceivedWebhook, type TestReceiver } from '../testing/webhook-receiver.js';
import { waitUntil } from '../testing/wait-until.js';
import { verifyWebhook } from '../webhook-helper.js';
import { httpTransport, type WebhookTransport } from './webhook-transport.js';
import { addWebhook, listDeadLetters, listWebhooks, replayDeadLetter, rotateWebhookSecret } from './manage-webhooks.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * Small timings so retries happen within a test; production defaults are seconds to hours. The
 * timeout is three seconds: an answer read after the timeout is a failed attempt and the event is
 * sent again (at-least-once), and a busy machine can take far longer than usual to read a local
 * receiver's answer. A lease must outlast an attempt, hence six.
 */
const FAST = {
  WEBHOOK_POLL_MS: '40',
  WEBHOOK_RETRY_BASE_MS: '20',
  WEBHOOK_RETRY_MAX_MS: '150',
  WEBHOOK_TIMEOUT_MS: '3000',
  WEBHOOK_LEASE_MS: '6000',
};

async function scim(server: RosterServer, token: string, method: string, path: string, body?: JsonObject) {
  const response = await server.app.inject({
    method: method as 'GET',
    url: `/scim/v2${path}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  assert.ok(response.statusCode < 300, `${method} ${path}: ${response.statusCode} ${response.body}`);
  return response.body === '' ? {} : (JSON.parse(response.body) as JsonObject);
}

/** A burst of typical IdP traffic: people, a group with members, a deactivation, a deletion. */
async function provision(server: RosterServer, token: string, prefix: string): Promise<void> {
  const ids: string[] = [];
  for (const n of [1, 2, 3]) {
    const user = await scim(server, token, 'POST', '/Users', {
      schemas: [USER],
      userName: `${prefix}${n}@example.com`,
      name: { givenName: `Given${n}`, familyName: 'Family' },
      emails: [{ value: `${prefix}${n}@example.com`, type: 'work', primary: true }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Sales' },
    });
    ids.push(String(user['id']));
  }
  await scim(server, token, 'POST', '/Groups', { schemas: [GROUP], displayName: `${prefix} team`, members: ids.map((value) => ({ value })) });
  await scim(server, token, 'PATCH', `/Users/${ids[0]}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
  await scim(server, token, 'DELETE', `/Users/${ids[2]}`);
}

function outbox(server: RosterServer, tenantId: string): Promise<StoredEvent[]> {
  return server.store.read({ tenantId }, (r) => r.events.after(0, 10_000));
}

/** Every event received once, in seq order, byte-for-byte the committed payload, correctly signed. */
function assertDeliveredExactly(received: readonly ReceivedWebhook[], committed: readonly StoredEvent[], secret: string): void {
  const events = received.map((r) => verifyWebhook({ body: r.body, header: r.headers['roster-signature'], secrets: [secret] }));
  assert.deepEqual(
    events.map((e) => e.seq),
    committed.map((e) => e.seq),
    'each event once, in seq order',
  );
  for (const [i, event] of events.entries()) {
    const expected = committed[i]!;
    assert.equal(event.id, expected.id);
    assert.equal(event.type, expected.type);
    assert.equal(event.tenant.id, expected.tenantId);
    assert.equal(event.occurredAt, new Date(expected.occurredMs).toISOString());
    assert.deepEqual(event.data, expected.data, 'the payload exactly as committed');
    assert.equal(received[i]!.headers['roster-event-id'], expected.id);
    assert.equal(received[i]!.headers['roster-event-type'], expected.type);
  }
}

for (const { engine, skip } of testEngines()) {
  describe(`webhook delivery on ${engine}`, { skip }, () => {
    let t: TestServer;
    let receiver: TestReceiver;
    before(async () => {
      t = await createTestServer(engine, FAST);
    });
    after(async () => {
      await t?.close();
    });

    it('keeps SCIM fast while the receiver hangs, then delivers every event in order exactly as committed', async () => {
      receiver = await startReceiver('hang');
      const tenant = await t.addTenant('hanging');
      const { secret } = await addWebhook(t.server.rt, { tenantSlug: 'hanging', url: receiver.url });
      try {
        await scim(t.server, tenant.token, 'POST', '/Users', { schemas: [USER], userName: 'first@example.com' });
        await waitUntil(() => receiver.attempts >= 1, 'a delivery attempt to reach the hanging receiver');
        // Each of these completes while a delivery is stuck on the receiver: nothing waits for it.
        await provision(t.server, tenant.token, 'slow');
        receiver.mode = 'up';
        const committed = await outbox(t.server, tenant.tenant.id);
        assert.ok(committed.length >= 10);
        await waitUntil(() => receiver.received.length >= committed.length, 'every event to arrive');
        assertDeliveredExactly(receiver.received, committed, secret);
        assert.ok(Number(receiver.received[0]!.headers['roster-delivery-attempt']) > 1, 'the first event needed retries');
        assert.equal(receiver.received.at(-1)!.headers['roster-delivery-attempt'], '1');
      } finally {
        await receiver.close();
      }
    });

    it('an endpoint for all tenants serves tenants created later, from their first event', async () => {
      receiver = await startReceiver('up');
      try {
        const { secret } = await addWebhook(t.server.rt, { tenantSlug: null, url: receiver.url, label: 'everything' });
        const later = await t.addTenant('later');
        await scim(t.server, later.token, 'POST', '/Users', { schemas: [USER], userName: 'new@later.example' });
        const committed = await outbox(t.server, later.tenant.id);
        await waitUntil(() => receiver.received.some((r) => r.headers['roster-tenant'] === 'later'), 'the new tenant’s event');
        const fromLater = receiver.received.filter((r) => r.headers['roster-tenant'] === 'later');
        assertDeliveredExactly(fromLater, committed, secret);
        assert.equal(committed[0]!.seq, 1);
        const listed = await listWebhooks(t.server.rt, 'later');
        assert.ok(listed.some((w) => w.tenant === null && w.label === 'everything'));
        assert.equal(JSON.stringify(listed).includes(secret), false, 'lists show a fingerprint, never the secret');
      } finally {
        await receiver.close();
      }
    });

    it('gives up after the retry window: a dead letter an admin sees, the stream waits, a replay resumes it in order', async () => {
      const window = await createTestServer(engine, { ...FAST, WEBHOOK_RETRY_WINDOW_MS: '300' });
      receiver = await startReceiver('down');
      try {
        const { webhook, secret } = await addWebhook(window.server.rt, { tenantSlug: 'acme', url: receiver.url });
        await scim(window.server, window.token, 'POST', '/Users', { schemas: [USER], userName: 'dead@example.com' });
        await waitUntil(async () => (await listDeadLetters(window.server.rt, 'acme')).length === 1, 'a dead letter');
        const [letter] = await listDeadLetters(window.server.rt, 'acme');
        assert.equal(letter!.seq, 1);
        assert.equal(letter!.eventType, 'user.created');
        assert.equal(letter!.lastError, 'HTTP 503');
        assert.ok(letter!.attempts >= 2);

        receiver.mode = 'up';
        await scim(window.server, window.token, 'POST', '/Users', { schemas: [USER], userName: 'after@example.com' });
        const [stream] = (await listWebhooks(window.server.rt, 'acme')).find((w) => w.id === webhook.id)!.streams;
        assert.equal(stream!.state, 'dead', 'a dead stream is not delivered past its dead event');
        assert.equal(stream!.lastSeq, 0);

        await replayDeadLetter(window.server.rt, letter!.id);
        const committed = await outbox(window.server, window.tenant.id);
        await waitUntil(() => receiver.received.length >= committed.length, 'the replayed stream to catch up');
        assertDeliveredExactly(receiver.received, committed, secret);
        assert.equal((await listDeadLetters(window.server.rt, 'acme')).length, 0);
        assert.equal((await listDeadLetters(window.server.rt, 'acme', { includeReplayed: true }))[0]!.replayedMs !== null, true);
      } finally {
        await receiver.close();
        await window.close();
      }
    });

    it('signs with the old and the new secret during a rotation', async () => {
      receiver = await startReceiver('up');
      const tenant = await t.addTenant('rotating');
      try {
        const { webhook, secret: old } = await addWebhook(t.server.rt, { tenantSlug: 'rotating', url: receiver.url });
        await scim(t.server, tenant.token, 'POST', '/Users', { schemas: [USER], userName: 'one@rotating.example' });
        await waitUntil(() => receiver.received.length === 1, 'the first event');
        assert.equal(String(receiver.received[0]!.headers['roster-signature']).split(',v1=').length, 2, 'one signature');

        const rotated = await rotateWebhookSecret(t.server.rt, webhook.id, 60_000);
        assert.notEqual(rotated.secret, old);
        assert.notEqual(rotated.webhook.fingerprint, webhook.fingerprint);
        await scim(t.server, tenant.token, 'POST', '/Users', { schemas: [USER], userName: 'two@rotating.example' });
        await waitUntil(() => receiver.received.length === 2, 'the second event');
        const second = receiver.received[1]!;
        assert.equal(String(second.headers['roster-signature']).split(',v1=').length, 3, 'two signatures during the overlap');
        for (const secret of [old, rotated.secret]) {
          assert.equal(verifyWebhook({ body: second.body, header: second.headers['roster-signature'], secrets: secret }).seq, 2);
        }
      } finally {
        await receiver.close();
      }
    });

    it("takes over a crashed process's claim once its lease has expired", async () => {
      const quiet = await createTestServer(engine, { ...FAST, WEBHOOK_DELIVERY: 'off' });
      receiver = await startReceiver('up');
      try {
        const { secret } = await addWebhook(quiet.server.rt, { tenantSlug: 'acme', url: receiver.url });
        await scim(quiet.server, quiet.token, 'POST', '/Users', { schemas: [USER], userName: 'orphan@example.com' });
        await quiet.server.store.eventsSettled({ tenantId: quiet.tenant.id });
        // A process that claimed the stream and died: its claim stays until the lease runs out.
        const now = Date.now();
        const leaseUntil = now + 400;
        const ghost = await quiet.server.store.delivery.claimDue('crashed-process', now, leaseUntil, 10);
        assert.equal(ghost.length, 1);
        quiet.server.dispatcher.start();
        const committed = await outbox(quiet.server, quiet.tenant.id);
        await waitUntil(() => receiver.received.length >= committed.length, 'delivery after the lease expired');
        assert.ok(receiver.received[0]!.at >= leaseUntil, 'nobody delivers while the lease is held');
        assertDeliveredExactly(receiver.received, committed, secret);
      } finally {
        await receiver.close();
        await quiet.close();
      }
    });
  });

  describe(`webhook delivery across restarts and processes on ${engine}`, { skip }, () => {
    let dir: string | undefined;
    let url: string;
    let dispose: () => Promise<void>;
    before(async () => {
      if (engine === 'sqlite') {
        // A file, not :memory:, so a second server opens the same database.
        dir = mkdtempSync(join(tmpdir(), 'roster-webhooks-'));
        url = join(dir, 'roster.db');
        dispose = async () => rmSync(dir!, { recursive: true, force: true });
      } else {
        const database = await createTestDatabase(engine);
        url = database.url;
        dispose = () => database.dispose();
      }
    });
    after(async () => dispose?.());

    const config = (overrides: Record<string, string> = {}) => loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: url, DB_POOL_SIZE: '4', ...FAST, ...overrides });
    /**
     * An attempt whose answer comes after the timeout counts as failed and is sent again, even if
     * the receiver got it (at-least-once, docs/events.md). A busy machine can take longer than
     * FAST's 250 ms to read a local answer, so exactly-once is tested with a timeout healthy
     * processes never reach.
     */
    const HEALTHY = { WEBHOOK_TIMEOUT_MS: '10000' };

    it('loses no undelivered event when the server restarts', async () => {
      const receiver = await startReceiver('down');
      const first = await createServer(config());
      let second: RosterServer | undefined;
      try {
        const tenant = await createTenant(first.rt, { slug: 'restart' });
        const { secret: token } = await issueCredential(first.rt, tenant.id, 'bearer', 'test');
        const { secret } = await addWebhook(first.rt, { tenantSlug: 'restart', url: receiver.url });
        await provision(first, token, 'restart');
        await waitUntil(() => receiver.attempts >= 1, 'a failed attempt before the restart');
        const committed = await outbox(first, tenant.id);
        await first.close();

        receiver.mode = 'up';
        second = await createServer(config());
        await waitUntil(() => receiver.received.length >= committed.length, 'the new process to deliver the backlog');
        assertDeliveredExactly(receiver.received, committed, secret);
      } finally {
        await first.close();
        await second?.close();
        await receiver.close();
      }
    });

    it('two processes sharing the database deliver each event exactly once', { skip: engine === 'sqlite' ? 'SQLite is one process by design' : false }, async (t) => {
      const all = await startReceiver('up');
      const one = await startReceiver('up');
      // Outbound HTTP is real; the wrapper only counts which process sent what.
      const sentBy = { a: 0, b: 0 };
      const counting =
        (name: 'a' | 'b'): WebhookTransport =>
        async (request) => {
          sentBy[name] += 1;
          return httpTransport(request);
        };
      const a = await createServer(config(HEALTHY), { webhookTransport: counting('a') });
      const b = await createServer(config(HEALTHY), { webhookTransport: counting('b') });
      try {
        const tenants: { tenant: TenantRecord; token: string }[] = [];
        for (const slug of ['shared-1', 'shared-2', 'shared-3']) {
          const tenant = await createTenant(a.rt, { slug });
          tenants.push({ tenant, token: (await issueCredential(a.rt, tenant.id, 'bearer', 'test')).secret });
        }
        const { secret: allSecret } = await addWebhook(a.rt, { tenantSlug: null, url: all.url });
        const { secret: oneSecret } = await addWebhook(b.rt, { tenantSlug: 'shared-1', url: one.url });
        // Changes arrive through both processes at once.
        await Promise.all(tenants.flatMap(({ token }, i) => [provision(a, token, `a${i}-`), provision(b, token, `b${i}-`)]));
        // Each process numbers its changes' events just after they commit; a read through each
        // waits for what that process committed, after which one outbox holds them all.
        await Promise.all([a, b].flatMap((server) => tenants.map(({ tenant }) => outbox(server, tenant.id))));
        const committed = await Promise.all(tenants.map(({ tenant }) => outbox(a, tenant.id)));
        const total = committed.reduce((n, events) => n + events.length, 0);
        await waitUntil(() => all.received.length >= total && one.received.length >= committed[0]!.length, 'every event at both receivers');
        for (const [i, { tenant }] of tenants.entries()) {
          assertDeliveredExactly(
            all.received.filter((r) => r.headers['roster-tenant'] === tenant.slug),
            committed[i]!,
            allSecret,
          );
        }
        assertDeliveredExactly(one.received, committed[0]!, oneSecret);
        assert.equal(all.received.length, total, 'no duplicates');
        t.diagnostic(`deliveries sent by process a: ${sentBy.a}, by process b: ${sentBy.b}`);
      } finally {
        await a.close();
        await b.close();
        await all.close();
        await one.close();
      }
    });

    it('a send in flight longer than the lease keeps its claim: the other process does not send the same event', {
      skip: engine === 'sqlite' ? 'SQLite is one process by design' : false,
    }, async () => {
      const receiver = await startReceiver('up');
      // The first send waits until the test lets it go, far beyond the lease (a stalled attempt;
      // this transport ignores the timeout). Every later send goes straight through.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const sends: { by: string; seq: string }[] = [];
      const gated =
        (name: string): WebhookTransport =>
        async (request) => {
          // Endpoints left by the tests before (for every tenant) go their own way.
          if (request.url !== receiver.url) return httpTransport(request);
          sends.push({ by: name, seq: String(request.headers['Roster-Event-Seq']) });
          if (sends.length === 1) await gate;
          // Short settings make leases short; the real request gets time enough not to be retried.
          return httpTransport({ ...request, timeoutMs: 10_000 });
        };
      // A lease of 3 s, renewed every second while the stream is held (a busy machine still renews
      // in time); the other process looks for work every 10 ms.
      const short = { WEBHOOK_LEASE_MS: '3000', WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_POLL_MS: '10' };
      const a = await createServer(config(short), { webhookTransport: gated('a') });
      const b = await createServer(config(short), { webhookTransport: gated('b') });
      try {
        const tenant = await createTenant(a.rt, { slug: 'stalled' });
        const { secret: token } = await issueCredential(a.rt, tenant.id, 'bearer', 'test');
        const { webhook, secret } = await addWebhook(a.rt, { tenantSlug: 'stalled', url: receiver.url });
        await scim(a, token, 'POST', '/Users', { schemas: [USER], userName: 'stalled@example.com' });
        await waitUntil(() => sends.length === 1, 'the first send to start');
        const stream = async () => (await a.store.delivery.streamsOf(webhook.id))[0]!;
        const held = await stream();
        assert.ok(held.leaseOwner !== null && held.leaseUntilMs !== null);
        // While the send hangs, its process keeps renewing the claim (same owner, same token)
        // past two more leases' length; the other process polls every 10 ms all along.
        await waitUntil(
          async () => {
            if (sends.length > 1) return true;
            const now = await stream();
            return now.leaseOwner === held.leaseOwner && now.leaseToken === held.leaseToken && now.leaseUntilMs! > held.leaseUntilMs! + 2 * 3000;
          },
          'the claim to be renewed while the send is in flight',
          60_000,
        );
        assert.deepEqual(sends, [sends[0]], 'nobody else sent while the first send was in flight');
        release();
        await scim(b, token, 'POST', '/Users', { schemas: [USER], userName: 'after@example.com' });
        const committed = await outbox(a, tenant.id);
        await waitUntil(() => receiver.received.length >= committed.length, 'every event delivered');
        assertDeliveredExactly(receiver.received, committed, secret);
        assert.deepEqual(
          sends.map((s) => s.seq),
          committed.map((e) => String(e.seq)),
          'each event sent once',
        );
      } finally {
        release();
        await a.close();
        await b.close();
        await receiver.close();
      }
    });
  });
}
