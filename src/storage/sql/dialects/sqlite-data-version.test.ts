import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openSqlite } from './sqlite.js';

describe('SQLite: commits by another process, as the credential cache asks about them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-data-version-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sees another connection’s commit in the next turn, asks the file once per turn, and never reports its own commits', async () => {
    const file = join(dir, 'roster.db');
    const database = openSqlite(file);
    const other = new Database(file);
    try {
      await sql`create table t (x integer)`.execute(database.db);
      await nextTurn();
      assert.equal(database.changedElsewhere?.(), false, 'our own commit is not news');

      other.prepare('insert into t values (1)').run();
      await nextTurn();
      assert.equal(database.changedElsewhere?.(), true, 'the other connection committed');
      await nextTurn();
      assert.equal(database.changedElsewhere?.(), false, 'told once');

      // Within one turn the answer is not asked again: a commit in the middle of the turn is told
      // in the next one, to the first request that asks.
      other.prepare('insert into t values (2)').run();
      assert.equal(database.changedElsewhere?.(), false);
      await nextTurn();
      assert.equal(database.changedElsewhere?.(), true);

      await sql`insert into t values (3)`.execute(database.db);
      await nextTurn();
      assert.equal(database.changedElsewhere?.(), false, 'our own commit is not news');
    } finally {
      other.close();
      await database.close();
    }
  });
});
