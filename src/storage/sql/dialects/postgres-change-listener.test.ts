import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { waitUntil } from '../../../testing/wait-until.js';
import pg from 'pg';
import { createTestDatabase, postgresTestUrl, testEngines, type TestDatabase } from '../../../testing/databases.js';
import { openStore } from '../../open-store.js';
import type { Store } from '../../store.js';
import { CREDENTIAL_CHANNEL, PostgresChangeListener } from './postgres-change-listener.js';

const postgres = testEngines().find((e) => e.engine === 'postgres');

describe('credential cache across PostgreSQL processes', { skip: postgres?.skip ?? false }, () => {
  let database: TestDatabase;
  let schema: string;
  let a: Store; // the process that caches
  let b: Store; // another process (a second server, the CLI)
  let sqlClient: pg.Client; // an operator at psql, who tells no one

  before(async () => {
    database = await createTestDatabase('postgres');
    schema = new URL(database.url).searchParams.get('schema') ?? '';
    a = await openStore({ databaseUrl: database.url, poolSize: 2 });
    b = await openStore({ databaseUrl: database.url, poolSize: 2 });
    sqlClient = new pg.Client({ connectionString: postgresTestUrl() });
    await sqlClient.connect();
  });

  after(async () => {
    await sqlClient.end();
    await a.close();
    await b.close();
    await database.dispose();
  });

  let n = 0;
  async function tenantWithCredential(): Promise<{ tenantId: string; credentialId: string }> {
    n++;
    const tenantId = `t-${n}`;
    const credentialId = `c-${n}`;
    await b.tenants.create({
      id: tenantId,
      slug: `slug-${n}`,
      name: 'T',
      provisioningEnabled: true,
      settings: {},
      createdMs: 1,
      lastRequestMs: null,
      lastChangeMs: null,
    });
    await b.credentials.create({ id: credentialId, tenantId, kind: 'bearer', label: 'original', secretHash: 'h', createdMs: 1, lastUsedMs: null, revokedMs: null });
    return { tenantId, credentialId };
  }

  /** Changes a label behind Roster's back: only a cache miss can see it. */
  async function relabelSilently(credentialId: string, label: string): Promise<void> {
    await sqlClient.query(`update "${schema}".credentials set label = $1 where id = $2`, [label, credentialId]);
  }

  const labelSeenBy = async (store: Store, credentialId: string) => (await store.credentials.findWithTenant(credentialId))?.credential.label;

  it('serves a known credential from memory', async () => {
    const { credentialId } = await tenantWithCredential();
    await waitUntil(
      async () => {
        await labelSeenBy(a, credentialId);
        await relabelSilently(credentialId, `silent-${Date.now()}`);
        return (
          (await labelSeenBy(a, credentialId)) !==
          (await sqlClient.query<{ label: string }>(`select label from "${schema}".credentials where id = $1`, [credentialId])).rows[0]?.label
        );
      },
      'the first lookup is cached',
      10_000,
    );
  });

  it('drops it when another process revokes it', async () => {
    const { tenantId, credentialId } = await tenantWithCredential();
    await labelSeenBy(a, credentialId);
    assert.equal(await b.credentials.revoke(tenantId, credentialId, 42), true);
    await waitUntil(async () => (await a.credentials.findWithTenant(credentialId))?.credential.revokedMs === 42, 'process a sees the revocation', 10_000);
  });

  it('drops it when another process switches the tenant off or changes its settings', async () => {
    const { tenantId, credentialId } = await tenantWithCredential();
    await labelSeenBy(a, credentialId);
    await b.tenants.setProvisioningEnabled(tenantId, false);
    await waitUntil(
      async () => (await a.credentials.findWithTenant(credentialId))?.tenant.provisioningEnabled === false,
      'process a sees provisioning switched off',
      10_000,
    );
    await b.tenants.updateSettings(tenantId, { extensionUrn: 'urn:example:ext' });
    await waitUntil(
      async () => (await a.credentials.findWithTenant(credentialId))?.tenant.settings['extensionUrn'] === 'urn:example:ext',
      'process a sees the new settings',
      10_000,
    );
  });

  it('trusts nothing it cached while its listening connection is down, and caches again once it is back', async () => {
    const { credentialId } = await tenantWithCredential();
    await labelSeenBy(a, credentialId);
    const listeners = async () =>
      (await sqlClient.query<{ pid: number }>(`select pid from pg_stat_activity where application_name = 'roster-change-listener' and query ilike 'listen%'`)).rows;
    const before = (await listeners()).map((r) => r.pid);
    assert.ok(before.length >= 2, 'both processes listen');
    // Every Roster listener on the server is cut (other schemas' too: they reconnect and re-read, as here).
    for (const pid of before) await sqlClient.query('select pg_terminate_backend($1)', [pid]);
    await waitUntil(
      async () => {
        await relabelSilently(credentialId, 'while-down');
        return (await labelSeenBy(a, credentialId)) === 'while-down';
      },
      'a has noticed its listener is gone',
      10_000,
    );
    await waitUntil(
      async () => {
        await labelSeenBy(a, credentialId);
        const label = `after-${Date.now()}`;
        await relabelSilently(credentialId, label);
        return (await labelSeenBy(a, credentialId)) !== label;
      },
      'a listens again and serves from memory',
      10_000,
    );
  });
});

