/**
 * SQLite's read workers: long reads run on worker threads with connections of their own, so the
 * event loop never waits on them, and a read past its deadline is abandoned (its worker replaced)
 * with a clear error. Every wait is on an outcome (an answer, a rejection), never on a clock; the
 * deadlines below are what is tested, not how fast anything runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { StorageDeadlineError } from '../../store.js';
import { openStore } from '../../open-store.js';
import { SqliteReadWorkers } from './sqlite-read-workers.js';
import { createTestServer, type TestServer } from '../../../testing/test-server.js';
import { waitUntil } from '../../../testing/wait-until.js';

/**
 * Counts to 10,000,000 in SQLite: seconds of work on any machine, several times the 500 ms deadline
 * below, which in turn is far beyond the time a message takes to reach a worker that is ready.
 * (Finite on purpose: an abandoned statement runs to its end, see the pool.)
 */
const LONG = 'with recursive n(x) as (select 1 union all select x + 1 from n where x < 10000000) select count(*) as c from n';

/** A thread's nice value: field 19 of /proc/self/task/<tid>/stat, counted after the ")" that ends the thread's name. */
function niceOf(tid: string): number {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  } catch {
    return Number.NaN; // the thread ended between the listing and the read
  }
}

describe('SQLite read workers', () => {
  let dir: string;
  let file: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-read-workers-'));
    file = join(dir, 'roster.db');
    // A migrated database file with Roster's schema, for the workers to read.
    await (await openStore({ databaseUrl: file })).close();
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("answers a read with the serving connection's fold function, off the event loop", async () => {
    const workers = new SqliteReadWorkers(file, { workers: 1, deadlineMs: 0 });
    try {
      const rows = (await workers.run('select roster_fold(?) as folded, count(*) as tenants from tenants', ['ÉMILE Ｊｏｈｎ'])) as { folded: string; tenants: number }[];
      assert.deepEqual(rows, [{ folded: 'émile john', tenants: 0 }]);
      assert.equal(workers.stats.executed, 1);
    } finally {
      await workers.stop();
    }
  });

  it('runs its workers below the serving thread in the scheduler (Linux: nice +10 on the worker threads only)', {
    skip: process.platform === 'linux' ? false : 'per-thread priorities are read from /proc on Linux',
  }, async () => {
    const before = new Set(readdirSync('/proc/self/task'));
    const mine = getPriority(process.pid);
    const workers = new SqliteReadWorkers(file, { workers: 2, deadlineMs: 0 });
    try {
      await workers.ready();
      const lowered = readdirSync('/proc/self/task').filter((tid) => !before.has(tid) && niceOf(tid) === Math.min(19, mine + 10));
      assert.ok(lowered.length >= 2, `threads started with the workers at nice ${mine + 10}: ${lowered.length}`);
      assert.equal(getPriority(process.pid), mine, 'the serving thread keeps its priority');
      assert.equal(niceOf(String(process.pid)), mine);
    } finally {
      await workers.stop();
    }
  });

  it('refuses anything but a read', async () => {
    const workers = new SqliteReadWorkers(file, { workers: 1, deadlineMs: 0 });
    try {
      await assert.rejects(
        workers.run("insert into tenants (id, slug, name, settings, created_ms) values ('x', 'x', 'x', '{}', 0)", []),
        /only statements that read|readonly|query_only/i,
      );
    } finally {
      await workers.stop();
    }
  });

  it('abandons a read past its deadline while it still runs on its thread, puts that thread last in the scheduler, replaces the worker, holds new reads back while two per worker finish, then serves again', async () => {
    const threadsBefore = new Set(readdirSync('/proc/self/task'));
    const workers = new SqliteReadWorkers(file, { workers: 1, deadlineMs: 500 });
    try {
      // The deadline counts from the request: wait until the worker has opened its connection, so
      // that it is the statement, not the thread's start, that runs past it.
      await workers.ready();
      await assert.rejects(workers.run(LONG, []), (error: unknown) => error instanceof StorageDeadlineError && /deadline of 500 ms/.test(error.message));
      assert.deepEqual(workers.stats, { executed: 0, pastDeadline: 1, replaced: 1 });
      if (process.platform === 'linux') {
        // The abandoned statement is still counting on its thread, now at nice 19 (the live worker stays at +10).
        const nices = readdirSync('/proc/self/task')
          .filter((tid) => !threadsBefore.has(tid))
          .map((tid) => niceOf(tid));
        assert.ok(nices.includes(19), `an abandoned worker thread at nice 19: ${JSON.stringify(nices)}`);
      }
      // A second read may still start (its fresh worker is ready once it answers) and be abandoned…
      await waitUntil(async () => JSON.stringify(await workers.run('select 7 as n', []).catch(() => [])) === '[{"n":7}]', 'the fresh worker answers', 120_000);
      await assert.rejects(workers.run(LONG, []), (error: unknown) => error instanceof StorageDeadlineError && /deadline of 500 ms/.test(error.message));
      // …but with two abandoned statements still running on one worker's allowance, no further read
      // starts: it waits (it is not refused at once), and either starts once one of them has ended
      // or is refused at its own deadline, never run beside them.
      const waiting = workers.run('select 1 as one', []).then(
        (rows) => ({ rows }),
        (error: unknown) => ({ error }),
      );
      assert.equal(workers.waitingCount, 1, 'the read waits for the abandoned statements');
      const outcome = await waiting;
      if ('error' in outcome)
        assert.ok(
          outcome.error instanceof StorageDeadlineError && /waited 500 ms for reads that ran past their deadline to finish/.test(outcome.error.message),
          String(outcome.error),
        );
      else assert.deepEqual(outcome.rows, [{ one: 1 }]);
      // Once they have finished, their threads exit and reads are served again (by the fresh worker).
      await waitUntil(
        async () => JSON.stringify(await workers.run('select 42 as answer', []).catch(() => [])) === '[{"answer":42}]',
        'reads served again once the abandoned statements ended',
        120_000,
      );
    } finally {
      await workers.stop();
    }
  });

  it('fails reads still waiting when stopped, and refuses new ones', async () => {
    const workers = new SqliteReadWorkers(file, { workers: 1, deadlineMs: 0 });
    const running = assert.rejects(workers.run(LONG, []), /closing/);
    const waiting = assert.rejects(workers.run('select 1 as one', []), /closing/);
    await workers.stop();
    await running;
    await waiting;
    await assert.rejects(workers.run('select 1', []), /closing/);
  });
});

