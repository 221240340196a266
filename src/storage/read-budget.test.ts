/**
 * Each request's read budget (READ_DEADLINE_MS) bounds every long read the request runs, its wait
 * for a read worker or a read-pool connection included: a read that would otherwise wait behind
 * another tenant's read, or for a lock, is refused once the budget is spent. Every wait here is on
 * an outcome; the budgets are what is tested, not how fast anything runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createHttpApp } from '../http/app.js';
import { createTestDatabase, testEngines } from '../testing/databases.js';
import { openStore } from './open-store.js';
import { readBudgetLeftMs, withReadBudget } from './read-budget.js';
import { openPostgres, parsePostgresUrl } from './sql/dialects/postgres.js';
import { SqliteReadWorkers } from './sql/dialects/sqlite-read-workers.js';
import { readOffloadOn, type ReadOffload } from './sql/offloaded-reads.js';
import { StorageDeadlineError } from './store.js';
import { waitUntil } from '../testing/wait-until.js';

/** Seconds of work for SQLite on any machine (finite: an abandoned statement runs to its end). */
const LONG = 'with recursive n(x) as (select 1 union all select x + 1 from n where x < 10000000) select count(*) as c from n';

describe('read budget', () => {
  it('is open only inside withReadBudget, and counts down', async () => {
    assert.equal(readBudgetLeftMs(), undefined);
    await withReadBudget(60_000, async () => {
      const left = readBudgetLeftMs();
      assert.ok(left !== undefined && left > 0 && left <= 60_000);
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok((readBudgetLeftMs() ?? Infinity) <= left, 'still open after an await, and not growing');
    });
    assert.equal(
      withReadBudget(0, () => readBudgetLeftMs()),
      undefined,
      '0 opens none',
    );
  });

  it('is open in a request handler, after its body was read', async () => {
    const app = createHttpApp({
      bodyLimitBytes: 1_000_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnectionsPerAddress: 0,
      readBudgetMs: 5_000,
      logger: false,
    });
    app.post('/probe', async () => ({ left: readBudgetLeftMs() ?? null }));
    try {
      const answer = await app.inject({ method: 'POST', url: '/probe', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ some: 'body' }) });
      const left = (answer.json() as { left: number | null }).left;
      assert.ok(left !== null && left > 0 && left <= 5_000, `budget in the handler: ${left}`);
    } finally {
      await app.close();
    }
  });
});

describe('read budget counted from the request', () => {
  it("counts what came before the handler: a hook's wait is taken from the handler's budget", async () => {
    const app = createHttpApp({
      bodyLimitBytes: 1_000_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnectionsPerAddress: 0,
      readBudgetMs: 5_000,
      logger: false,
    });
    let waited = 0;
    // Stands in for a credential check or rate-limit count waiting on a busy database.
    app.addHook('onRequest', async () => {
      const t0 = performance.now();
      await waitUntil(async () => performance.now() - t0 >= 50, 'fifty milliseconds passed', 60_000);
      waited = performance.now() - t0;
    });
    app.get('/probe', async () => ({ left: readBudgetLeftMs() ?? null }));
    try {
      const answer = await app.inject({ method: 'GET', url: '/probe' });
      const left = (answer.json() as { left: number | null }).left;
      assert.ok(left !== null && left > 0 && left <= 5_000 - waited, `budget in the handler: ${left} after a wait of ${waited} ms`);
    } finally {
      await app.close();
    }
  });

  it('refuses every read of a request whose budget was spent before its handler ran', async () => {
    const app = createHttpApp({
      bodyLimitBytes: 1_000_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnectionsPerAddress: 0,
      readBudgetMs: 20,
      logger: false,
    });
    app.addHook('onRequest', async () => {
      const t0 = performance.now();
      await waitUntil(async () => performance.now() - t0 >= 40, 'the budget passed', 60_000);
    });
    app.get('/probe', async () => ({ left: readBudgetLeftMs() ?? null }));
    try {
      const left = ((await app.inject({ method: 'GET', url: '/probe' })).json() as { left: number | null }).left;
      assert.ok(left !== null && left < 1, `a spent budget, still open: ${left}`);
    } finally {
      await app.close();
    }
  });
});

describe('SQLite read workers keep to the request budget', () => {
  let dir: string;
  let file: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-read-budget-'));
    file = join(dir, 'roster.db');
    await (await openStore({ databaseUrl: file })).close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a read waiting behind another once its budget is spent, and one asked with none left', async () => {
    // No deadline of the pool's own: without the budget the second read would wait for the first and succeed.
    const workers = new SqliteReadWorkers(file, { workers: 1, deadlineMs: 0 });
    try {
      await workers.ready();
      const long = workers.run(LONG, []);
      await withReadBudget(300, async () => {
        await assert.rejects(workers.run('select 1 as one', []), (e: unknown) => e instanceof StorageDeadlineError);
        await assert.rejects(workers.run('select 1 as one', []), (e: unknown) => e instanceof StorageDeadlineError && /budget was spent/.test(e.message));
      });
      assert.deepEqual(await long, [{ c: 10_000_000 }], 'the read outside any budget ran to its end');
      assert.deepEqual(await withReadBudget(60_000, () => workers.run('select 1 as one', [])), [{ one: 1 }]);
    } finally {
      await workers.stop();
    }
  });
});

