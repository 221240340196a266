import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createServer, type RosterServer } from '../app/create-server.js';
import { doctorCommand } from '../cli/doctor-command.js';
import { loadConfig } from '../config/config.js';
import type { JsonObject } from '../json/json-value.js';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { createTestDatabase, testEngines } from '../testing/databases.js';
import { startReceiver } from '../testing/webhook-receiver.js';
import { waitUntil } from '../testing/wait-until.js';
import { verifyWebhook } from '../webhook-helper.js';
import { addWebhook, listWebhooks, rotateWebhookSecret } from './manage-webhooks.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const OPERATOR = { email: 'ops@roster.example', password: 'operator passphrase 1' };

/** Short retries so a failing receiver piles up attempts within a test; a timeout a local receiver never reaches. */
const FAST = { WEBHOOK_POLL_MS: '40', WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_RETRY_MAX_MS: '100', WEBHOOK_TIMEOUT_MS: '5000' };

/** One sample of a Prometheus text page, or undefined when absent. */
function sample(page: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of page.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2]!.split(',');
    if (wanted.every((w) => present.includes(w))) return Number(match[3]);
  }
  return undefined;
}

for (const { engine, skip } of testEngines()) {
  describe(`webhooks an operator can watch, on ${engine}`, { skip }, () => {
    let dir: string | undefined;
    let databaseUrl: string;
    let dispose: () => Promise<void> = async () => {};
    let server: RosterServer;
    let token: string;
    const logs: JsonObject[] = [];

    before(async () => {
      if (engine === 'sqlite') {
        // A file, so `roster doctor` can open the same database the server uses.
        dir = mkdtempSync(join(tmpdir(), 'roster-webhook-ops-'));
        databaseUrl = join(dir, 'roster.db');
        dispose = async () => rmSync(dir!, { recursive: true, force: true });
      } else {
        const database = await createTestDatabase(engine);
        databaseUrl = database.url;
        dispose = () => database.dispose();
      }
      const stream = new PassThrough();
      stream.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(JSON.parse(line) as JsonObject);
      });
      // LOG_LEVEL=warn, as operators who want a quiet log run it: failures must still show.
      server = await createServer(loadConfig({ LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, DB_POOL_SIZE: '4', ...FAST }), { logStream: stream });
      const tenant = await createTenant(server.rt, { slug: 'acme' });
      token = (await issueCredential(server.rt, tenant.id, 'bearer', 'IdP')).secret;
      await createAdmin(server.rt, OPERATOR);
    });
    after(async () => {
      await server?.close();
      await dispose();
    });

    const createUser = async (userName: string) => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: [USER], userName }),
      });
      assert.equal(response.statusCode, 201, response.body);
      return JSON.parse(response.body) as JsonObject;
    };
    const metrics = async () => (await server.app.inject({ method: 'GET', url: '/metrics' })).body;
    const doctor = async () => {
      const saved = process.env['DATABASE_URL'];
      process.env['DATABASE_URL'] = databaseUrl;
      const lines: string[] = [];
      try {
        const code = await doctorCommand([], { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) });
        return { code, lines };
      } finally {
        if (saved === undefined) delete process.env['DATABASE_URL'];
        else process.env['DATABASE_URL'] = saved;
      }
    };
    const tenantHealth = async () => {
      const session = await server.app.inject({ method: 'POST', url: '/admin/api/v1/session', payload: OPERATOR });
      assert.equal(session.statusCode, 200, session.body);
      const cookie = String(session.headers['set-cookie']).split(';')[0]!;
      const listed = await server.app.inject({ method: 'GET', url: '/admin/api/v1/tenants', headers: { cookie } });
      const one = await server.app.inject({ method: 'GET', url: '/admin/api/v1/tenants/acme', headers: { cookie } });
      const fromList = (JSON.parse(listed.body) as { tenants: { slug: string; webhooks: { health: string; troubles: { message: string }[] } }[] }).tenants.find(
        (t) => t.slug === 'acme',
      )!;
      const fromOne = (JSON.parse(one.body) as { tenant: { webhooks: { health: string } } }).tenant;
      assert.equal(fromOne.webhooks.health, fromList.webhooks.health, 'the list and the tenant agree');
      return fromList.webhooks;
    };

    it('a failing endpoint is logged at warn, counted on /metrics by endpoint, and flagged by roster doctor and the admin API', async () => {
      const receiver = await startReceiver('down');
      let endpointId = '';
      try {
        const { webhook } = await addWebhook(server.rt, { tenantSlug: 'acme', url: receiver.url, label: 'crm' });
        endpointId = webhook.id;
        assert.deepEqual(await tenantHealth(), { health: 'ok', troubles: [] });
        await createUser('failing@example.com');
        // Five failed attempts in a row make a failing stream (retries are milliseconds apart here).
        await waitUntil(async () => (await server.store.delivery.streamsOf(webhook.id))[0]!.attempts >= 5, 'five failed attempts');

        const warned = logs.filter((l) => l['msg'] === 'webhook delivery failed; will retry');
        assert.ok(warned.length >= 1, 'failures reach a log at warn level');
        assert.equal(warned[0]!['level'], 40, 'logged at warn');
        assert.equal(warned[0]!['endpoint'], webhook.id);
        assert.equal(warned[0]!['error'], 'HTTP 503');

        const page = await metrics();
        const endpoint = { endpoint: webhook.id, label: 'crm' };
        assert.ok(sample(page, 'roster_webhook_attempts_total', { endpoint: webhook.id, outcome: 'failed' })! >= 5);
        assert.equal(sample(page, 'roster_webhook_endpoint_retrying_streams', endpoint), 1);
        assert.equal(sample(page, 'roster_webhook_endpoint_undelivered_events', endpoint), 1);
        assert.ok(sample(page, 'roster_webhook_endpoint_lag_seconds', endpoint)! >= 0);
        assert.equal(sample(page, 'roster_webhook_endpoint_dead_letters', endpoint), 0);

        const sick = await doctor();
        assert.equal(sick.code, 1, sick.lines.join('\n'));
        const line = sick.lines.find((l) => l.includes('webhook "crm"'));
        assert.ok(line?.startsWith('PROBLEM'), `doctor flags the endpoint:\n${sick.lines.join('\n')}`);
        assert.match(line!, /HTTP 503/);

        const health = await tenantHealth();
        assert.equal(health.health, 'failing');
        assert.match(health.troubles[0]!.message, /crm/);

        receiver.mode = 'up';
        await waitUntil(() => receiver.received.length >= 1, 'the event once the receiver is back');
        await waitUntil(async () => (await server.store.delivery.streamsOf(webhook.id))[0]!.attempts === 0, 'the success recorded');
        const healed = await metrics();
        assert.ok(sample(healed, 'roster_webhook_attempts_total', { endpoint: webhook.id, outcome: 'delivered' })! >= 1);
        assert.equal(sample(healed, 'roster_webhook_endpoint_lag_seconds', endpoint), 0);
        assert.equal(sample(healed, 'roster_webhook_endpoint_retrying_streams', endpoint), 0);
        const well = await doctor();
        assert.ok(
          well.lines.some((l) => l.startsWith('ok') && l.includes('webhooks:')),
          well.lines.join('\n'),
        );
        assert.ok(!well.lines.some((l) => l.includes('webhook "crm"')), well.lines.join('\n'));
        assert.equal((await tenantHealth()).health, 'ok');
      } finally {
        await receiver.close();
        if (endpointId) await server.store.delivery.deleteEndpoint(endpointId);
      }
    });

    it('signs every delivery the Standard Webhooks way too: the standardwebhooks library verifies real deliveries', async () => {
      const receiver = await startReceiver('up');
      let endpointId = '';
      try {
        const { webhook, secret } = await addWebhook(server.rt, { tenantSlug: 'acme', url: receiver.url, label: 'standard' });
        endpointId = webhook.id;
        const user = await createUser('standard@example.com');
        await waitUntil(() => receiver.received.length >= 1, 'a delivery');
        const [request] = receiver.received;
        const headers = Object.fromEntries(Object.entries(request!.headers).map(([k, v]) => [k, String(v)]));
        // The library Standard Webhooks publishes, given Roster's secret exactly as Roster shows it.
        const verified = new Webhook(secret).verify(request!.body, headers) as { id: string; type: string; data: { user: { id: string } } };
        assert.equal(verified.type, 'user.created');
        assert.equal(verified.data.user.id, user['id']);
        assert.equal(headers['webhook-id'], verified.id, 'webhook-id is the event id: the idempotency key');
        assert.equal(headers['webhook-id'], headers['roster-event-id']);
        assert.equal(headers['webhook-timestamp'], /t=(\d+)/.exec(headers['roster-signature']!)![1], 'one timestamp for both schemes');
        // Tampering is caught by the library too.
        assert.throws(() => new Webhook(secret).verify(request!.body.replace('standard@', 'attacker@'), headers));
        // And Roster's own package verifies by either scheme.
        assert.equal(verifyWebhook({ body: request!.body, headers, secrets: secret }).id, verified.id);
        const { 'roster-signature': _ignored, ...standardOnly } = headers;
        assert.equal(verifyWebhook({ body: request!.body, headers: standardOnly, secrets: secret }).id, verified.id);
      } finally {
        await receiver.close();
        if (endpointId) await server.store.delivery.deleteEndpoint(endpointId);
      }
    });

    it('keeps every secret still in its overlap when a secret is rotated twice', async () => {
      const receiver = await startReceiver('up');
      try {
        const { webhook, secret: first } = await addWebhook(server.rt, { tenantSlug: 'acme', url: receiver.url, label: 'rotating' });
        const second = (await rotateWebhookSecret(server.rt, webhook.id, 60_000)).secret;
        const third = (await rotateWebhookSecret(server.rt, webhook.id, 60_000)).secret;
        const listed = (await listWebhooks(server.rt, 'acme')).find((w) => w.id === webhook.id)!;
        assert.equal(listed.retiringSecrets.length, 2, 'both retired secrets still sign');
        assert.equal(JSON.stringify(listed).includes(first), false, 'lists show fingerprints, never secrets');

        await createUser('rotated@example.com');
        await waitUntil(() => receiver.received.length >= 1, 'a delivery');
        const request = receiver.received[0]!;
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
        assert.equal(headers['roster-signature']!.split(',v1=').length, 4, 'three Roster signatures');
        assert.equal(headers['webhook-signature']!.split(' ').length, 3, 'three Standard Webhooks signatures');
        for (const secret of [first, second, third]) {
          assert.equal(verifyWebhook({ body: request.body, header: headers['roster-signature'], secrets: secret }).type, 'user.created');
          new Webhook(secret).verify(request.body, headers);
        }

        // A secret whose overlap has ended stops signing, and a rotation drops it.
        const short = await rotateWebhookSecret(server.rt, webhook.id, 0);
        const after = (await server.store.delivery.findEndpoint(webhook.id))!;
        assert.deepEqual(
          after.retiringSecrets.map((r) => r.secret).sort(),
          [first, second, third].sort(),
          'the just-retired secret is kept with its (ended) overlap; the others keep theirs',
        );
        assert.equal((await listWebhooks(server.rt, 'acme')).find((w) => w.id === webhook.id)!.retiringSecrets.length, 2, 'an ended overlap is not listed');
        await waitUntil(() => Date.now() > short.previousValidUntilMs, 'the zero overlap to be over');
        const again = await rotateWebhookSecret(server.rt, webhook.id, 60_000);
        const last = (await server.store.delivery.findEndpoint(webhook.id))!;
        assert.deepEqual(last.retiringSecrets.map((r) => r.secret).sort(), [first, second, short.secret].sort(), 'the one whose overlap ended is gone');
        assert.notEqual(again.secret, short.secret);
        await server.store.delivery.deleteEndpoint(webhook.id);
      } finally {
        await receiver.close();
      }
    });
  });
}
