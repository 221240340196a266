/**
 * The People overview's sorts (name, userName, last modified; either direction) on both engines:
 * walking the cursor pages gives every person of the tenant once, in order, with ties broken by id;
 * and each sort's first page and next page are planned by the engine itself as a walk along that
 * sort's index from migration 019 — no sort step, no full scan — at 5,000 people.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql, type KyselyPlugin, type QueryId, type RootOperationNode } from 'kysely';
import { createTestDatabase, testEngines, type EngineName, type TestDatabase } from '../../testing/databases.js';
import type { CursorPosition, Field, ListQuery } from '../query.js';
import type { StoredUser } from '../store.js';
import type { SqlDatabase } from './dialects/dialect.js';
import { openPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';
import { migrateToLatest } from './migrations/index.js';
import { SqlUserRepository } from './users.repo.js';
import { tablePlan } from './explain.test-support.js';

const TENANTS = ['tenant-a', 'tenant-b'];
const PEOPLE = 5000;

/** Each sort, the field the admin API maps it to, its index, and how two people compare under it. */
const SORTS: { name: string; field: Field; index: RegExp; key: (u: StoredUser) => string | number }[] = [
  { name: 'name', field: { path: ['displayName'], type: 'string', caseExact: false }, index: /^users_sort_name$/, key: (u) => u.displayNameFold ?? '' },
  // SQLite may take the unique (tenant_id, user_name_fold): it knows that order is already total.
  {
    name: 'userName',
    field: { path: ['userName'], type: 'string', caseExact: false },
    index: /^(users_sort_user_name|sqlite_autoindex_users_2)$/,
    key: (u) => u.userName.toLowerCase(),
  },
  { name: 'updated', field: { path: ['meta', 'lastModified'], type: 'dateTime', caseExact: false }, index: /^users_sort_modified$/, key: (u) => u.modifiedMs },
];

/** Records each statement a query builder compiles, to plan it afterwards. */
class Recorder implements KyselyPlugin {
  readonly nodes: { node: RootOperationNode; queryId: QueryId }[] = [];
  transformQuery(args: { node: RootOperationNode; queryId: QueryId }): RootOperationNode {
    this.nodes.push({ node: args.node, queryId: args.queryId });
    return args.node;
  }
  async transformResult<R>(args: { result: R }): Promise<R> {
    return args.result;
  }
}

/** Names of the users indexes a statement reads, and what in its plan sorts or scans the table. */
async function plan(database: SqlDatabase, engine: EngineName, compiled: CompiledQuery): Promise<{ indexes: string[]; faults: string[] }> {
  const { accesses, faults } = await tablePlan(database, engine, compiled, { name: 'users', sqliteName: 'u' });
  return { indexes: accesses.map((a) => a.index), faults };
}

for (const { engine, skip } of testEngines()) {
  describe(`People overview sorts on ${engine}`, { skip }, () => {
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
        // Names repeat (and some are missing) and modification times repeat, so the id must break ties;
        // userNames are unique per tenant. Ids are not in any of these orders.
        const people = Array.from({ length: PEOPLE }, (_, i) => {
          const userName = `User${(i * 7919) % PEOPLE}@example.com`;
          return {
            tenant_id: tenant,
            id: `${tenant}-${String((i * 3571) % PEOPLE).padStart(5, '0')}`,
            user_name: userName,
            user_name_fold: userName.toLowerCase(),
            external_id: null,
            display_name_fold: i % 11 === 0 ? null : `person ${(i * 31) % 400}`,
            active: 1,
            data: JSON.stringify({ userName }),
            version: 1,
            created_ms: i,
            modified_ms: 1_700_000_000_000 + ((i * 13) % 900) * 1000,
            source: 'scim',
            employee_number: null,
            manager_id: null,
            missing: '',
            search_text: userName.toLowerCase(),
            name_key: null,
          };
        });
        for (let at = 0; at < people.length; at += 500)
          await database.db
            .insertInto('users')
            .values(people.slice(at, at + 500))
            .execute();
      }
      database.afterMigrations?.();
      if (engine === 'postgres') await sql`analyze users`.execute(database.db);
    });
    after(async () => {
      await database?.close();
      await testDatabase?.dispose();
    });

    for (const sort of SORTS) {
      for (const descending of [false, true]) {
        const order = `${descending ? '-' : ''}${sort.name}`;

        it(`${order}: the pages give every person of the tenant once, in order`, async () => {
          const repo = new SqlUserRepository(database.db, database.dialect, 'tenant-a');
          const seen: StoredUser[] = [];
          let next: CursorPosition | undefined;
          do {
            const query: ListQuery = { sort: { field: sort.field, descending }, count: false, page: { kind: 'cursor', limit: 173, ...(next ? { after: next } : {}) } };
            const page = await repo.list(query);
            seen.push(...page.rows);
            next = page.next;
          } while (next);
          assert.equal(seen.length, PEOPLE);
          assert.equal(new Set(seen.map((u) => u.id)).size, PEOPLE, 'no person twice');
          assert.ok(
            seen.every((u) => u.id.startsWith('tenant-a-')),
            'only this tenant',
          );
          const sign = descending ? -1 : 1;
          for (let i = 1; i < seen.length; i++) {
            const [a, b] = [seen[i - 1], seen[i]] as [StoredUser, StoredUser];
            const [ka, kb] = [sort.key(a), sort.key(b)];
            const inOrder = ka === kb ? sign * (a.id < b.id ? -1 : 1) < 0 : sign * (ka < kb ? -1 : 1) < 0;
            assert.ok(inOrder, `${order}: ${a.id} (${ka}) then ${b.id} (${kb})`);
          }
        });

        it(`${order}: the first and the next page walk ${sort.index}, with no sort step and no full scan`, async () => {
          const recorder = new Recorder();
          const repo = new SqlUserRepository(database.db.withPlugin(recorder), database.dialect, 'tenant-a');
          const first = await repo.list({ sort: { field: sort.field, descending }, count: false, page: { kind: 'cursor', limit: 51 } });
          assert.ok(first.next, 'a first page with a next page');
          await repo.list({ sort: { field: sort.field, descending }, count: false, page: { kind: 'cursor', limit: 51, after: first.next } });
          assert.equal(recorder.nodes.length, 2, 'one statement per page');
          for (const { node, queryId } of recorder.nodes) {
            const compiled = database.db.getExecutor().compileQuery(node, queryId);
            const { indexes, faults } = await plan(database, engine, compiled);
            assert.deepEqual(faults, [], compiled.sql);
            assert.equal(indexes.length, 1, `one index read: ${compiled.sql}`);
            assert.match(indexes[0] ?? '', sort.index, compiled.sql);
          }
        });
      }
    }

    it('the checks catch a sort no index serves', async () => {
      const compiled = CompiledQuery.raw(`select * from users as u where u.tenant_id = 'tenant-a' order by u.search_text, u.id limit 51`);
      const { faults } = await plan(database, engine, compiled);
      assert.ok(faults.length > 0, 'a sort over the tenant passed the checks');
    });
  });
}
