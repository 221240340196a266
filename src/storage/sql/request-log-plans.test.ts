/**
 * Every filter of the provisioning log is answered from an index that starts with the tenant and
 * bounds the entries read: the statements the repository runs are captured as it runs them and
 * planned by the engine itself. A time range is a bound on `id` (uuidv7, time-ordered), so each
 * index ends in `id` and also serves the newest-first order without a sort.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql, type KyselyPlugin, type RootOperationNode, type QueryId } from 'kysely';
import { uuidv7 } from '../../provisioning/runtime.js';
import type { RequestLogEntry, RequestLogQuery } from '../store.js';
import { createTestDatabase, testEngines, type EngineName, type TestDatabase } from '../../testing/databases.js';
import type { SqlDatabase } from './dialects/dialect.js';
import { openPostgres } from './dialects/postgres.js';
import { openSqlite } from './dialects/sqlite.js';
import { migrateToLatest } from './migrations/index.js';
import { appendRequestLog, SqlRequestLogRepository } from './request-log.repo.js';
import { tablePlan, type IndexAccess } from './explain.test-support.js';

const TENANTS = ['tenant-a', 'tenant-b'];
const ENTRIES = 6000;
const START = Date.parse('2026-05-01T00:00:00Z');
const EVENTS = ['user.created', 'user.updated', 'group.updated', null, null, null];

function entry(tenantId: string, i: number): RequestLogEntry {
  const atMs = START + i * 1000;
  const user = i % 4 !== 3;
  return {
    tenantId,
    id: uuidv7(atMs),
    atMs,
    method: i % 3 === 0 ? 'POST' : 'GET',
    path: user ? `/scim/v2/Users/u${i % 500}` : `/scim/v2/Groups/g${i % 50}`,
    status: i % 17 === 0 ? 400 : 200,
    durationMs: 3,
    client: 'Okta SCIM Client 1.0.0',
    credentialId: 'c1',
    resourceType: user ? 'User' : 'Group',
    resourceId: user ? `u${i % 500}` : `g${i % 50}`,
    changed: i % 3 === 0,
    notes: {},
    error: null,
    event: EVENTS[i % EVENTS.length] ?? null,
    searchText: `/scim/v2/users/u${i % 500}`,
  };
}

/** Records each statement a query builder runs, to plan it afterwards. */
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

type Access = IndexAccess;

/** How each statement reads request_log: its indexes, and whether anything is sorted or scanned. */
function plan(database: SqlDatabase, engine: EngineName, compiled: CompiledQuery): Promise<{ accesses: Access[]; faults: string[] }> {
  return tablePlan(database, engine, compiled, { name: 'request_log' });
}

/** Each filter, and the index that must bound it. */
const CASES: { name: string; query: RequestLogQuery; index: RegExp }[] = [
  { name: 'newest first', query: { limit: 51 }, index: /request_log_pk|sqlite_autoindex_request_log_1/ },
  { name: 'time range', query: { fromMs: START + 1000_000, toMs: START + 2000_000, limit: 51 }, index: /request_log_pk|sqlite_autoindex_request_log_1/ },
  { name: 'next page', query: { before: uuidv7(START + 3000_000), limit: 51 }, index: /request_log_pk|sqlite_autoindex_request_log_1/ },
  { name: 'person', query: { resourceId: 'u8', resourceType: 'User', limit: 51 }, index: /request_log_resource_id/ },
  // With two bounds the planner picks the narrower: the resource's or event's entries, or the time range's.
  {
    name: 'group in a time range',
    query: { resourceId: 'g7', resourceType: 'Group', fromMs: START, toMs: START + 5000_000, limit: 51 },
    index: /request_log_resource_id|request_log_pk|sqlite_autoindex_request_log_1/,
  },
  { name: 'event type', query: { event: 'user.created', limit: 51 }, index: /request_log_event/ },
  {
    name: 'event type in a time range',
    query: { event: 'user.updated', fromMs: START + 100_000, toMs: START + 900_000, limit: 51 },
    index: /request_log_event|request_log_pk|sqlite_autoindex_request_log_1/,
  },
  { name: 'search', query: { text: 'users/u7', limit: 51 }, index: /request_log_pk|sqlite_autoindex_request_log_1/ },
  {
    name: 'search for one person',
    query: { text: 'users/u8', resourceId: 'u8', resourceType: 'User', limit: 51 },
    index: /request_log_resource_id|request_log_pk|sqlite_autoindex_request_log_1/,
  },
];

for (const { engine, skip } of testEngines()) {
  describe(`provisioning log plans on ${engine}: every filter is bounded by an index`, { skip }, () => {
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
        for (let at = 0; at < ENTRIES; at += 1000) {
          await appendRequestLog(
            database.db,
            database.dialect,
            Array.from({ length: 1000 }, (_, k) => entry(tenant, at + k)),
          );
        }
      }
      database.afterMigrations?.();
      if (engine === 'postgres') await sql`analyze request_log`.execute(database.db);
    });
    after(async () => {
      await database?.close();
      await testDatabase?.dispose();
    });

    for (const { name, query, index } of CASES) {
      it(name, async () => {
        const recorder = new Recorder();
        const repo = new SqlRequestLogRepository(database.db.withPlugin(recorder), database.dialect, 'tenant-a');
        const page = await repo.search(query);
        assert.ok(page.entries.length > 0, 'the filter finds entries (else the plan proves little)');
        assert.ok(recorder.nodes.length > 0);
        for (const { node, queryId } of recorder.nodes) {
          const compiled = database.db.getExecutor().compileQuery(node, queryId);
          const { accesses, faults } = await plan(database, engine, compiled);
          // A search may sort the ids of its window: at most textWindow rows, read by an index above.
          assert.deepEqual(query.text ? faults.filter((f) => f !== 'sorted: Sort') : faults, [], compiled.sql);
          assert.ok(accesses.length > 0, `no index access: ${compiled.sql}`);
          for (const access of accesses) assert.match(access.index, index, access.detail);
        }
      });
    }

    it('the checks catch a filter no index bounds', async () => {
      const compiled = CompiledQuery.raw(`select * from request_log where tenant_id = 'tenant-a' and duration_ms = 3 order by duration_ms desc, path limit 5`);
      const { faults } = await plan(database, engine, compiled);
      assert.ok(faults.length > 0, 'a sort over the tenant passed the checks');
    });
  });
}
