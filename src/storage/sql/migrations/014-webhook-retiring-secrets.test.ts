import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, testEngines, type TestDatabase } from '../../../testing/databases.js';
import type { SqlDatabase } from '../dialects/dialect.js';
import { openPostgres } from '../dialects/postgres.js';
import { openSqlite } from '../dialects/sqlite.js';
import { SqlDeliveryStore } from '../delivery.repo.js';
import { migrateToLatest, migrateUpTo } from './index.js';

for (const { engine, skip } of testEngines()) {
  describe(`migration 014 on ${engine}`, { skip }, () => {
    let test: TestDatabase;
    let database: SqlDatabase;

    before(async () => {
      test = await createTestDatabase(engine);
      database = engine === 'sqlite' ? openSqlite(test.url) : await openPostgres({ url: test.url, poolSize: 2 });
      // The schema before 014: one endpoint in a rotation's overlap, one never rotated.
      await migrateUpTo(database.db, engine, '013-rate-windows-and-write-probe', database.schema);
      await sql`insert into webhook_endpoints (id, tenant_id, url, label, secret, previous_secret, previous_secret_until_ms, created_ms)
        values ('rotated', null, 'https://a.example/hook', 'a', 'whsec_new', 'whsec_old', 1000000, 0),
               ('fresh', null, 'https://b.example/hook', 'b', 'whsec_only', null, null, 0)`.execute(database.db);
      await migrateToLatest(database.db, engine, database.schema);
    });
    after(async () => {
      await database?.close();
      await test?.dispose();
    });

    it('carries the secret a pending overlap kept into the list of retiring secrets', async () => {
      const store = new SqlDeliveryStore(database.db, database.dialect);
      assert.deepEqual((await store.findEndpoint('rotated'))?.retiringSecrets, [{ secret: 'whsec_old', untilMs: 1000000 }]);
      assert.deepEqual((await store.findEndpoint('fresh'))?.retiringSecrets, []);
    });

    it('keeps both retired secrets through a second rotation within the overlap', async () => {
      const store = new SqlDeliveryStore(database.db, database.dialect);
      assert.equal(await store.rotateSecret('rotated', 'whsec_newest', 500000, 2000000), true);
      const endpoint = await store.findEndpoint('rotated');
      assert.equal(endpoint?.secret, 'whsec_newest');
      assert.deepEqual(endpoint?.retiringSecrets, [
        { secret: 'whsec_new', untilMs: 2000000 },
        { secret: 'whsec_old', untilMs: 1000000 },
      ]);
      assert.equal(await store.rotateSecret('missing', 'whsec_x', 0, 1), false);
    });
  });
}
