/**
 * PostgreSQL group commit on the serving pool as Roster opens it (pipelined, prepared statements):
 * writes that arrive together share one transaction, a failing one changes nothing of its own or of
 * the others, a unit that waits too long for a lock runs again on its own, two batches that would
 * deadlock both finish, and a batch lost as a whole (a failure no one can place, a broken
 * connection) runs each of its units again alone.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { uuidv7 } from '../../provisioning/runtime.js';
import { userRecordFrom } from '../../provisioning/users/user-record.js';
import { createTestDatabase, openTestStore, testEngines, type TestDatabase } from '../../testing/databases.js';
import { foldText } from '../fold.js';
import { answeredWithCommit } from './commit-pipelined.js';
import { openPostgres, parsePostgresUrl } from './dialects/postgres.js';
import type { SqlDatabase } from './dialects/dialect.js';
import { PostgresGroupCommit } from './postgres-group-commit.js';
import { executeCompiled } from './raw-query.js';
import type { RosterDatabase } from './tables.js';

const postgres = testEngines().find((e) => e.engine === 'postgres');

const INSERT = 'insert into group_probe (id, note) values ($1, $2)';
/** Stands in for the event insert: last, its answer unread. The check constraint lets it fail. */
const INSERT_LAST = answeredWithCommit('insert into group_probe (id, note) values ($1, $2) /* answered with commit */');
const BUMP = 'update group_probe set n = n + 1 where id = $1';

const insert = (db: Kysely<RosterDatabase>, id: number, note = 'ok') => executeCompiled(db, 'postgres', INSERT, [id, note]);
const bump = (db: Kysely<RosterDatabase>, id: number) => executeCompiled(db, 'postgres', BUMP, [id]);
const transactionId = async (db: Kysely<RosterDatabase>) => (await sql<{ id: string }>`select txid_current()::text as id`.execute(db)).rows[0]?.id;