describe('SCIM lists on a SQLite file run on the read workers', () => {
  let dir: string;
  let t: TestServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-read-workers-http-'));
    t = await createTestServer('sqlite', { DATABASE_URL: join(dir, 'roster.db') }); // the default SQLITE_READ_WORKERS
  });

  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers filtered pages and counts from a worker, seeing every acknowledged write at once', async () => {
    const stats = () => t.server.store.operations.readWorkerStats();
    assert.ok(stats(), 'a server on a SQLite file starts its read workers');
    for (const [i, title] of ['Engineer', 'Designer', 'Engineering Manager'].entries()) {
      const created = await t.scim('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: `person${i}@example.com`,
        title,
        emails: [{ value: `person${i}@example.com`, type: i === 1 ? 'home' : 'work' }],
      });
      assert.equal(created.status, 201);
    }
    const before = stats()?.executed ?? 0;
    const engineers = await t.scim('GET', `/Users?filter=${encodeURIComponent('title co "engineer"')}&sortBy=userName`);
    assert.equal(engineers.status, 200);
    assert.equal(engineers.body['totalResults'], 2);
    assert.deepEqual(
      (engineers.body['Resources'] as { userName: string }[]).map((u) => u.userName),
      ['person0@example.com', 'person2@example.com'],
    );
    const notWork = await t.scim('GET', `/Users?filter=${encodeURIComponent('not (emails.type eq "work")')}`);
    assert.deepEqual(
      (notWork.body['Resources'] as { userName: string }[]).map((u) => u.userName),
      ['person1@example.com'],
    );
    assert.ok((stats()?.executed ?? 0) > before, 'the filtered pages ran on a worker');
  });
});
