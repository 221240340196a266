import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { SqlDatabase } from './dialect.js';
import { openSqlite } from './sqlite.js';
import { waitUntil } from '../../../testing/wait-until.js';

async function autocheckpoint(database: SqlDatabase): Promise<number> {
  const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db);
  return Number(rows[0]?.wal_autocheckpoint);
}

/** Rows of `t` in the database file alone, as a copy without its WAL would show them. */
function rowsInFileAlone(file: string, dir: string): number {
  const copy = join(dir, `copy-${Date.now()}.db`);
  copyFileSync(file, copy);
  const database = new Database(copy, { readonly: true });
  try {
    return Number((database.prepare('select count(*) as n from t').get() as { n: number }).n);
  } finally {
    database.close();
  }
}

describe('SQLite WAL checkpoints in a worker thread', () => {
  let dir: string;
  let file: string;
  let database: SqlDatabase;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-checkpoints-'));
    file = join(dir, 'roster.db');
    // From a directory with no node_modules: the worker must still find the driver.
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      database = openSqlite(file, { checkpointInBackground: true, onCheckpointError: (error) => assert.fail(String(error)) });
      await waitUntil(() => database.backgroundCheckpoints?.running === true, 'the worker runs', 10_000);
    } finally {
      process.chdir(cwd);
    }
    await sql`create table t (id integer primary key, v text not null)`.execute(database.db);
  });
  after(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves checkpoints to the worker, keeping a far higher bound on the serving connection', async () => {
    assert.equal(await autocheckpoint(database), 10_000);
  });

  it('copies committed pages into the database file, which the serving connection alone would not do yet', async () => {
    // A few dozen frames: far below SQLite's own threshold of 1,000, so without the worker these
    // rows would stay in the WAL only.
    for (let i = 0; i < 20; i++) await sql`insert into t (v) values (${`row ${i}`})`.execute(database.db);
    const stats = database.backgroundCheckpoints!.stats;
    const passes = stats.passes;
    // A pass begun after the writes (the one running meanwhile may have missed some).
    await waitUntil(() => stats.passes > passes + 1 && stats.lastBackfilled === stats.lastWalFrames, 'the worker has caught up', 10_000);
    assert.ok(stats.copiedFrames > 0);
    assert.equal(rowsInFileAlone(file, dir), 20);
  });

  it('lets the next write rewind the WAL once the worker has caught up, so the WAL stays small', async () => {
    const stats = database.backgroundCheckpoints!.stats;
    for (let i = 0; i < 300; i++) await sql`insert into t (v) values (${'x'.repeat(500)})`.execute(database.db);
    const afterWrites = stats.passes;
    await waitUntil(() => stats.passes > afterWrites + 1 && stats.lastBackfilled === stats.lastWalFrames, 'the worker has caught up', 10_000);
    const before = stats.lastWalFrames;
    // A write rewinds the WAL only when no reader is inside it at that moment, and the worker's own
    // pass reads it: on a busy machine a write can land during a pass and append instead. Each
    // try writes once more after the worker has caught up again; one rewind is what is asserted.
    await waitUntil(
      async () => {
        await waitUntil(() => stats.lastBackfilled === stats.lastWalFrames, 'the worker has caught up', 10_000);
        const passes = stats.passes;
        await sql`insert into t (v) values ('after')`.execute(database.db);
        await waitUntil(() => stats.passes > passes + 1, 'another pass', 10_000);
        return stats.lastWalFrames < before;
      },
      `a write that rewinds the WAL (${before} frames before)`,
      60_000,
    );
  });

  it('hands checkpoints back to the serving connection when the worker stops', async () => {
    await database.backgroundCheckpoints!.stop();
    assert.equal(database.backgroundCheckpoints!.running, false);
    assert.equal(await autocheckpoint(database), 1000);
  });
});

describe('closing SQLite with the checkpoint worker', () => {
  it('stops the worker first, so the last connection to close copies everything and removes the WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-checkpoints-'));
    const file = join(dir, 'roster.db');
    try {
      const database = openSqlite(file, { checkpointInBackground: true });
      await waitUntil(() => database.backgroundCheckpoints?.running === true, 'the worker runs', 10_000);
      await sql`create table t (id integer primary key, v text not null)`.execute(database.db);
      await sql`insert into t (v) values ('kept')`.execute(database.db);
      await database.close();
      assert.equal(existsSync(`${file}-wal`), false);
      assert.equal(rowsInFileAlone(file, dir), 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SQLite without the checkpoint worker', () => {
  it('keeps SQLite’s own threshold and starts no worker (the CLI opens the store this way)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-checkpoints-'));
    const file = join(dir, 'roster.db');
    const database = openSqlite(file);
    try {
      assert.equal(database.backgroundCheckpoints, undefined);
      assert.equal(await autocheckpoint(database), 1000);
    } finally {
      await database.close();
      assert.equal(existsSync(`${file}-wal`), false, 'the last connection to close removes the WAL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