describe('the change listener’s heartbeat', { skip: postgres?.skip ?? false }, () => {
  const schemaKey = `heartbeat_${process.pid}`;

  async function listenerWith(notify: (payload: string) => Promise<void>): Promise<PostgresChangeListener> {
    const listener = new PostgresChangeListener({ connectionString: postgresTestUrl(), schemaKey, notify, heartbeatMs: 20, heartbeatTimeoutMs: 200, retryMinMs: 10_000 });
    await listener.start();
    return listener;
  }

  it('keeps vouching while it hears its own heartbeats', async (t) => {
    const sender = new pg.Client({ connectionString: postgresTestUrl() });
    await sender.connect();
    const listener = await listenerWith(async (payload) => void (await sender.query('select pg_notify($1, $2)', [CREDENTIAL_CHANNEL, payload])));
    t.after(async () => {
      await listener.close();
      await sender.end();
    });
    listener.changedElsewhere(); // the first answer after connecting is always "changed"
    for (let i = 0; i < 10; i++) {
      await sleep(50);
      assert.equal(listener.changedElsewhere(), false, `still trusted after ${(i + 1) * 50} ms`);
    }
  });

  it('stops vouching when its heartbeats go unheard (a silent connection, a pooler in between)', async (t) => {
    const listener = await listenerWith(async () => {}); // sent nowhere: never heard
    t.after(() => listener.close());
    listener.changedElsewhere();
    await waitUntil(async () => listener.changedElsewhere() && listener.changedElsewhere(), 'the listener gives up on its connection', 5_000);
  });
});

describe('the change listener against a server that never answers', () => {
  // Without a connection timeout the start would wait forever (the socket is open, nothing comes).
  it('gives up connecting after its timeout, starts anyway, and vouches for nothing', { timeout: 30_000 }, async (t) => {
    // Accepts connections and says nothing: a start must not hang on it.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    const port = (silent.address() as net.AddressInfo).port;
    const listener = new PostgresChangeListener({
      connectionString: `postgres://roster@127.0.0.1:${port}/none`,
      schemaKey: '',
      connectionTimeoutMs: 200,
      retryMinMs: 60_000,
    });
    t.after(() => listener.close());
    await listener.start();
    assert.ok(sockets.length >= 1, 'it did try to connect');
    assert.equal(listener.changedElsewhere(), true);
    assert.equal(listener.changedElsewhere(), true, 'not listening: every lookup reads the database');
  });
});
