/**
 * SCIM substring filters (`co`, `sw`, `ew`) on the fields the people search indexes (userName,
 * displayName, emails.value; on SQLite also title and the name's parts) are narrowed by the search
 * text's trigram index before the filter's own test: on both engines the engine's planner reads the
 * text index, not every person or email of the tenant; the answers are exactly the filter's, for
 * matches, near misses, white space, decomposed characters, `or` and `not`; and where the index
 * cannot answer exactly (two characters, white space at an end, under `not`) the filter stands alone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { JsonObject } from '../../json/json-value.js';
import { userRecordFrom } from '../../provisioning/users/user-record.js';
import { parseFilter } from '../../scim/filter/parse-filter.js';
import { resolveFilter } from '../../scim/filter/resolve-filter.js';
import { userResourceSchema } from '../../scim/schemas/registry.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../../testing/databases.js';
import type { SqlDatabase } from './dialects/dialect.js';
import { openPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';
import { listStatements } from './list-page.js';
import { migrateToLatest } from './migrations/index.js';
import { SqlStore } from './sql-store.js';
import type { RosterDatabase } from './tables.js';
import { usersListable } from './users.repo.js';

const TENANT = 'tenant-a';
const OTHER = 'tenant-b';

async function planOf(db: Kysely<RosterDatabase>, engine: 'sqlite' | 'postgres', statement: CompiledQuery): Promise<string> {
  if (engine === 'sqlite') {
    const { rows } = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]));
    return rows.map((r) => r.detail).join(' | ');
  }
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (costs off) ${statement.sql}`, [...statement.parameters]));
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

for (const { engine, skip } of testEngines()) {
  describe(`substring filters narrowed by the text index on ${engine}`, { skip }, () => {
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
    const where = (filter: string) => resolveFilter(userResourceSchema(), parseFilter(filter).filter);
    const found = async (filter: string) => {
      const page = await store.read({ tenantId: TENANT }, (repos) => repos.users.list({ where: where(filter), page: { kind: 'cursor', limit: 10_000 } }));
      // PostgreSQL's tenant also holds 5,000 filler people (below), none of whom any filter here means.
      return page.rows
        .filter((u) => !u.id.startsWith('filler-'))
        .map((u) => Object.entries(ids).find(([, id]) => id === u.id)?.[0] ?? u.id)
        .sort();
    };
    const plans = async (filter: string) => {
      const statements = listStatements(TENANT, usersListable(database.dialect), { where: where(filter), page: { kind: 'index', offset: 0, limit: 100 } });
      return Promise.all(Object.values(statements).map((statement) => planOf(database.db, engine, statement.compile(database.db))));
    };

    before(async () => {
      testDatabase = await createTestDatabase(engine);
      if (engine === 'sqlite') {
        dir = mkdtempSync(join(tmpdir(), 'roster-narrowing-'));
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
        displayName: 'Grace Hopper',
        title: 'Rear Admiral',
        name: { givenName: 'Grace', familyName: 'Hopper' },
        emails: [
          { value: 'grace@cobol.example', type: 'work' },
          { value: 'amazing.grace@home.example', type: 'home' },
        ],
      });
      ids['ada'] = await insert(TENANT, { userName: 'ada@analytical.example', displayName: 'Ada Lovelace', emails: [{ value: 'ADA@Engine.Example' }] });
      // Written decomposed (e + combining acute): folded (NFKC) it is "josé", as the search text holds it.
      ids['jose'] = await insert(TENANT, { userName: 'jose\u0301@acme.example', displayName: 'Jose\u0301 Marti\u0301' });
      ids['spaced'] = await insert(TENANT, { userName: 'spaced@acme.example', displayName: '  Padded   Name ' });
      await insert(OTHER, { userName: 'ghopper@navy.example', emails: [{ value: 'grace@cobol.example' }] });
      if (engine === 'postgres') {
        // Enough people, with statistics, for the planner to weigh the trigram index against
        // walking the tenant as it would in a real tenant.
        await sql`insert into users (tenant_id, id, user_name, user_name_fold, active, data, version, created_ms, modified_ms, search_text)
          select ${TENANT}, 'filler-' || lpad(i::text, 5, '0'), 'filler' || i || '@bulk.example', 'filler' || i || '@bulk.example', 1, '{}'::jsonb, 1, 0, 0,
            'filler' || i || '@bulk.example'
          from generate_series(1, 5000) as i`.execute(database.db);
        await sql`insert into user_emails (tenant_id, user_id, position, value, value_fold, is_primary)
          select tenant_id, id, 0, user_name, user_name_fold, 1 from users where id like 'filler-%'`.execute(database.db);
        await sql`vacuum analyze users, user_emails`.execute(database.db);
      }
    });
    after(async () => {
      await store?.close();
      await testDatabase?.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('answers exactly what the filter asks', async () => {
      const cases: [string, string[]][] = [
        ['emails.value ew "cobol.example"', ['grace']],
        ['emails.value co "ENGINE"', ['ada']],
        ['emails[value sw "amazing"]', ['grace']],
        ['emails.value sw "cobol"', []], // inside the address, not at its start
        ['userName co "HOPPER@"', ['grace']],
        ['userName ew "@acme.example"', ['jose', 'spaced']],
        ['userName sw "jos\u00e9"', ['jose']], // composed in the filter, decomposed in the write
        ['displayName co "hopper" or emails.value co "engine"', ['ada', 'grace']],
        ['displayName co "  Padded"', ['spaced']], // white space at an end: the filter alone decides
        ['displayName co "adde"', ['spaced']],
        ['not (userName co "example")', []],
        ['not (emails.value co "cobol")', ['ada', 'jose', 'spaced']],
        ['userName co "ex" and displayName sw "ada"', ['ada']],
      ];
      if (engine === 'sqlite') cases.push(['title co "admiral"', ['grace']], ['name.familyName ew "pper"', ['grace']]);
      for (const [filter, expected] of cases) assert.deepEqual(await found(filter), expected, filter);
    });

    it('reads the text index instead of every person or email for three characters or more', async () => {
      const narrowed = ['emails.value ew "cobol.example"', 'userName co "hopper"', 'displayName co "lovelace" or emails.value co "engine"'];
      if (engine === 'sqlite') narrowed.push('title co "admiral"');
      for (const filter of narrowed) {
        for (const plan of await plans(filter)) {
          if (engine === 'sqlite') {
            assert.match(plan, /SCAN s VIRTUAL TABLE INDEX/, `${filter}: ${plan}`);
            assert.doesNotMatch(plan, /SCAN u\b|SCAN users|SCAN e\b/, `${filter}: ${plan}`);
          } else {
            assert.match(plan, /Bitmap Index Scan on users_search_text/, `${filter}: ${plan}`);
            assert.doesNotMatch(plan, /Seq Scan/, `${filter}: ${plan}`);
          }
        }
      }
    });

    it('leaves the filter alone where the index cannot answer exactly', async () => {
      for (const filter of ['userName co "ho"', 'displayName co "  Padded"', 'not (userName co "hopper")']) {
        for (const plan of await plans(filter)) assert.doesNotMatch(plan, /VIRTUAL TABLE|users_search_text/, `${filter}: ${plan}`);
      }
    });
  });
}
