/**
 * Member counts of folders and groups stop one past MEMBER_COUNT_CAP: a folder or group of a
 * million people is counted in at most 10,001 index entries, and says that its count is a lower
 * bound. On both engines: the counts are right below, at and past the cap, and the engine's own
 * planner reads each member table through its primary key, bounded by the tenant and the owner.
 * And a person's folders (their page, the host's memberships) are found by the person's key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../../testing/databases.js';
import { MEMBER_COUNT_CAP } from '../store.js';
import type { SqlDatabase } from './dialects/dialect.js';
import { openPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';
import { tablePlan } from './explain.test-support.js';
import { SqlFolderRepository } from './folders.repo.js';
import { cappedMemberCounts, memberCountsQuery } from './member-counts.js';
import { migrateToLatest } from './migrations/index.js';

const TENANTS = ['tenant-a', 'tenant-b'];
const personId = (i: number): string => `p-${String(i).padStart(6, '0')}`;
/** Owners and their sizes: empty, one under the cap, exactly the cap, past it. */
const SIZES: Record<string, number> = { empty: 0, under: MEMBER_COUNT_CAP - 1, at: MEMBER_COUNT_CAP, past: MEMBER_COUNT_CAP + 7 };

for (const { engine, skip } of testEngines()) {
  describe(`capped member counts on ${engine}`, { skip }, () => {
    let testDatabase: TestDatabase;
    let database: SqlDatabase;
    before(async () => {
      testDatabase = await createTestDatabase(engine);
      database = engine === 'sqlite' ? openSqlite(':memory:') : await openPostgres({ url: testDatabase.url, poolSize: 2 });
      await migrateToLatest(database.db, engine, database.schema);
      for (const tenant of TENANTS) {
        await database.db
          .insertInto('tenants')
          .values({ id: tenant, slug: tenant, name: tenant, provisioning_enabled: 1, settings: '{}', created_ms: 0, last_request_ms: null, last_change_ms: null })
          .execute();
        // Folder members are people (a foreign key); every owner draws its members from the same people.
        const people = Array.from({ length: MEMBER_COUNT_CAP + 10 }, (_, i) => personId(i));
        for (let at = 0; at < people.length; at += 1000)
          await database.db
            .insertInto('users')
            .values(
              people.slice(at, at + 1000).map((id) => ({
                tenant_id: tenant,
                id,
                user_name: id,
                user_name_fold: id,
                external_id: null,
                display_name_fold: null,
                active: 1,
                data: '{}',
                version: 1,
                created_ms: 0,
                modified_ms: 0,
                source: 'scim',
                employee_number: null,
                manager_id: null,
                missing: '',
                search_text: id,
                name_key: null,
              })),
            )
            .execute();
        for (const [owner, size] of Object.entries(SIZES)) {
          await database.db.insertInto('folders').values({ tenant_id: tenant, id: owner, kind: 'department', value: owner, value_fold: owner, created_ms: 0 }).execute();
          await sql`insert into groups (tenant_id, id, display_name, display_name_fold, external_id, version, created_ms, modified_ms, data)
            values (${tenant}, ${owner}, ${owner}, ${owner}, null, 1, 0, 0, ${'{}'})`.execute(database.db);
          // The other tenant's owners hold more, so a count not bounded by the tenant would show it.
          const n = tenant === 'tenant-a' ? size : size + 3;
          for (let start = 0; start < n; start += 2000) {
            const ids = Array.from({ length: Math.min(2000, n - start) }, (_, i) => personId(start + i));
            await database.db
              .insertInto('folder_members')
              .values(ids.map((user_id) => ({ tenant_id: tenant, folder_id: owner, user_id })))
              .execute();
            await database.db
              .insertInto('group_members')
              .values(ids.map((member_id) => ({ tenant_id: tenant, group_id: owner, member_id, member_type: 'User', display: null, created_ms: 0 })))
              .execute();
          }
        }
      }
      database.afterMigrations?.();
      // The steady state autovacuum keeps: the visibility map set, so counting reads the index alone.
      if (engine === 'postgres') await sql`vacuum (analyze) folder_members, group_members`.execute(database.db);
    });
    after(async () => {
      await database?.close();
      await testDatabase?.dispose();
    });

    it("finds a person's folders through folder_members_user, not by reading the tenant's memberships", async () => {
      const compiled = new SqlFolderRepository(database.db, database.dialect, 'tenant-a').foldersOfQuery([personId(5), personId(7)]).compile();
      const { accesses, faults } = await tablePlan(database, engine, compiled, { name: 'folder_members', sqliteName: 'm' });
      assert.deepEqual(
        faults.filter((f) => !/sorted/.test(f)),
        [],
      );
      // SQLite walks folder_members_user for the listed people; PostgreSQL may probe the primary key
      // per folder with the listed people: either way each read names the people, never the whole tenant.
      assert.ok(accesses.length > 0, JSON.stringify(accesses));
      for (const access of accesses) assert.match(access.detail, /user_id/, JSON.stringify(accesses));
      if (engine === 'sqlite') assert.deepEqual([...new Set(accesses.map((a) => a.index))], ['folder_members_user']);
    });

    for (const kind of ['folder', 'group'] as const) {
      it(`counts a ${kind}'s members exactly up to the cap and says "at least the cap" past it`, async () => {
        const counts = await cappedMemberCounts(database.db, database.dialect, kind, 'tenant-a', [...Object.keys(SIZES), 'absent']);
        assert.deepEqual(Object.fromEntries(counts), {
          empty: { count: 0, exact: true },
          under: { count: MEMBER_COUNT_CAP - 1, exact: true },
          at: { count: MEMBER_COUNT_CAP, exact: true },
          past: { count: MEMBER_COUNT_CAP, exact: false },
          absent: { count: 0, exact: true },
        });
      });

      it(`reads a ${kind}'s members through the member table's primary key, by tenant and owner`, async () => {
        const table = kind === 'folder' ? 'folder_members' : 'group_members';
        const compiled = memberCountsQuery(database.dialect, kind, 'tenant-a', Object.keys(SIZES)).compile(database.db);
        const { accesses, faults } = await tablePlan(database, engine, compiled, { name: table, sqliteName: 'm' });
        assert.deepEqual(faults, []);
        assert.ok(accesses.length > 0, `the members are read through an index: ${JSON.stringify(accesses)}`);
        for (const access of accesses) assert.match(access.detail, kind === 'folder' ? /folder_id/ : /group_id/);
      });
    }
  });
}