/** A promise and the function that settles it: a test's gate, opened when the test says so. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

// The timeout only turns a hang (a batch waiting where it should not) into a failure.
describe('PostgreSQL group commit', { skip: postgres?.skip ?? 'no PostgreSQL engine', timeout: 120_000 }, () => {
  let database: TestDatabase;
  let opened: SqlDatabase;
  let db: Kysely<RosterDatabase>;
  let outside: pg.Client;
  /** Other connections, for reads from outside the batch that may run side by side. */
  let others: pg.Pool;
  const rows = async () => (await sql<{ id: number; n: number }>`select id, n from group_probe order by id`.execute(db)).rows;

  before(async () => {
    database = await createTestDatabase('postgres');
    opened = await openPostgres({ url: database.url, poolSize: 6 });
    db = opened.db;
    await sql`create table group_probe (id int primary key, note text not null check (note <> 'bad'), n int not null default 0)`.execute(db);
    const { connectionString, schema } = parsePostgresUrl(database.url);
    outside = new pg.Client({ connectionString, options: `-c search_path="${schema}"` });
    await outside.connect();
    others = new pg.Pool({ connectionString, options: `-c search_path="${schema}"`, max: 6 });
  });
  after(async () => {
    await outside.end();
    await others.end();
    await opened.close();
    await database.dispose();
  });
  beforeEach(async () => {
    await sql`truncate group_probe`.execute(db);
  });

  it('runs writes that arrive together in one transaction and answers each once it has committed', async () => {
    const groupCommit = new PostgresGroupCommit(db);
    const seen: boolean[] = [];
    const ids = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((id) =>
        groupCommit
          .run(async (trx) => {
            await insert(trx, id);
            return transactionId(trx);
          })
          .then(async (txid) => {
            // Answered: another connection already sees the row.
            seen.push((await others.query('select 1 from group_probe where id = $1', [id])).rowCount === 1);
            return txid;
          }),
      ),
    );
    assert.equal(new Set(ids).size, 1, 'six units that arrived together share one transaction');
    assert.deepEqual(seen, [true, true, true, true, true, true]);
    assert.deepEqual(
      (await rows()).map((r) => r.id),
      [1, 2, 3, 4, 5, 6],
    );
  });

  it('rolls a failing unit back alone, whether its code throws, a statement fails, or a statement answered at commit fails', async () => {
    const groupCommit = new PostgresGroupCommit(db);
    const outcomes = await Promise.allSettled([
      groupCommit.run((trx) => insert(trx, 1)),
      groupCommit.run(async (trx) => {
        await insert(trx, 2);
        throw new Error('unit 2 gives up');
      }),
      groupCommit.run(async (trx) => {
        await insert(trx, 3);
        await insert(trx, 1); // duplicate key: PostgreSQL fails the statement
      }),
      groupCommit.run(async (trx) => {
        await insert(trx, 4);
        await executeCompiled(trx, 'postgres', INSERT_LAST, [5, 'bad']); // fails, answered only later
      }),
      groupCommit.run((trx) => insert(trx, 6)),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled'],
    );
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /unit 2 gives up/);
    assert.equal((outcomes[2] as PromiseRejectedResult).reason.code, '23505');
    assert.equal((outcomes[3] as PromiseRejectedResult).reason.code, '23514');
    assert.deepEqual(
      (await rows()).map((r) => r.id),
      [1, 6],
    );
  });

  it('runs a unit that waits too long for a lock again on its own, without holding up the rest of its batch', async () => {
    await insert(db, 10);
    await outside.query('begin');
    await outside.query('select 1 from group_probe where id = 10 for update');
    const groupCommit = new PostgresGroupCommit(db);
    let waiterDone = false;
    const waiter = groupCommit.run((trx) => bump(trx, 10)).then(() => (waiterDone = true));
    const others = [groupCommit.run((trx) => insert(trx, 20)), groupCommit.run((trx) => insert(trx, 30))];
    // The others commit while the outside transaction still holds the row the waiter needs.
    await Promise.all(others);
    assert.equal(waiterDone, false);
    assert.deepEqual((await outside.query('select id from group_probe where id in (20, 30) order by id')).rows, [{ id: 20 }, { id: 30 }]);
    await outside.query('commit');
    await waiter;
    assert.deepEqual(await rows(), [
      { id: 10, n: 1 },
      { id: 20, n: 0 },
      { id: 30, n: 0 },
    ]);
  });

  it('finishes two batches that wait on each other: the unit that times out runs again once the other batch has committed', async () => {
    await insert(db, 1);
    await insert(db, 2);
    const groupCommit = new PostgresGroupCommit(db);
    const aStarted = gate();
    const bStarted = gate();
    const go = gate();
    // Batch A locks row 1, then wants row 2; batch B locks row 2, then wants row 1.
    const batchA = [
      groupCommit.run(async (trx) => {
        await bump(trx, 1);
        aStarted.open();
      }),
      groupCommit.run(async (trx) => {
        await go.opened;
        await bump(trx, 2);
      }),
    ];
    await aStarted.opened;
    const batchB = [
      groupCommit.run(async (trx) => {
        await bump(trx, 2);
        bStarted.open();
      }),
      groupCommit.run(async (trx) => {
        await go.opened;
        await bump(trx, 1);
      }),
    ];
    await bStarted.opened;
    go.open();
    await Promise.all([...batchA, ...batchB]);
    assert.deepEqual(await rows(), [
      { id: 1, n: 2 },
      { id: 2, n: 2 },
    ]);
  });

  it('runs each unit of a batch again alone when a statement answered later fails and no one can tell whose it was', async () => {
    const groupCommit = new PostgresGroupCommit(db);
    // Unit 2's event insert is answered with what comes after it; unit 3 throws before writing
    // anything, so its rollback is what finds unit 2's failure.
    const outcomes = await Promise.allSettled([
      groupCommit.run((trx) => insert(trx, 1)),
      groupCommit.run(async (trx) => {
        await insert(trx, 2);
        await executeCompiled(trx, 'postgres', INSERT_LAST, [20, 'bad']);
      }),
      groupCommit.run(async () => {
        throw new Error('unit 3 refuses before writing');
      }),
      groupCommit.run((trx) => insert(trx, 4)),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
    );
    assert.equal((outcomes[1] as PromiseRejectedResult).reason.code, '23514');
    assert.match(String((outcomes[2] as PromiseRejectedResult).reason), /unit 3 refuses/);
    assert.deepEqual(
      (await rows()).map((r) => r.id),
      [1, 4],
    );

    // The same failure on the batch's last unit, found only at COMMIT.
    await sql`truncate group_probe`.execute(db);
    const atCommit = await Promise.allSettled([
      groupCommit.run((trx) => insert(trx, 6)),
      groupCommit.run(async (trx) => {
        await insert(trx, 7);
        await executeCompiled(trx, 'postgres', INSERT_LAST, [70, 'bad']);
      }),
    ]);
    assert.deepEqual(
      atCommit.map((o) => o.status),
      ['fulfilled', 'rejected'],
    );
    assert.deepEqual(
      (await rows()).map((r) => r.id),
      [6],
    );
  });

  it('runs each unit of a batch whose connection breaks again alone: nothing was committed', async () => {
    const groupCommit = new PostgresGroupCommit(db);
    let terminations = 0;
    const outcomes = await Promise.allSettled([
      groupCommit.run((trx) => insert(trx, 1)),
      groupCommit.run(async (trx) => {
        terminations++;
        await sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);
      }),
      groupCommit.run((trx) => insert(trx, 3)),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(terminations, 2, 'in the batch, then alone');
    assert.deepEqual(
      (await rows()).map((r) => r.id),
      [1, 3],
    );
    // The pool goes on with fresh connections.
    await Promise.all([groupCommit.run((trx) => insert(trx, 4)), groupCommit.run((trx) => insert(trx, 5))]);
    assert.deepEqual(
      (await rows()).map((r) => r.id),
      [1, 3, 4, 5],
    );
  });
});

