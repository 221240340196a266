import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../open-store.js';

/** The plan SQLite picks for a statement, as one line. */
function plan(database: Database.Database, text: string, parameters: unknown[]): string {
  return (database.prepare(`explain query plan ${text}`).all(...parameters) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

describe('SQLite planner statistics on a fresh database', () => {
  let dir: string;
  let database: Database.Database;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-planner-'));
    const file = join(dir, 'roster.db');
    await (await openStore({ databaseUrl: file })).close();
    database = new Database(file, { readonly: true });
  });
  after(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('looks people up by the externalId index, not by walking the tenant in id order', () => {
    const detail = plan(database, 'select u.* from users u where u.tenant_id = ? and u.external_id = ? order by u.id limit 100', ['t', 'x']);
    assert.match(detail, /users_external_id \(tenant_id=\? AND external_id=\?\)/);
  });

  it('answers an emails condition from the email index, fetching only the matching people', () => {
    const detail = plan(
      database,
      `select u.* from users u where u.tenant_id = ? and u.id in (select e.user_id from user_emails e where e.tenant_id = u.tenant_id and e.value_fold = ?) order by u.id limit 100`,
      ['t', 'x'],
    );
    assert.match(detail, /users_1 \(tenant_id=\? AND id=\?\)/);
    assert.match(detail, /user_emails_value \(tenant_id=\? AND value_fold=\?\)/);
  });

  it('keeps statistics an operator computed: nothing is written for a table that has its own', async () => {
    const writable = new Database(join(dir, 'roster.db'));
    writable.exec("update sqlite_stat1 set stat = '7 7 1' where tbl = 'users' and idx = 'users_external_id'");
    writable.close();
    await (await openStore({ databaseUrl: join(dir, 'roster.db') })).close();
    const reread = new Database(join(dir, 'roster.db'), { readonly: true });
    const stat = reread.prepare("select stat from sqlite_stat1 where tbl = 'users' and idx = 'users_external_id'").pluck().all();
    reread.close();
    assert.deepEqual(stat, ['7 7 1']);
  });
});
