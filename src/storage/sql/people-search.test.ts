import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { JsonObject } from '../../json/json-value.js';
import { userRecordFrom } from '../../provisioning/users/user-record.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../../testing/databases.js';
import type { SqlDatabase } from './dialects/dialect.js';
import { openPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';
import { migrateToLatest, migrateUpTo } from './migrations/index.js';
import { listStatements } from './list-page.js';
import { peopleSearchCondition } from './people-search.js';
import { usersListable } from './users.repo.js';
import { SqlStore } from './sql-store.js';
import type { RosterDatabase } from './tables.js';

const TENANT = 'tenant-a';
const OTHER = 'tenant-b';

/** The page and count statements listPage runs for a search (list-page.ts), in the same shape. */
function searchStatements(database: SqlDatabase, q: string): { page: CompiledQuery; count: CompiledQuery } {
  const condition = peopleSearchCondition(database.dialect, TENANT, q);
  return {
    page: sql`select u.* from users as u where u.tenant_id = ${TENANT} and (1 = 1 and ${condition}) order by u.id limit ${51}`.compile(database.db),
    count: sql`select count(*) as n from users as u where u.tenant_id = ${TENANT} and (1 = 1 and ${condition})`.compile(database.db),
  };
}

async function planOf(db: Kysely<RosterDatabase>, engine: 'sqlite' | 'postgres', statement: CompiledQuery): Promise<string> {
  if (engine === 'sqlite') {
    const { rows } = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]));
    return rows.map((r) => r.detail).join(' | ');
  }
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (costs off) ${statement.sql}`, [...statement.parameters]));
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

for (const { engine, skip } of testEngines()) {
  describe(`people search plans and index upkeep on ${engine}`, { skip }, () => {
    let testDatabase: TestDatabase;
    let dir: string | undefined;
    let database: SqlDatabase;
    let store: SqlStore;
    const ids: Record<string, string> = {};
    let n = 0;

    const insert = async (tenantId: string, document: JsonObject) => {
      const now = Date.now();
      const record = userRecordFrom(document, { id: `u-${String(++n).padStart(4, '0')}`, version: 1, createdMs: now, modifiedMs: now, source: 'scim', managerId: null });
      assert.ok(await store.transaction({ tenantId }, (repos) => repos.users.insert(record)));
      return record.id;
    };
    const search = async (q: string, tenantId = TENANT) => {
      const page = await store.read({ tenantId }, (repos) => repos.users.list({ search: q, page: { kind: 'cursor', limit: 50 } }));
      return page.rows.map((u) => u.id).sort();
    };

    before(async () => {
      testDatabase = await createTestDatabase(engine);
      if (engine === 'sqlite') {
        dir = mkdtempSync(join(tmpdir(), 'roster-search-'));
        database = openSqlite(join(dir, 'roster.db'));
      } else {
        database = await openPostgres({ url: testDatabase.url, poolSize: 2 });
      }
      await migrateToLatest(database.db, engine, database.schema);
      database.afterMigrations?.();
      store = new SqlStore(database, { eventSweepMs: 0 });
      for (const id of [TENANT, OTHER]) {
        await sql`insert into tenants (id, slug, name, provisioning_enabled, settings, created_ms) values (${id}, ${id}, ${id}, 1, ${'{}'}, 0)`.execute(database.db);
      }
      ids['grace'] = await insert(TENANT, {
        userName: 'ghopper@navy.example',
        name: { givenName: 'Grace', familyName: 'Hopper' },
        emails: [{ value: 'grace@cobol.example' }],
      });
      ids['ada'] = await insert(TENANT, { userName: 'ada@analytical.example', displayName: 'Ada Lovelace' });
      ids['other'] = await insert(OTHER, { userName: 'ghopper@navy.example', name: { givenName: 'Grace', familyName: 'Hopper' } });
      if (engine === 'postgres') {
        // Enough people, with statistics, for the planner to weigh the trigram index against
        // walking the tenant in id order as it would in a real tenant.
        await sql`insert into users (tenant_id, id, user_name, user_name_fold, active, data, version, created_ms, modified_ms, search_text)
          select ${TENANT}, 'filler-' || lpad(i::text, 5, '0'), 'filler' || i || '@bulk.example', 'filler' || i || '@bulk.example', 1, '{}'::jsonb, 1, 0, 0,
            'filler' || i || '@bulk.example' || chr(31) || 'person number ' || i
          from generate_series(1, 5000) as i`.execute(database.db);
        await sql`insert into user_emails (tenant_id, user_id, position, value, value_fold, is_primary)
          select tenant_id, id, 0, user_name, user_name_fold, 1 from users where id like 'filler-%'`.execute(database.db);
        // As autovacuum would: statistics, and the GIN index's pending entries merged into it.
        await sql`vacuum analyze users, user_emails`.execute(database.db);
      }
    });
    after(async () => {
      await store?.close();
      await testDatabase?.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('answers a search of three characters or more from the trigram index, not by scanning people or emails', async () => {
      for (const q of ['hopper', '@example.com', 'COBOL']) {
        const { page, count } = searchStatements(database, q);
        for (const statement of [page, count]) {
          const plan = await planOf(database.db, engine, statement);
          if (engine === 'sqlite') {
            assert.match(plan, /SCAN s VIRTUAL TABLE INDEX/, plan);
            assert.match(plan, /SEARCH k USING INTEGER PRIMARY KEY \(rowid=\?\)/, plan);
            assert.doesNotMatch(plan, /SCAN u\b|SCAN users|user_emails/, plan);
          } else {
            assert.match(plan, /Bitmap Index Scan on users_search_text/, plan);
            assert.doesNotMatch(plan, /Seq Scan|user_emails/, plan);
          }
        }
      }
    });

    it('counts a search from the text index: on SQLite the count is driven by the FTS table and stops at its cap', async () => {
      const { count } = listStatements(TENANT, usersListable(database.dialect), { search: 'hopper', page: { kind: 'index', offset: 0, limit: 50 } });
      const plan = await planOf(database.db, engine, count.compile(database.db));
      if (engine === 'sqlite') {
        // Driven by the FTS table, each match joined by key: no list of every match gathered first.
        assert.match(plan, /^SCAN s VIRTUAL TABLE INDEX/, plan);
        assert.match(plan, /SEARCH k USING INTEGER PRIMARY KEY \(rowid=\?\)/, plan);
        assert.doesNotMatch(plan, /LIST SUBQUERY|SCAN u\b/, plan);
      } else {
        assert.match(plan, /Bitmap Index Scan on users_search_text/, plan);
      }
      const page = (countCap?: number) =>
        store.read({ tenantId: TENANT }, (repos) =>
          repos.users.list({ search: 'example', page: { kind: 'cursor', limit: 1 }, ...(countCap === undefined ? {} : { countCap }) }),
        );
      const all = await page();
      assert.equal(all.total, engine === 'sqlite' ? 2 : 5002, 'every match of the tenant, none of the other tenant');
      const capped = await page(1);
      assert.deepEqual([capped.total, capped.totalExact], [1, false]);
    });

    it('pages a search past its count cap by testing each person in order, with the same people as the text index gives', {
      skip: engine === 'sqlite' ? false : "the row-by-row form is SQLite's; PostgreSQL's trigram index is read by a bitmap either way",
    }, async () => {
      const walk = async (countCap?: number) => {
        const seen: string[] = [];
        let after: { id: string; sortValue: null } | undefined;
        for (;;) {
          const page = await store.read({ tenantId: TENANT }, (repos) =>
            repos.users.list({
              search: 'example',
              page: after ? { kind: 'cursor', after, limit: 1 } : { kind: 'cursor', limit: 1 },
              ...(countCap === undefined ? {} : { countCap }),
            }),
          );
          seen.push(...page.rows.map((u) => u.id));
          if (countCap !== undefined) assert.equal(page.totalExact, false, 'more matches than the cap');
          if (!page.next) return seen;
          after = { id: page.next.id, sortValue: null };
        }
      };
      // Cap 1 with two or more matches: counted first, then each page walks people in id order.
      assert.deepEqual(await walk(1), await walk());
      assert.ok((await walk(1)).includes(ids['grace']!) && (await walk(1)).includes(ids['ada']!));
    });

    it('answers a shorter search from the userName, display name and email indexes', async () => {
      const { page, count } = searchStatements(database, 'Gh');
      for (const statement of [page, count]) {
        const plan = await planOf(database.db, engine, statement);
        if (engine === 'sqlite') {
          // Either index that starts (tenant_id, user_name_fold): the unique one, or the People sort's (019).
          assert.match(plan, /(?:sqlite_autoindex_users_2|users_sort_user_name) \(tenant_id=\? AND user_name_fold>\? AND user_name_fold<\?\)/, plan);
          assert.match(plan, /users_display_name \(tenant_id=\? AND display_name_fold>\? AND display_name_fold<\?\)/, plan);
          assert.match(plan, /user_emails_value \(tenant_id=\? AND value_fold>\? AND value_fold<\?\)/, plan);
          assert.doesNotMatch(plan, /SCAN u\b|SCAN e\b/, plan);
        } else {
          assert.doesNotMatch(plan, /Seq Scan/, plan);
          assert.match(plan, /users_user_name_unique|users_sort_user_name/, plan);
          assert.match(plan, /users_display_name/, plan);
          assert.match(plan, /user_emails_value/, plan);
        }
      }
      assert.deepEqual(await search('Gh'), [ids['grace']]);
    });

    if (engine === 'sqlite') {
      it('keeps finding the right people after VACUUM', async () => {
        const gone = await insert(TENANT, { userName: 'gone@vacuum.example' });
        const kept = await insert(TENANT, { userName: 'kept@vacuum.example', title: 'Vacuum tester' });
        assert.ok(await store.transaction({ tenantId: TENANT }, (repos) => repos.users.delete(gone)));
        await sql`vacuum`.execute(database.db);
        assert.deepEqual(await search('vacuum'), [kept]);
        assert.deepEqual(await search('hopper'), [ids['grace']]);
        assert.deepEqual(await search('hopper', OTHER), [ids['other']]);
      });

      it("drops a tenant's search rows with the tenant (the cascade fires the triggers)", async () => {
        const keys = async () =>
          Number((await sql<{ n: number }>`select count(*) as n from user_search_keys where tenant_id = ${OTHER}`.execute(database.db)).rows[0]?.n);
        const matches = async () =>
          Number((await sql<{ n: number }>`select count(*) as n from user_search where user_search match ${'"hopper"'}`.execute(database.db)).rows[0]?.n);
        assert.equal(await keys(), 1);
        assert.equal(await matches(), 2);
        await sql`delete from tenants where id = ${OTHER}`.execute(database.db);
        assert.equal(await keys(), 0);
        assert.equal(await matches(), 1, "only acme's Grace is left in the index");
        assert.deepEqual(await search('hopper'), [ids['grace']]);
      });
    }
  });
}

for (const { engine, skip } of testEngines()) {
  describe(`migration 010 on ${engine}`, { skip }, () => {
    it('fills the search text and index for people written before it, in batches', async () => {
      const testDatabase = await createTestDatabase(engine);
      const database = engine === 'sqlite' ? openSqlite(':memory:') : await openPostgres({ url: testDatabase.url, poolSize: 2 });
      let store: SqlStore | undefined;
      try {
        await migrateUpTo(database.db, engine, '008-lighter-outbox', database.schema);
        await sql`insert into tenants (id, slug, name, provisioning_enabled, settings, created_ms) values (${TENANT}, 'a', 'a', 1, ${'{}'}, 0)`.execute(database.db);
        // More people than one backfill batch (1,000), with Grace last.
        const data = (i: number) =>
          i === 1500
            ? JSON.stringify({ userName: 'late@x.example', name: { givenName: 'Grace', familyName: 'Hopper' } })
            : JSON.stringify({ userName: `p${i}@x.example` });
        const rows = Array.from({ length: 1501 }, (_, i) => [TENANT, `id-${String(i).padStart(5, '0')}`, `p${i}@x.example`, data(i)]);
        await sql`insert into users (tenant_id, id, user_name, user_name_fold, active, data, version, created_ms, modified_ms)
          select v.t, v.id, v.u, v.u, 1, ${engine === 'postgres' ? sql`v.d::jsonb` : sql`v.d`}, 1, 0, 0
          from (${
            engine === 'postgres'
              ? sql`select r ->> 0 as t, r ->> 1 as id, r ->> 2 as u, r ->> 3 as d from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) r`
              : sql`select value ->> 0 as t, value ->> 1 as id, value ->> 2 as u, value ->> 3 as d from json_each(${JSON.stringify(rows)})`
          }) v`.execute(database.db);
        await migrateToLatest(database.db, engine, database.schema);
        store = new SqlStore(database, { eventSweepMs: 0 });
        const found = await store.read({ tenantId: TENANT }, (repos) => repos.users.list({ search: 'hopp', page: { kind: 'cursor', limit: 50 } }));
        assert.deepEqual(
          found.rows.map((u) => u.id),
          ['id-01500'],
        );
        assert.equal(found.total, 1);
        const some = await store.read({ tenantId: TENANT }, (repos) => repos.users.list({ search: '99@X', page: { kind: 'cursor', limit: 50 } }));
        assert.deepEqual(
          some.rows.map((u) => u.id),
          [99, 199, 299, 399, 499, 599, 699, 799, 899, 999, 1099, 1199, 1299, 1399, 1499].map((i) => `id-${String(i).padStart(5, '0')}`),
        );
      } finally {
        if (store) await store.close();
        else await database.close();
        await testDatabase.dispose();
      }
    });
  });
}
