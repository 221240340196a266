import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql, type RawBuilder } from 'kysely';
import type { JsonObject } from '../../json/json-value.js';
import { uuidv7 } from '../../provisioning/runtime.js';
import { userRecordFrom } from '../../provisioning/users/user-record.js';
import { createTestDatabase, openTestStore, testEngines, type TestDatabase } from '../../testing/databases.js';
import type { DuplicateCursor, DuplicateSet, Store, TenantScope } from '../store.js';
import { openPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';
import type { SqlDatabase } from './dialects/dialect.js';
import { PEOPLE_SHOWN_PER_SET, SqlDuplicateRepository } from './duplicates.repo.js';
import { migrateToLatest } from './migrations/index.js';

function person(userName: string, extra: JsonObject = {}) {
  const now = Date.now();
  return userRecordFrom({ userName, ...extra }, { id: uuidv7(), version: 1, createdMs: now, modifiedMs: now, source: 'scim', managerId: null });
}
const named = (userName: string, givenName: string, familyName: string) => person(userName, { name: { givenName, familyName } });
const mailed = (userName: string, email: string) => person(userName, { emails: [{ value: email, type: 'work' }] });
const pair = (x: string, y: string) => (x < y ? { userLow: x, userHigh: y } : { userLow: y, userHigh: x });
const shown = (sets: readonly DuplicateSet[]) => sets.map((s) => `${s.reason}:${s.key}:${s.users.length}`);

for (const { engine, skip } of testEngines()) {
  describe(`possible duplicates on ${engine}`, { skip }, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let a: TenantScope;
    let b: TenantScope;
    const ids: Record<string, string> = {};

    before(async () => {
      ({ store, dispose } = await openTestStore(engine));
      for (const slug of ['dup-a', 'dup-b']) {
        await store.tenants.create({
          id: uuidv7(),
          slug,
          name: slug,
          provisioningEnabled: true,
          settings: {},
          createdMs: Date.now(),
          lastRequestMs: null,
          lastChangeMs: null,
        });
      }
      a = { tenantId: (await store.tenants.findBySlug('dup-a'))!.id };
      b = { tenantId: (await store.tenants.findBySlug('dup-b'))!.id };
      const people = [
        mailed('shared1', 'Shared@Example.com'),
        mailed('shared2', 'shared@example.com'),
        person('twice', { emails: [{ value: 'twice@example.com' }, { value: 'TWICE@example.com' }] }), // one person: no set
        named('ann1', 'Ann', 'Lee'),
        named('ann2', 'ANN ', 'lee'),
        named('bo1', 'Bo', 'Ray'),
        named('bo2', 'bo', 'RAY'),
        named('bo3', 'Bo', 'Ray'),
        named('cy1', 'Cy', 'Moss'),
        named('cy2', 'Cy', 'Moss'),
        named('lone', 'Dee', 'Park'),
        person('given-only', { name: { givenName: 'Ann' } }), // no family name: no name key
      ];
      await store.transaction(a, async (r) => {
        for (const p of people) {
          assert.equal(await r.users.insert(p), true);
          ids[p.userName] = p.id;
        }
      });
      // Tenant b has the same email and name once each: never a set, in either tenant.
      await store.transaction(b, async (r) => {
        await r.users.insert(mailed('other', 'shared@example.com'));
        await r.users.insert(named('other-ann', 'Ann', 'Lee'));
      });
    });
    after(async () => dispose?.());

    const setsOf = async (scope: TenantScope) => (await store.read(scope, (r) => r.duplicates.page(undefined, 100))).sets;
    const countOf = (scope: TenantScope, cap = 1000) => store.read(scope, (r) => r.duplicates.count(cap));

    it('finds sets by folded email and by folded given and family name, emails first, each in key order', async () => {
      const sets = await setsOf(a);
      assert.deepEqual(shown(sets), ['email:shared@example.com:2', 'name:ann lee:2', 'name:bo ray:3', 'name:cy moss:2']);
      assert.deepEqual(sets[2]!.users.map((u) => u.userName).sort(), ['bo1', 'bo2', 'bo3']);
      assert.deepEqual(await countOf(a), { sets: 4, exact: true });
      assert.deepEqual(await setsOf(b), []);
      assert.deepEqual(await countOf(b), { sets: 0, exact: true });
    });

    it('pages with a cursor: each set exactly once, across the change from emails to names', async () => {
      for (const limit of [1, 2, 3]) {
        const seen: string[] = [];
        let cursor: DuplicateCursor | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await store.read(a, (r) => r.duplicates.page(cursor, limit));
          assert.equal(page.sets.length, page.next ? limit : page.sets.length, 'full pages until the last');
          seen.push(...shown(page.sets));
          if (!page.next) break;
          cursor = page.next;
        }
        assert.deepEqual(seen, ['email:shared@example.com:2', 'name:ann lee:2', 'name:bo ray:3', 'name:cy moss:2'], `limit ${limit}`);
      }
    });

    it('says when a count is only a lower bound', async () => {
      // One email set (under the cap), three name sets (over it).
      assert.deepEqual(await countOf(a, 2), { sets: 3, exact: false });
    });

    it('hides decided pairs: a set goes when every pair is decided and comes back with a new person', async () => {
      const decided = (x: string, y: string) => ({ ...pair(ids[x]!, ids[y]!), decidedBy: 'admin-1', decidedMs: Date.now() });
      assert.equal(await store.transaction(a, (r) => r.duplicates.dismiss([decided('ann1', 'ann2')])), 1);
      assert.equal(await store.transaction(a, (r) => r.duplicates.dismiss([decided('ann1', 'ann2')])), 0, 'deciding twice adds nothing');
      // One pair of three decided: the other two pairs keep everyone in the set.
      await store.transaction(a, (r) => r.duplicates.dismiss([decided('bo1', 'bo2')]));
      assert.deepEqual(shown(await setsOf(a)), ['email:shared@example.com:2', 'name:bo ray:3', 'name:cy moss:2']);
      assert.deepEqual(await countOf(a), { sets: 3, exact: true });
      // bo3 with bo1 decided: only bo2–bo3 is open, so bo1 leaves the set.
      await store.transaction(a, (r) => r.duplicates.dismiss([decided('bo1', 'bo3')]));
      assert.deepEqual(
        (await setsOf(a))
          .find((s) => s.key === 'bo ray')!
          .users.map((u) => u.userName)
          .sort(),
        ['bo2', 'bo3'],
      );
      await store.transaction(a, (r) => r.duplicates.dismiss([decided('bo2', 'bo3')]));
      assert.deepEqual(shown(await setsOf(a)), ['email:shared@example.com:2', 'name:cy moss:2']);
      // A decision is about the two people, whatever they share.
      await store.transaction(a, (r) => r.duplicates.dismiss([decided('shared1', 'shared2')]));
      assert.deepEqual(shown(await setsOf(a)), ['name:cy moss:2']);
      assert.deepEqual(await countOf(a), { sets: 1, exact: true });

      const bo4 = named('bo4', 'BO', 'Ray');
      await store.transaction(a, (r) => r.users.insert(bo4));
      assert.deepEqual(shown(await setsOf(a)), ['name:bo ray:4', 'name:cy moss:2']);

      // Another tenant can neither see nor undo the decisions.
      assert.equal(await store.transaction(b, (r) => r.duplicates.undo([pair(ids['ann1']!, ids['ann2']!)])), 0);
      assert.deepEqual(await setsOf(b), []);

      assert.equal(await store.transaction(a, (r) => r.duplicates.undo([pair(ids['ann1']!, ids['ann2']!)])), 1);
      assert.deepEqual(shown(await setsOf(a)), ['name:ann lee:2', 'name:bo ray:4', 'name:cy moss:2']);
    });

    it('keeps the name key on write, and deleting a person removes their decisions', async () => {
      const cy1 = (await store.read(a, (r) => r.users.findById(ids['cy1']!)))!;
      const renamed = userRecordFrom({ ...cy1.document, name: { givenName: 'Cyrus', familyName: 'Moss' } }, { ...cy1, version: 2 });
      await store.transaction(a, (r) => r.users.update(renamed, { emailsChanged: false }));
      assert.equal(
        (await setsOf(a)).some((s) => s.key === 'cy moss'),
        false,
      );

      await store.transaction(a, (r) => r.duplicates.dismiss([{ ...pair(ids['lone']!, ids['cy2']!), decidedBy: 'admin-1', decidedMs: 1 }]));
      await store.transaction(a, (r) => r.users.delete(ids['lone']!));
      assert.equal(await store.transaction(a, (r) => r.duplicates.undo([pair(ids['lone']!, ids['cy2']!)])), 0);
    });

    it(`lists the first ${PEOPLE_SHOWN_PER_SET} people of a large set by id and says there are more`, async () => {
      const crowd = Array.from({ length: PEOPLE_SHOWN_PER_SET + 5 }, (_, i) => named(`crowd${String(i).padStart(2, '0')}`, 'Zed', 'Crowd'));
      await store.transaction(b, async (r) => {
        for (const p of crowd) assert.equal(await r.users.insert(p), true);
      });
      const set = (await setsOf(b)).find((s) => s.key === 'zed crowd');
      assert.ok(set, 'the crowd makes a set');
      assert.equal(set.more, true);
      assert.deepEqual(
        set.users.map((u) => u.id),
        crowd
          .map((p) => p.id)
          .sort()
          .slice(0, PEOPLE_SHOWN_PER_SET),
      );
      assert.equal(
        (await setsOf(a)).every((s) => !s.more),
        true,
        'small sets have no more',
      );
    });
  });

  describe(`possible-duplicate statements read the indexes on ${engine}`, { skip }, () => {
    let test: TestDatabase;
    let database: SqlDatabase;
    let repo: SqlDuplicateRepository;
    const tenantId = 'plan-tenant';

    before(async () => {
      test = await createTestDatabase(engine);
      database = engine === 'sqlite' ? openSqlite(test.url) : await openPostgres({ url: test.url, poolSize: 2 });
      await migrateToLatest(database.db, engine, database.schema);
      database.afterMigrations?.();
      await sql`insert into tenants (id, slug, name, provisioning_enabled, settings, created_ms) values (${tenantId}, 'plan', 'plan', 1, '{}', 0)`.execute(database.db);
      if (engine === 'postgres') {
        // Enough people for the planner to prefer the indexes as it does in a real tenant; SQLite
        // plans from the statistics Roster assumes (sqlite-planner-statistics.ts).
        await sql`insert into users (tenant_id, id, user_name, user_name_fold, active, data, version, created_ms, modified_ms, source, missing, name_key)
          select ${tenantId}, 'u' || g, 'u' || g, 'u' || g, 1, '{}'::jsonb, 1, 0, 0, 'scim', '', 'given ' || (g / 2) from generate_series(1, 20000) g`.execute(
          database.db,
        );
        await sql`insert into user_emails (tenant_id, user_id, position, value, value_fold, type, is_primary)
          select ${tenantId}, 'u' || g, 0, 'm' || (g / 2), 'm' || (g / 2), null, 1 from generate_series(1, 20000) g`.execute(database.db);
        await sql`vacuum analyze users`.execute(database.db);
        await sql`vacuum analyze user_emails`.execute(database.db);
      }
      repo = new SqlDuplicateRepository(database.db, database.dialect, tenantId);
    });
    after(async () => {
      await database?.close();
      await test?.dispose();
    });

    async function plan(query: RawBuilder<unknown>): Promise<string> {
      if (engine === 'sqlite') {
        const { rows } = await sql<{ detail: string }>`explain query plan ${query}`.execute(database.db);
        return rows.map((r) => r.detail).join('\n');
      }
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(database.db);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    }

    for (const reason of ['email', 'name'] as const) {
      const index = reason === 'email' ? 'user_emails_value' : 'users_name_key';
      it(`walks the ${reason} sets and counts them in index order, reading only the index, with no sort`, async () => {
        for (const query of [
          repo.walkQuery({ reason, key: 'm' }, null, 26),
          repo.walkQuery({ reason, key: 'm', inclusive: true }, 'n', 26),
          repo.countQuery(reason, null, 1001),
        ]) {
          const text = await plan(query);
          if (engine === 'sqlite') {
            assert.match(text, new RegExp(`SEARCH s USING COVERING INDEX ${index} \\(tenant_id=\\? AND ${reason === 'email' ? 'value_fold' : 'name_key'}>`), text);
            assert.doesNotMatch(text, /TEMP B-TREE|SCAN s\b/, text);
          } else {
            assert.match(text, new RegExp(`Index Only Scan using ${index} on ${reason === 'email' ? 'user_emails' : 'users'} s`), text);
            assert.match(text, /GroupAggregate/, text);
            assert.doesNotMatch(text, /Seq Scan on (users|user_emails) s|Sort\b|HashAggregate/, text);
          }
        }
      });
    }

    it('finds where a bounded walk stops by reading the index only', async () => {
      for (const reason of ['email', 'name'] as const) {
        const text = await plan(repo.boundaryQuery({ reason, key: 'm' }, 50_000));
        if (engine === 'sqlite') {
          assert.match(text, new RegExp(`SEARCH s USING COVERING INDEX ${reason === 'email' ? 'user_emails_value' : 'users_name_key'} `), text);
          assert.doesNotMatch(text, /TEMP B-TREE/, text);
        } else {
          assert.match(text, new RegExp(`Index Only Scan using ${reason === 'email' ? 'user_emails_value' : 'users_name_key'}`), text);
          assert.doesNotMatch(text, /Sort\b|Seq Scan/, text);
        }
      }
    });

    it('reads the people of a page by key from the indexes, not by scanning the tenant', async () => {
      const text = await plan(
        repo.membersQuery([
          { reason: 'email', key: 'm1' },
          { reason: 'name', key: 'given 1' },
        ]),
      );
      if (engine === 'sqlite') {
        assert.match(text, /SEARCH m USING COVERING INDEX user_emails_value \(tenant_id=\? AND value_fold=\?\)/, text);
        assert.match(text, /SEARCH u USING INDEX users_name_key \(tenant_id=\? AND name_key=\?\)/, text);
        assert.doesNotMatch(text, /TEMP B-TREE|SCAN u\b/, text);
      } else {
        assert.match(text, /user_emails_value/, text);
        assert.match(text, /users_name_key/, text);
        assert.doesNotMatch(text, /Seq Scan on (users|user_emails)/, text);
      }
    });
  });

  describe(`possible duplicates under a small work budget on ${engine}`, { skip }, () => {
    let test: TestDatabase;
    let database: SqlDatabase;
    const tenantId = 'budget-tenant';
    // Keys k01…k30, people in order; every third key is shared by two people (a set).
    const expected = Array.from({ length: 30 }, (_, i) => i + 1)
      .filter((n) => n % 3 === 0)
      .map((n) => `name:k${String(n).padStart(2, '0')}`);

    before(async () => {
      test = await createTestDatabase(engine);
      database = engine === 'sqlite' ? openSqlite(test.url) : await openPostgres({ url: test.url, poolSize: 2 });
      await migrateToLatest(database.db, engine, database.schema);
      await sql`insert into tenants (id, slug, name, provisioning_enabled, settings, created_ms) values (${tenantId}, 'budget', 'budget', 1, '{}', 0)`.execute(
        database.db,
      );
      let n = 0;
      for (let k = 1; k <= 30; k++) {
        for (let copy = 0; copy < (k % 3 === 0 ? 2 : 1); copy++) {
          n++;
          await sql`insert into users (tenant_id, id, user_name, user_name_fold, active, data, version, created_ms, modified_ms, source, missing, name_key)
            values (${tenantId}, ${`u${n}`}, ${`u${n}`}, ${`u${n}`}, 1, ${'{}'}, 1, 0, 0, 'scim', '', ${`k${String(k).padStart(2, '0')}`})`.execute(database.db);
        }
      }
    });
    after(async () => {
      await database?.close();
      await test?.dispose();
    });

    it('stops each page at its budget and still returns every set exactly once, in order', async () => {
      const repo = new SqlDuplicateRepository(database.db, database.dialect, tenantId, { pageEntries: 4, countEntries: 7 });
      const seen: string[] = [];
      let cursor: DuplicateCursor | undefined;
      let pages = 0;
      let short = 0;
      do {
        const page = await repo.page(cursor, 2);
        if (page.next && page.sets.length < 2) short++;
        seen.push(...page.sets.map((s) => `${s.reason}:${s.key}`));
        cursor = page.next ?? undefined;
        pages++;
      } while (cursor && pages < 50);
      assert.deepEqual(seen, expected);
      assert.ok(short > 0, 'some pages stopped at the budget');
      // The count stops at the eighth entry (k06): before it, k03 is the one set, and there may be more.
      assert.deepEqual(await repo.count(1000), { sets: 1, exact: false });
      const unbounded = new SqlDuplicateRepository(database.db, database.dialect, tenantId);
      assert.deepEqual(await unbounded.count(1000), { sets: expected.length, exact: true });
    });
  });
}