describe('PostgreSQL group commit through the store', { skip: postgres?.skip ?? 'no PostgreSQL engine', timeout: 120_000 }, () => {
  it('runs a large write in a transaction of its own, so the writes after it are not held up by it', async () => {
    const { store, dispose } = await openTestStore('postgres');
    try {
      const tenantId = uuidv7();
      await store.tenants.create({
        id: tenantId,
        slug: 'gc',
        name: 'gc',
        provisioningEnabled: true,
        settings: {},
        createdMs: Date.now(),
        lastRequestMs: null,
        lastChangeMs: null,
      });
      const scope = { tenantId };
      const person = (userName: string) =>
        userRecordFrom({ userName }, { id: uuidv7(), version: 1, createdMs: Date.now(), modifiedMs: Date.now(), source: 'scim', managerId: null });
      const release = gate();
      let largeDone = false;
      // Arrives first and stays open until the test says so; the two after it arrive together.
      const large = store
        .transaction(
          scope,
          async (repos) => {
            await repos.users.insert(person('large@example.com'));
            await release.opened;
          },
          { large: true },
        )
        .then(() => (largeDone = true));
      await Promise.all([
        store.transaction(scope, (repos) => repos.users.insert(person('one@example.com'))),
        store.transaction(scope, (repos) => repos.users.insert(person('two@example.com'))),
      ]);
      assert.equal(largeDone, false, 'the two committed while the large write was still open');
      release.open();
      await large;
      for (const userName of ['large@example.com', 'one@example.com', 'two@example.com']) {
        assert.ok(await store.read(scope, (repos) => repos.users.findByUserNameFold(foldText(userName))), userName);
      }
    } finally {
      await dispose();
    }
  });
});
