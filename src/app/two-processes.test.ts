import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { uuidv7 } from '../provisioning/runtime.js';
import { addWebhook } from '../events/manage-webhooks.js';
import { loadConfig } from '../config/config.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';
import { startReceiver, type TestReceiver } from '../testing/webhook-receiver.js';
import { waitUntil } from '../testing/wait-until.js';
import { createServer, type RosterServer } from './create-server.js';

const entry = fileURLToPath(new URL('../testing/serve-process.ts', import.meta.url));

interface Child {
  readonly process: ChildProcess;
  readonly base: string;
  readonly output: string[];
}

/** Starts `roster serve` as its own OS process on an ephemeral port; resolves once it listens. */
async function startServer(databaseUrl: string, name: string, env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DB_POOL_SIZE: '4', PUBLIC_URL: 'http://roster.test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${output.join('')}`)), 60_000);
    child.stderr?.on('data', (d: Buffer) => {
      const text = d.toString();
      output.push(text);
      const m = /roster listening on (http:\/\/[^\s]+)/.exec(output.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening:\n${output.join('')}`));
    });
  });
  return { process: child, base, output };
}

async function stop(child: Child | undefined): Promise<number | null> {
  if (!child || child.process.exitCode !== null) return child?.process.exitCode ?? null;
  const exited = once(child.process, 'exit');
  child.process.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

for (const { engine, skip } of testEngines().filter((e) => e.engine === 'postgres')) {
  describe(`two Roster processes on one ${engine} schema`, { skip }, () => {
    let database: TestDatabase;
    let a: Child | undefined;
    let b: Child | undefined;
    let store: Store;
    let token: string;
    let tenantId: string;
    let receiver: TestReceiver;

    before(async () => {
      database = await createTestDatabase('postgres');
      // Both start at once on an empty schema: the migrations' lock lets one apply them.
      [a, b] = await Promise.all([startServer(database.url, 'process A'), startServer(database.url, 'process B')]);
      store = await openStore({ databaseUrl: database.url, poolSize: 2 });
      const rt = { store, now: Date.now, newId: () => uuidv7() };
      const tenant = await createTenant(rt, { slug: 'acme' });
      tenantId = tenant.id;
      token = (await issueCredential(rt, tenant.id, 'bearer', 'IdP')).secret;
      // Both processes deliver webhooks (the default): everything below is also delivered, by whichever claims it.
      receiver = await startReceiver('up');
      await addWebhook(rt, { tenantSlug: 'acme', url: receiver.url });
    });
    after(async () => {
      const codes = [await stop(a), await stop(b)];
      await receiver?.close();
      await store?.close();
      await database?.dispose();
      assert.deepEqual(codes, [0, 0], 'both processes shut down cleanly on SIGTERM');
    });

    const call = async (child: Child | undefined, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${child!.base}/scim/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown>, requestId: response.headers.get('x-request-id') };
    };

    it('are two processes with their own listeners', () => {
      assert.notEqual(a!.process.pid, b!.process.pid);
      assert.notEqual(a!.base, b!.base);
    });

    it('serve one directory: created through one, read and patched through the other', async () => {
      const created = await call(a, 'POST', '/Users', {
        userName: 'ada@example.com',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
      });
      assert.equal(created.status, 201);
      const id = String(created.body['id']);
      const read = await call(b, 'GET', `/Users/${id}`);
      assert.equal(read.status, 200);
      assert.equal(read.body['userName'], 'ada@example.com');
      const patched = await call(b, 'PATCH', `/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'Analyst' }],
      });
      assert.equal(patched.status, 200);
      const again = await call(a, 'GET', `/Users/${id}`);
      assert.equal(again.body['title'], 'Analyst', 'the change made through B is what A serves');
      assert.notEqual(created.requestId, read.requestId);

      // A manager named before they exist, created through the other process, is linked.
      const report = await call(b, 'POST', '/Users', {
        userName: 'report@example.com',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: { value: 'boss@example.com' } },
      });
      const boss = await call(a, 'POST', '/Users', { userName: 'boss@example.com' });
      assert.equal(boss.status, 201);
      const linked = await store.read({ tenantId }, (repos) => repos.users.findById(String(report.body['id'])));
      assert.equal(linked?.managerId, boss.body['id']);

      // Groups: made through B with a member from A, changed through A, read through B.
      const group = await call(b, 'POST', '/Groups', { displayName: 'Analysts', members: [{ value: id }] });
      assert.equal(group.status, 201);
      const gid = String(group.body['id']);
      const add = await call(a, 'PATCH', `/Groups/${gid}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'members', value: [{ value: String(boss.body['id']) }] }],
      });
      assert.equal(add.status, 204);
      const members = (await call(b, 'GET', `/Groups/${gid}`)).body['members'] as { value: string }[];
      assert.deepEqual(members.map((m) => m.value).sort(), [id, String(boss.body['id'])].sort());
    });

    it('keep userName unique across processes, even when both are asked at the same moment', async () => {
      const names = Array.from({ length: 12 }, (_, i) => `race${i}@example.com`);
      const results = await Promise.all(
        names.flatMap((userName) => [call(a, 'POST', '/Users', { userName }), call(b, 'POST', '/Users', { userName: userName.toUpperCase() })]),
      );
      for (let i = 0; i < names.length; i++) {
        const pair = [results[2 * i]!.status, results[2 * i + 1]!.status].sort();
        assert.deepEqual(pair, [201, 409], `${names[i]}: one process creates, the other answers 409`);
      }
      const groups = await Promise.all([call(a, 'POST', '/Groups', { displayName: 'Race' }), call(b, 'POST', '/Groups', { displayName: 'race' })]);
      assert.deepEqual(groups.map((g) => g.status).sort(), [201, 409]);
      const listed = await call(b, 'GET', `/Users?filter=${encodeURIComponent('userName sw "race"')}&count=100`);
      assert.equal(listed.body['totalResults'], names.length);
    });

    it('number events without gaps and record the last SCIM request from both', async () => {
      const events = await store.read({ tenantId }, (repos) => repos.events.after(0, 10_000));
      assert.ok(events.length > 20);
      for (const [i, e] of events.entries()) assert.equal(e.seq, i + 1, 'one gap-free sequence per tenant, whichever process wrote');
      // Bookkeeping is flushed every second by each process, forward only.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const tenant = await store.tenants.findById(tenantId);
      assert.ok(tenant?.lastRequestMs !== null && tenant!.lastRequestMs! > Date.now() - 60_000);
      assert.ok(tenant?.lastChangeMs !== null);
      const credential = (await store.credentials.listForTenant(tenantId))[0];
      assert.ok(credential?.lastUsedMs !== null);
    });

    it('deliver every event of that traffic to a webhook, none of them twice', async (t) => {
      const events = await store.read({ tenantId }, (repos) => repos.events.after(0, 10_000));
      await waitUntil(() => new Set(receiver.received.map((r) => r.headers['roster-event-id'])).size >= events.length, 'every event at the receiver', 60_000);
      const ids = receiver.received.map((r) => String(r.headers['roster-event-id']));
      const duplicates = ids.length - new Set(ids).size;
      t.diagnostic(`${events.length} events, ${ids.length} deliveries, ${duplicates} duplicates`);
      // A duplicate takes a process that cannot renew its lease for a whole lease, or an answer
      // slower than the attempt timeout: neither happens to two healthy processes.
      assert.equal(duplicates, 0, 'no event delivered twice');
      assert.deepEqual(
        ids,
        events.map((e) => e.id),
        'in seq order',
      );
    });
  });

  describe(`a killed Roster process's webhook streams on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let victim: Child | undefined;
    let survivor: RosterServer | undefined;
    let receiver: TestReceiver | undefined;
    let store: Store | undefined;
    before(async () => {
      database = await createTestDatabase('postgres');
    });
    after(async () => {
      if (victim && victim.process.exitCode === null && victim.process.signalCode === null) victim.process.kill('SIGKILL');
      await survivor?.close();
      await receiver?.close();
      await store?.close();
      await database?.dispose();
    });

    it('are taken over within seconds of kill -9, with the default lease', async (t) => {
      // The victim's attempt hangs on the receiver (a long timeout keeps it in flight) when it dies.
      victim = await startServer(database.url, 'the victim', { WEBHOOK_TIMEOUT_MS: '120000' });
      store = await openStore({ databaseUrl: database.url, poolSize: 2 });
      const rt = { store, now: Date.now, newId: () => uuidv7() };
      const tenant = await createTenant(rt, { slug: 'orphaned' });
      const token = (await issueCredential(rt, tenant.id, 'bearer', 'IdP')).secret;
      receiver = await startReceiver('hang');
      const { webhook } = await addWebhook(rt, { tenantSlug: 'orphaned', url: receiver.url });
      const response = await fetch(`${victim.base}/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ userName: 'orphan@example.com' }),
      });
      assert.equal(response.status, 201);
      await waitUntil(() => receiver!.attempts >= 1, 'the victim to be sending', 30_000);
      const held = (await store.delivery.streamsOf(webhook.id))[0]!;
      assert.ok(held.leaseOwner !== null && held.leaseUntilMs !== null, 'the victim holds the stream');

      const exited = once(victim.process, 'exit');
      victim.process.kill('SIGKILL');
      await exited;
      const killedMs = Date.now();
      receiver.mode = 'up';
      // The lease the dead process left: at most one default lease (5 s) from its last renewal.
      const left = (await store.delivery.streamsOf(webhook.id))[0]!;
      const defaultLeaseMs = loadConfig({}).webhookLeaseMs;
      assert.ok(left.leaseUntilMs! <= killedMs + defaultLeaseMs, `the lease ends within ${defaultLeaseMs} ms of the kill (it was ${left.leaseUntilMs! - killedMs} ms)`);

      // Another process with the default settings takes the stream over once that lease ends. The
      // wait allows a busy machine plenty; the old 60 s lease (180 s with the default timeout) could not pass.
      survivor = await createServer(loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, DB_POOL_SIZE: '2' }));
      await waitUntil(() => receiver!.received.length >= 1, 'the survivor to deliver the event', 30_000);
      const [delivered] = receiver.received;
      const [event] = await store.read({ tenantId: tenant.id }, (repos) => repos.events.after(0, 10));
      assert.equal(delivered!.headers['roster-event-id'], event!.id);
      const now = (await store.delivery.streamsOf(webhook.id))[0]!;
      assert.equal(now.lastSeq, 1);
      assert.ok(now.leaseToken > held.leaseToken, 'claimed anew (a new fencing token)');
      t.diagnostic(`delivered ${delivered!.at - killedMs} ms after the kill`);
    });
  });
}