interface AnalyzedNode {
  'Relation Name'?: string;
  Alias?: string;
  'Actual Loops'?: number;
  Plans?: AnalyzedNode[];
}

const pgEngine = testEngines().find((e) => e.engine === 'postgres');

describe('possible duplicates of a tenant imported after the last ANALYZE on postgres', { skip: pgEngine?.skip ?? 'no PostgreSQL engine' }, () => {
  let testDatabase: TestDatabase;
  let database: SqlDatabase;
  before(async () => {
    testDatabase = await createTestDatabase('postgres');
    database = await openPostgres({ url: testDatabase.url, poolSize: 2 });
    await migrateToLatest(database.db, 'postgres', database.schema);
    const fill = async (tenant: string, n: number) => {
      await sql`insert into tenants (id, slug, name, provisioning_enabled, settings, created_ms) values (${tenant}, ${tenant}, ${tenant}, 1, ${'{}'}, 0)`.execute(
        database.db,
      );
      // Ten names shared by n / 10 people each, every address unique.
      await sql`insert into users (tenant_id, id, user_name, user_name_fold, active, data, version, created_ms, modified_ms, search_text, name_key)
        select ${tenant}, ${tenant} || lpad(i::text, 6, '0'), ${tenant} || i || '@example.com', ${tenant} || i || '@example.com', 1, '{}'::jsonb, 1, 0, 0, '', 'ada hopper' || (i % 10)::text
        from generate_series(1, ${n}) as i`.execute(database.db);
      await sql`insert into user_emails (tenant_id, user_id, position, value, value_fold, is_primary)
        select tenant_id, id, 0, user_name, user_name_fold, 1 from users where tenant_id = ${tenant}`.execute(database.db);
    };
    await fill('settled', 20_000);
    await sql`vacuum analyze users, user_emails`.execute(database.db);
    // Written after the statistics were taken, as during a /Bulk import: the planner believes it empty.
    await fill('importing', 5_000);
  });
  after(async () => {
    await database?.close();
    await testDatabase?.dispose();
  });

  it("counts and walks the name sets from the group itself: no per-set read of the tenant's people while no pair was decided", async () => {
    const repo = new SqlDuplicateRepository(database.db, database.dialect, 'importing');
    for (const statement of [repo.countQuery('name', null, 10_001), repo.walkQuery({ reason: 'name', key: '' }, null, 26)]) {
      const compiled = statement.compile(database.db);
      const { rows } = await database.db.executeQuery<{ 'QUERY PLAN': unknown }>(
        CompiledQuery.raw(`explain (analyze, format json, timing off) ${compiled.sql}`, [...compiled.parameters]),
      );
      const document = rows[0]?.['QUERY PLAN'];
      const plan = ((typeof document === 'string' ? JSON.parse(document) : document) as { Plan: AnalyzedNode }[])[0]!.Plan;
      const perSet: string[] = [];
      const visit = (node: AnalyzedNode) => {
        if (node['Relation Name'] === 'users' && node.Alias !== 's' && (node['Actual Loops'] ?? 0) > 0) perSet.push(`${node.Alias} × ${node['Actual Loops']}`);
        for (const child of node.Plans ?? []) visit(child);
      };
      visit(plan);
      assert.deepEqual(perSet, [], compiled.sql);
    }
    assert.deepEqual(await repo.count(100), { sets: 10, exact: true });
    const page = await repo.page(undefined, 25);
    assert.deepEqual(
      page.sets.map((s) => [s.reason, s.key, s.users.length, s.more]),
      Array.from({ length: 10 }, (_, i) => ['name', `ada hopper${i}`, PEOPLE_SHOWN_PER_SET, true]),
    );
  });
});
