/**
 * A pipelined write transaction on PostgreSQL: BEGIN travels with the first statement and a
 * statement answered at commit (the event insert) with the COMMIT, and a failure anywhere is still
 * the transaction's failure with nothing written. Round trips are counted from the order of the
 * connection's own messages (a message sent while none is awaiting its answer starts a round trip),
 * so the count does not depend on timing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createTestDatabase, testEngines, type TestDatabase } from '../../../testing/databases.js';
import { answeredWithCommit } from '../commit-pipelined.js';
import { executeCompiled } from '../raw-query.js';
import type { RosterDatabase } from '../tables.js';
import { parsePostgresUrl } from './postgres.js';
import { pipelineTransactionEdges, RolledBackAtCommitError } from './postgres-pipeline.js';
import { onSocketWrite } from './socket-writes.test-support.js';

const postgres = testEngines().find((e) => e.engine === 'postgres');

const INSERT_ROW = 'insert into pipeline_probe (id, note) values ($1, $2)';
/** Stands in for the event insert: last, answer unread. The check constraint lets a test make it fail. */
const INSERT_LAST = answeredWithCommit('insert into pipeline_probe (id, note) values ($1, $2) /* answered with commit */');

interface Counted {
  readonly db: Kysely<RosterDatabase>;
  /** Round trips since the last reset. */
  rounds(): number;
  /** Socket writes since the last reset, however many messages each carries. */
  writes(): number;
  reset(): void;
  close(): Promise<void>;
}

/** A one-connection Kysely on `url`, pipelined or not, whose round trips are counted. */
function counted(url: string, pipelined: boolean): Counted {
  const { connectionString, schema } = parsePostgresUrl(url);
  const pool = new pg.Pool({ connectionString, max: 1, pipeline: pipelined, options: `-c search_path="${schema}"` });
  let rounds = 0;
  let writes = 0;
  let awaiting = 0;
  pool.on('connect', (client) => {
    onSocketWrite(client, () => writes++);
    // The protocol: a simple query ('Q') or an extended one ending in Sync is answered by one
    // ReadyForQuery each.
    const connection = (client as unknown as { connection: { query(...a: unknown[]): unknown; sync(...a: unknown[]): unknown; on(e: string, f: () => void): void } })
      .connection;
    const wrap = (name: 'query' | 'sync') => {
      const original = connection[name].bind(connection);
      connection[name] = (...args: unknown[]) => {
        if (awaiting === 0) rounds++;
        awaiting++;
        return original(...args);
      };
    };
    wrap('query');
    wrap('sync');
    connection.on('readyForQuery', () => {
      awaiting = Math.max(0, awaiting - 1);
    });
    if (pipelined) pipelineTransactionEdges(client);
  });
  const db = new Kysely<RosterDatabase>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    rounds: () => rounds,
    writes: () => writes,
    reset: () => {
      rounds = 0;
      writes = 0;
    },
    close: () => db.destroy(),
  };
}

const rowsIn = async (db: Kysely<RosterDatabase>) => (await sql<{ id: number }>`select id from pipeline_probe order by id`.execute(db)).rows.map((r) => r.id);

