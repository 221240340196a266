import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { uuidv7 } from '../../provisioning/runtime.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../../testing/databases.js';
import { waitUntil } from '../../testing/wait-until.js';
import { openStore } from '../open-store.js';
import type { Store, TenantScope } from '../store.js';
import { openPostgres } from './dialects/postgres.js';
import { migrateUpTo } from './migrations/index.js';
import type { RosterDatabase } from './tables.js';

const skip = testEngines().find((e) => e.engine === 'postgres')!.skip;

const tenantRow = (slug: string) => ({
  id: uuidv7(),
  slug,
  name: slug,
  provisioningEnabled: true,
  settings: {},
  createdMs: Date.now(),
  lastRequestMs: null,
  lastChangeMs: null,
});
const draft = (n: number) => ({ id: uuidv7(), type: 'test.event', occurredMs: n, data: { n } });

/** What a process leaves behind when it stops between a change's commit and its numbering. */
async function commitUnnumbered(db: Kysely<RosterDatabase>, tenantId: string, n: number): Promise<void> {
  await sql`insert into events (tenant_id, id, type, occurred_ms, data) values (${tenantId}, ${uuidv7()}, 'test.event', ${n}, ${JSON.stringify({ n })}::jsonb)`.execute(
    db,
  );
}

describe('numbering events after commit on PostgreSQL', { skip }, () => {
  let database: TestDatabase;
  let store: Store;
  let raw: Awaited<ReturnType<typeof openPostgres>>;

  before(async () => {
    database = await createTestDatabase('postgres');
    // A sweep every 50 ms, so the test need not wait for the default two seconds.
    store = await openStore({ databaseUrl: database.url, poolSize: 4, eventSweepMs: 50 });
    raw = await openPostgres({ url: database.url, poolSize: 2 });
  });
  after(async () => {
    await raw?.close();
    await store?.close();
    await database?.dispose();
  });

  it('hides committed events until they are numbered, and the sweep numbers what a stopped process left', async () => {
    const tenant = tenantRow('left-behind');
    await store.tenants.create(tenant);
    const scope: TenantScope = { tenantId: tenant.id };
    await store.transaction(scope, (r) => r.events.append([draft(1)]));
    assert.deepEqual(
      (await store.read(scope, (r) => r.events.after(0, 10))).map((e) => e.seq),
      [1],
    );

    // Written and committed by "another process" that stopped before numbering them.
    await commitUnnumbered(raw.db, tenant.id, 2);
    await commitUnnumbered(raw.db, tenant.id, 3);
    await waitUntil(async () => (await store.read(scope, (r) => r.events.lastSeq())) === 3, 'the sweep to number the left-behind events');
    const events = await store.read(scope, (r) => r.events.after(0, 10));
    assert.deepEqual(
      events.map((e) => [e.seq, e.data['n']]),
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
    );

    // The next change of this process continues the sequence.
    await store.transaction(scope, (r) => r.events.append([draft(4)]));
    assert.deepEqual(
      (await store.read(scope, (r) => r.events.after(3, 10))).map((e) => [e.seq, e.data['n']]),
      [[4, 4]],
    );
  });

  it('a snapshot numbers what is committed before it opens its view, so its count holds every event it sees', async () => {
    const tenant = tenantRow('snapshot-numbers');
    await store.tenants.create(tenant);
    const scope: TenantScope = { tenantId: tenant.id };
    await commitUnnumbered(raw.db, tenant.id, 1);
    const seq = await store.snapshot(scope, (r) => r.events.lastSeq());
    assert.equal(seq, 1);
  });
});

describe('the migration to numbering after commit, on a PostgreSQL outbox that has events', { skip }, () => {
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase('postgres');
  });
  after(async () => database?.dispose());

  it('keeps every numbered event and goes on from the last number', async () => {
    const raw = await openPostgres({ url: database.url, poolSize: 2 });
    const tenant = tenantRow('before-upgrade');
    try {
      await migrateUpTo(raw.db, 'postgres', '006-held-changes', raw.schema);
      await sql`insert into tenants (id, slug, name, provisioning_enabled, settings, created_ms) values (${tenant.id}, ${tenant.slug}, ${tenant.name}, 1, '{}', ${tenant.createdMs})`.execute(
        raw.db,
      );
      await sql`insert into event_sequences (tenant_id, last_seq) values (${tenant.id}, 2)`.execute(raw.db);
      for (const seq of [1, 2]) {
        await sql`insert into events (tenant_id, seq, id, type, occurred_ms, data) values (${tenant.id}, ${seq}, ${uuidv7()}, 'test.event', ${seq}, ${JSON.stringify({ n: seq })}::jsonb)`.execute(
          raw.db,
        );
      }
    } finally {
      await raw.close();
    }

    const store = await openStore({ databaseUrl: database.url, poolSize: 2 });
    try {
      const scope = { tenantId: tenant.id };
      await store.transaction(scope, (r) => r.events.append([draft(3), draft(4)]));
      const events = await store.read(scope, (r) => r.events.after(0, 10));
      assert.deepEqual(
        events.map((e) => [e.seq, e.data['n']]),
        [
          [1, 1],
          [2, 2],
          [3, 3],
          [4, 4],
        ],
      );
    } finally {
      await store.close();
    }
  });
});
