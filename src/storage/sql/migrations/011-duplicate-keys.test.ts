import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../../../testing/databases.js';
import type { SqlDatabase } from '../dialects/dialect.js';
import { openPostgres } from '../dialects/postgres.js';
import { openSqlite } from '../dialects/sqlite.js';
import { migrateToLatest, migrateUpTo } from './index.js';

const PEOPLE = 2500; // more than two backfill batches

for (const { engine, skip } of testEngines()) {
  describe(`migration 011 on ${engine}`, { skip }, () => {
    let test: TestDatabase;
    let database: SqlDatabase;

    before(async () => {
      test = await createTestDatabase(engine);
      database = engine === 'sqlite' ? openSqlite(test.url) : await openPostgres({ url: test.url, poolSize: 2 });
      // The schema as it was before 011, holding people written before name_key existed.
      await migrateUpTo(database.db, engine, '010-people-search', database.schema);
      for (const id of ['t1', 't2']) {
        await sql`insert into tenants (id, slug, name, provisioning_enabled, settings, created_ms) values (${id}, ${id}, ${id}, 1, '{}', 0)`.execute(database.db);
      }
      // Person n: "Ann Lee<n>"; every third has no family name; every fifth is in the other tenant.
      const document =
        engine === 'postgres'
          ? sql`case when n % 3 = 0 then '{"name":{"givenName":"Ann"}}'::jsonb else ('{"name":{"givenName":" ÅNN ","familyName":"Lee' || n || '"}}')::jsonb end`
          : sql`case when n % 3 = 0 then '{"name":{"givenName":"Ann"}}' else '{"name":{"givenName":" ÅNN ","familyName":"Lee' || n || '"}}' end`;
      await sql`with recursive g(n) as (select 1 union all select n + 1 from g where n < ${PEOPLE})
        insert into users (tenant_id, id, user_name, user_name_fold, active, data, version, created_ms, modified_ms, source, missing)
        select case when n % 5 = 0 then 't2' else 't1' end, 'u' || n, 'u' || n, 'u' || n, 1, ${document}, 1, 0, 0, 'scim', '' from g`.execute(database.db);
      await migrateToLatest(database.db, engine, database.schema);
    });
    after(async () => {
      await database?.close();
      await test?.dispose();
    });

    it('fills name_key for every existing person, in every tenant, folded like new writes', async () => {
      const { rows } = await sql<{ id: string; name_key: string | null }>`select id, name_key from users`.execute(database.db);
      assert.equal(rows.length, PEOPLE);
      for (const row of rows) {
        const n = Number(row.id.slice(1));
        assert.equal(row.name_key, n % 3 === 0 ? null : `ånn lee${n}`, row.id);
      }
    });

    it('can record a decision only between people of one tenant', async () => {
      await sql`insert into duplicate_dismissals (tenant_id, user_low, user_high, decided_by, decided_ms) values ('t1', 'u1', 'u2', 'a', 0)`.execute(database.db);
      await assert.rejects(
        sql`insert into duplicate_dismissals (tenant_id, user_low, user_high, decided_by, decided_ms) values ('t1', 'u1', 'u5', 'a', 0)`.execute(database.db),
      );
      await assert.rejects(
        sql`insert into duplicate_dismissals (tenant_id, user_low, user_high, decided_by, decided_ms) values ('t1', 'u2', 'u1', 'a', 0)`.execute(database.db),
        'low before high',
      );
    });
  });
}