const postgres = testEngines().find((e) => e.engine === 'postgres');

/**
 * A migrated PostgreSQL database of its own, opened with a read pool whose own deadline is a
 * minute (so only the request budget can end a read sooner), and a second plain client on it.
 * The read pool has DB_READ_POOL_SIZE's default of one connection.
 */
async function readPoolAndClient(run: (on: { offload: ReadOffload; client: pg.Client; schema: string }) => Promise<void>): Promise<void> {
  const fresh = await createTestDatabase('postgres');
  await (await openStore({ databaseUrl: fresh.url })).close();
  const database = await openPostgres({ url: fresh.url, poolSize: 2, readDeadlineMs: 60_000 });
  const { connectionString, schema } = parsePostgresUrl(fresh.url);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const offload = readOffloadOn(database.db);
    assert.ok(offload, 'a read pool is lent to the shared handle');
    await run({ offload, client, schema: schema ?? '' });
  } finally {
    await client.query('rollback').catch(() => {});
    await client.end();
    await database.close();
    await fresh.dispose();
  }
}

describe('PostgreSQL read pool keeps to the request budget', { skip: postgres?.skip ?? 'no PostgreSQL engine' }, () => {
  it('ends a read waiting for a lock when the budget is spent, though the pool allows a minute, and serves again after', async () => {
    await readPoolAndClient(async ({ offload, client: blocker, schema }) => {
      await blocker.query('begin');
      await blocker.query(`lock table "${schema}".users in access exclusive mode`);
      await withReadBudget(300, async () => {
        await assert.rejects(offload(`select count(*) as n from "${schema}".users`, []), (e: unknown) => e instanceof StorageDeadlineError);
      });
      await blocker.query('rollback');
      // The connection that ran the shortened statement was reset (or dropped): a full-budget read works.
      assert.deepEqual(await withReadBudget(60_000, () => offload(`select count(*) as n from "${schema}".users`, [])), [{ n: 0 }]);
      const timeouts = await offload('show statement_timeout', []);
      assert.deepEqual(timeouts, [{ statement_timeout: '1min' }], "the pool's own deadline is back");
    });
  });

  it('keeps each costly read to one database core: no parallel workers and no JIT on the read pool, as its plans show', async () => {
    await readPoolAndClient(async ({ offload, client: other, schema }) => {
      // A scan PostgreSQL would run in parallel wherever it is allowed to: parallel plans made free.
      const cheapParallel =
        "set_config('parallel_setup_cost', '0', false), set_config('parallel_tuple_cost', '0', false), set_config('min_parallel_table_scan_size', '0', false)";
      const scan = `explain (format json) select count(*) as n from "${schema}".users where user_name like '%x%'`;
      const plan = (rows: unknown[]) => JSON.stringify(rows);
      await other.query(`select ${cheapParallel}`);
      assert.match(plan((await other.query(scan)).rows), /Gather/, 'the same scan elsewhere is planned with parallel workers');
      assert.deepEqual(await offload('show max_parallel_workers_per_gather', []), [{ max_parallel_workers_per_gather: '0' }]);
      assert.deepEqual(await offload('show jit', []), [{ jit: 'off' }]);
      await offload(`select ${cheapParallel}`, []);
      assert.doesNotMatch(plan(await offload(scan, [])), /Gather/, 'on the read pool the scan runs in its own backend only');
    });
  });

  it('counts the wait for a read connection against the budget: a read behind a busy pool is refused, not run for a second deadline', async () => {
    await readPoolAndClient(async ({ offload, client: blocker, schema }) => {
      await blocker.query('begin');
      await blocker.query(`lock table "${schema}".users in access exclusive mode`);
      // Outside any budget: holds the one read connection, waiting for the lock.
      const first = offload(`select count(*) as n from "${schema}".users`, []);
      const waiting = await withReadBudget(300, () =>
        offload('select 1 as one', []).then(
          () => 'answered',
          (e: unknown) => (e instanceof StorageDeadlineError ? e.message : String(e)),
        ),
      );
      assert.match(waiting, /spent waiting for a read connection/);
      await blocker.query('rollback');
      assert.deepEqual(await first, [{ n: 0 }], 'the read that held the connection finished');
      assert.deepEqual(await withReadBudget(60_000, () => offload('select 1 as one', [])), [{ one: 1 }], 'the connection was given back');
    });
  });
});