describe('PostgreSQL pipelined write transactions', { skip: postgres?.skip ?? 'no PostgreSQL engine' }, () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase('postgres');
    const setup = counted(database.url, false);
    const { schema } = parsePostgresUrl(database.url);
    await sql.raw(`create schema if not exists "${schema}"`).execute(setup.db);
    await sql`create table pipeline_probe (id int primary key, note text not null check (note <> 'bad'))`.execute(setup.db);
    await setup.close();
  });
  after(async () => {
    await database.dispose();
  });

  const transaction = (db: Kysely<RosterDatabase>, id: number, lastNote: string) =>
    db.transaction().execute(async (trx) => {
      await executeCompiled(trx, 'postgres', INSERT_ROW, [id, 'first']);
      await executeCompiled(trx, 'postgres', INSERT_LAST, [id + 1, lastNote]);
      return 'done';
    });

  /** A pipelined one-connection handle on an emptied probe table, closed afterwards. */
  const onPipelined = async (run: (db: Kysely<RosterDatabase>) => Promise<void>) => {
    const pipelined = counted(database.url, true);
    try {
      await sql`truncate pipeline_probe`.execute(pipelined.db);
      await run(pipelined.db);
    } finally {
      await pipelined.close();
    }
  };

  it('takes two round trips for begin, a statement, a last statement and commit, where it took four', async () => {
    const plain = counted(database.url, false);
    const pipelined = counted(database.url, true);
    try {
      await sql`truncate pipeline_probe`.execute(plain.db);
      await sql`select 1`.execute(pipelined.db); // connected
      plain.reset();
      pipelined.reset();
      assert.equal(await transaction(plain.db, 10, 'ok'), 'done');
      assert.equal(await transaction(pipelined.db, 20, 'ok'), 'done');
      assert.equal(plain.rounds(), 4, 'begin; statement; statement; commit, each awaited');
      assert.equal(pipelined.rounds(), 2, 'begin with the statement; the last statement with commit');
      assert.equal(plain.writes(), 4);
      assert.equal(pipelined.writes(), 2, 'and each pair leaves in one write');
      assert.deepEqual(await rowsIn(plain.db), [10, 11, 20, 21]);
    } finally {
      await plain.close();
      await pipelined.close();
    }
  });

  it('fails the commit when the statement answered with it failed, and writes nothing of the transaction', async () => {
    await onPipelined(async (db) => {
      await assert.rejects(transaction(db, 30, 'bad'), (e: unknown) => (e as { code?: string }).code === '23514', 'the check violation, not a success');
      assert.deepEqual(await rowsIn(db), [], 'the first statement was rolled back with it');
      // The connection is usable and outside any transaction afterwards.
      assert.equal(await transaction(db, 40, 'ok'), 'done');
      assert.deepEqual(await rowsIn(db), [40, 41]);
    });
  });

  it('waits for a statement answered at commit before any statement after it, and fails with its error', async () => {
    await onPipelined(async (db) => {
      const after = db.transaction().execute(async (trx) => {
        await executeCompiled(trx, 'postgres', INSERT_ROW, [50, 'first']);
        await executeCompiled(trx, 'postgres', INSERT_LAST, [51, 'bad']);
        await executeCompiled(trx, 'postgres', INSERT_ROW, [52, 'after']);
      });
      await assert.rejects(after, (e: unknown) => (e as { code?: string }).code === '23514', "the failed statement's own error");
      assert.deepEqual(await rowsIn(db), []);
      const fine = await db.transaction().execute(async (trx) => {
        await executeCompiled(trx, 'postgres', INSERT_ROW, [60, 'first']);
        await executeCompiled(trx, 'postgres', INSERT_LAST, [61, 'ok']);
        return executeCompiled<{ n: number }>(trx, 'postgres', 'select count(*)::int as n from pipeline_probe where id >= $1', [60]);
      });
      assert.deepEqual(fine, [{ n: 2 }], 'a read after it sees its row');
    });
  });

  it('rolls back what is pending when the work throws, and runs a statement answered at commit normally when it comes first', async () => {
    await onPipelined(async (db) => {
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await executeCompiled(trx, 'postgres', INSERT_ROW, [70, 'first']);
          await executeCompiled(trx, 'postgres', INSERT_LAST, [71, 'ok']);
          throw new Error('the work changed its mind');
        }),
        /changed its mind/,
      );
      assert.deepEqual(await rowsIn(db), []);
      // First in its transaction: it waits for BEGIN's answer, and its failure is immediate.
      await assert.rejects(
        db.transaction().execute((trx) => executeCompiled(trx, 'postgres', INSERT_LAST, [80, 'bad'])),
        (e: unknown) => (e as { code?: string }).code === '23514',
      );
      await db.transaction().execute((trx) => executeCompiled(trx, 'postgres', INSERT_LAST, [81, 'ok']));
      assert.deepEqual(await rowsIn(db), [81]);
    });
  });

  it('fails a commit that PostgreSQL answered with ROLLBACK (a failed statement was caught and the work went on)', async () => {
    await onPipelined(async (db) => {
      const swallowed = db.transaction().execute(async (trx) => {
        await executeCompiled(trx, 'postgres', INSERT_ROW, [90, 'first']);
        await executeCompiled(trx, 'postgres', INSERT_ROW, [91, 'bad']).catch(() => undefined);
        return 'looks done';
      });
      await assert.rejects(swallowed, (e: unknown) => e instanceof RolledBackAtCommitError, 'not answered as committed');
      assert.deepEqual(await rowsIn(db), []);
    });
  });
});
