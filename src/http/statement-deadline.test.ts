/**
 * PostgreSQL's per-statement deadline (DB_STATEMENT_TIMEOUT_MS): a statement that runs past it is
 * cancelled, the client gets a clear 503 with Retry-After and nothing changes; migrations are exempt.
 * PostgreSQL only: SQLite has no statement deadline (its statements run on the event loop and
 * cannot be interrupted from it), so there is nothing to test there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openStore } from '../storage/open-store.js';
import { parsePostgresUrl } from '../storage/sql/dialects/postgres.js';
import { migrationsFor } from '../storage/sql/migrations/index.js';
import { createTestDatabase, testEngines } from '../testing/databases.js';
import { createTestServer, type TestServer } from '../testing/test-server.js';

const postgres = testEngines().find((e) => e.engine === 'postgres');

/** Runs `work` while another session holds the users table locked, so every statement on it waits. */
async function withUsersLocked(databaseUrl: string, work: () => Promise<void>): Promise<void> {
  const { connectionString, schema } = parsePostgresUrl(databaseUrl);
  const blocker = new pg.Client({ connectionString });
  await blocker.connect();
  try {
    await blocker.query('begin');
    await blocker.query(`lock table "${schema}".users in access exclusive mode`);
    await work();
  } finally {
    await blocker.query('rollback').catch(() => {});
    await blocker.end();
  }
}
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('PostgreSQL statement deadline', { skip: postgres?.skip ?? 'no PostgreSQL engine' }, () => {
  let t: TestServer;

  before(async () => {
    // Long enough that no ordinary statement reaches it on a busy machine; the locked one always does.
    t = await createTestServer('postgres', { DB_STATEMENT_TIMEOUT_MS: '2000' });
  });
  after(async () => {
    await t?.close();
  });

  it('cancels a statement past the deadline: 503 with Retry-After and advice, nothing changed; once free, the request is served', async () => {
    assert.equal((await t.scim('POST', '/Users', { schemas: [USER], userName: 'before@example.com' })).status, 201);
    // Another session holds the users table locked, so every statement on it waits past the deadline.
    await withUsersLocked(t.databaseUrl, async () => {
      const read = await t.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "before@example.com"')}`);
      assert.equal(read.status, 503, read.raw);
      assert.equal(read.headers['retry-after'], '5');
      assert.match(String(read.body['detail']), /DB_STATEMENT_TIMEOUT_MS[\s\S]*Narrow the filter/);
      const write = await t.scim('POST', '/Users', { schemas: [USER], userName: 'during@example.com' });
      assert.equal(write.status, 503, write.raw);
    });
    const list = await t.scim('GET', '/Users');
    assert.equal(list.status, 200);
    assert.deepEqual(
      (list.body['Resources'] as { userName: string }[]).map((u) => u.userName),
      ['before@example.com'],
      'the create cancelled at its deadline left nothing behind',
    );
  });

  it('runs migrations without the deadline: a fresh schema migrates even with a 1 ms statement deadline', async () => {
    const fresh = await createTestDatabase('postgres');
    try {
      // What runs after the migrations (numbering leftover events) is served work and keeps the 1 ms
      // deadline, which a busy machine may miss: only a failing migration fails this test.
      try {
        await (await openStore({ databaseUrl: fresh.url, poolSize: 2, statementTimeoutMs: 1 })).close();
      } catch (error) {
        assert.doesNotMatch(String(error), /migration/i);
      }
      const { connectionString, schema } = parsePostgresUrl(fresh.url);
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        const applied = await client.query(`select name from "${schema}".kysely_migration order by name`);
        assert.deepEqual(
          applied.rows.map((r: { name: string }) => r.name),
          Object.keys(migrationsFor('postgres')).sort(),
          'every migration was applied',
        );
      } finally {
        await client.end();
      }
    } finally {
      await fresh.dispose();
    }
  });
});

describe('PostgreSQL read deadline (READ_DEADLINE_MS, the read pool)', { skip: postgres?.skip ?? 'no PostgreSQL engine' }, () => {
  let t: TestServer;

  before(async () => {
    // No deadline at all on the serving pool: only the read pool's can end the read below.
    t = await createTestServer('postgres', { DB_STATEMENT_TIMEOUT_MS: '0', READ_DEADLINE_MS: '1000' });
  });
  after(async () => {
    await t?.close();
  });

  it('ends a filtered list at the read deadline with 503 and advice, while the serving pool has none', async () => {
    assert.equal((await t.scim('POST', '/Users', { schemas: [USER], userName: 'reader@example.com', title: 'Engineer' })).status, 201);
    await withUsersLocked(t.databaseUrl, async () => {
      // Without the read pool's statement_timeout this request would wait for the lock forever.
      const read = await t.scim('GET', `/Users?filter=${encodeURIComponent('title co "engine"')}`);
      assert.equal(read.status, 503, read.raw);
      assert.equal(read.headers['retry-after'], '5');
      assert.match(String(read.body['detail']), /READ_DEADLINE_MS[\s\S]*Narrow the filter/);
    });
    const found = await t.scim('GET', `/Users?filter=${encodeURIComponent('title co "engine"')}`);
    assert.equal(found.status, 200, found.raw);
    assert.equal(found.body['totalResults'], 1);
  });
});
