/**
 * The limits the HTTP numbers are divided by: the database driver alone doing what a request
 * does, on tables created by Roster's own migrations (through `openStore`), in a database of its
 * own. No HTTP, no Fastify, no Kysely, no SCIM parsing or rendering.
 *
 * - insert: one transaction inserting a users row (`on conflict do nothing returning id`, as the
 *   server does) and one user_emails row;
 * - lookup: `select * from users where tenant_id = ? and user_name_fold = ?`;
 * - add 1,000 members: one transaction locking the group row, checking the ids exist, one
 *   multi-row `insert … on conflict do nothing returning`, bumping the group's version — the five
 *   statements docs/architecture.md#the-shape-that-carries-everything names.
 *
 * SQLite runs better-sqlite3 synchronously: one connection, one statement at a time, so
 * concurrency is moot (the server's SQLite connection is just as serial). PostgreSQL runs a
 * `pg.Pool` of the server's size with 1 and 8 concurrent workers.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { uuidv7, type ProvisioningRuntime } from '../src/provisioning/runtime.js';
import { createTenant } from '../src/provisioning/tenants/manage-tenants.js';
import { openStore } from '../src/storage/open-store.js';
import { parsePostgresUrl } from '../src/storage/sql/dialects/postgres.js';
import { applyConnectionSettings } from '../src/storage/sql/dialects/sqlite.js';
import { foldText } from '../src/storage/fold.js';
import { benchUserName, oktaUser, scatter } from './fixtures.js';
import { closedLoop, measurement, summarise, type LatencySummary, type Measurement } from './load.js';

export interface RawSettings {
  /** Inserts per measured run (the same count as HTTP creates). */
  readonly inserts: number;
  /** Lookups per measured run (the same count as HTTP lookups). */
  readonly lookups: number;
  /** Members added per group, and how many groups (after one unmeasured warm-up). */
  readonly members: number;
  readonly memberReps: number;
}

export interface RawLimits {
  readonly driver: string;
  readonly note: string;
  /** By concurrency ("1", "8"); SQLite has only "sync". */
  readonly inserts: Record<string, Measurement>;
  readonly lookups: Record<string, Measurement>;
  readonly addMembers: { readonly members: number; readonly samplesMs: readonly number[]; readonly latencyMs: LatencySummary };
}

interface RawRow {
  readonly id: string;
  readonly userName: string;
  readonly values: readonly (string | number | null)[];
  readonly email: readonly (string | number | null)[];
}

/** The column values a create writes, computed before the clock starts. */
function rawRows(tenantId: string, prefix: string, count: number): RawRow[] {
  return Array.from({ length: count }, (_, i) => {
    const doc = oktaUser(prefix, i);
    const userName = benchUserName(prefix, i);
    const id = uuidv7();
    const now = Date.now();
    const displayName = String(doc['displayName']);
    return {
      id,
      userName,
      values: [tenantId, id, userName, foldText(userName), String(doc['externalId']), foldText(displayName), 1, JSON.stringify(doc), 1, now, now],
      email: [tenantId, id, 0, userName, foldText(userName), 'work', 1],
    };
  });
}

const INSERT_USER_COLUMNS = 'tenant_id, id, user_name, user_name_fold, external_id, display_name_fold, active, data, version, created_ms, modified_ms';
const INSERT_EMAIL_COLUMNS = 'tenant_id, user_id, position, value, value_fold, type, is_primary';

/** The person (`on conflict do nothing returning id`, as the server does) and their email, for a raw create. */
export const SQLITE_INSERT_USER = `insert into users (${INSERT_USER_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (tenant_id, user_name_fold) do nothing returning id`;
export const SQLITE_INSERT_EMAIL = `insert into user_emails (${INSERT_EMAIL_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?)`;

export const PG_INSERT_USER = `insert into users (${INSERT_USER_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11) on conflict (tenant_id, user_name_fold) do nothing returning id`;
export const PG_INSERT_EMAIL = `insert into user_emails (${INSERT_EMAIL_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7)`;

/** A pg.Pool on the bench schema (`?schema=` of the URL, as Roster reads it). */
export function openRawPool(url: string, max: number): pg.Pool {
  const { connectionString, schema } = parsePostgresUrl(url);
  const pool = new pg.Pool({ connectionString, max, options: `-c search_path="${schema ?? 'public'}"` });
  pool.on('error', () => {});
  return pool;
}

/** Runs `work` on one pooled connection inside BEGIN … COMMIT (ROLLBACK when it throws). */
export async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await work(client);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Creates tenants through Roster's own store (so the rows are Roster's); their ids by slug. */
export async function createTenants(databaseUrl: string, slugs: readonly string[]): Promise<Record<string, string>> {
  const store = await openStore({ databaseUrl, poolSize: 2 });
  try {
    const rt: ProvisioningRuntime = { store, now: Date.now, newId: () => uuidv7() };
    const ids: Record<string, string> = {};
    for (const slug of slugs) ids[slug] = (await createTenant(rt, { slug })).id;
    return ids;
  } finally {
    await store.close();
  }
}

/** A better-sqlite3 connection with the settings Roster's own connections have. */
export function openSqliteLikeRoster(file: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(file);
  applyConnectionSettings(db, busyTimeoutMs);
  return db;
}

function timeSync(count: number, op: (index: number) => void): Measurement {
  const samples = new Float64Array(count);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    op(i);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  return measurement(samples, Number(process.hrtime.bigint() - started) / 1e6, 1);
}

/** SQLite limits on a fresh file (same pragmas as Roster's dialect: WAL, synchronous=NORMAL, foreign keys). */
export async function sqliteLimits(file: string, settings: RawSettings): Promise<RawLimits> {
  const tenants = await createTenants(file, ['raw']);
  const tenantId = tenants['raw'] ?? '';
  const db = openSqliteLikeRoster(file, 5000);
  try {
    const insertUser = db.prepare(SQLITE_INSERT_USER);
    const insertEmail = db.prepare(SQLITE_INSERT_EMAIL);
    const create = db.transaction((row: RawRow) => {
      if (insertUser.get(...row.values) === undefined) throw new Error(`raw insert conflict: ${row.userName}`);
      insertEmail.run(...row.email);
    });
    const lookup = db.prepare('select * from users where tenant_id = ? and user_name_fold = ?');

    // Warm-up in its own tenant-prefix so measured rows start from the same table shape as the server's.
    const warm = rawRows(tenantId, 'rawwarm', 200);
    for (const row of warm) create(row);
    const rows = rawRows(tenantId, 'raw', Math.max(settings.inserts, settings.members));
    const inserts = timeSync(settings.inserts, (i) => {
      const row = rows[i];
      if (row) create(row);
    });
    for (const row of rows.slice(settings.inserts)) create(row);

    const folds = rows.slice(0, settings.inserts).map((r) => foldText(r.userName));
    const lookups = timeSync(settings.lookups, (i) => {
      if (lookup.get(tenantId, folds[scatter(i, folds.length)]) === undefined) throw new Error('raw lookup found nothing');
    });

    const insertGroup = db.prepare(
      `insert into groups (tenant_id, id, display_name, display_name_fold, external_id, data, version, created_ms, modified_ms) values (?, ?, ?, ?, null, ?, 1, ?, ?)`,
    );
    const lockGroup = db.prepare('select id, version from groups where tenant_id = ? and id = ?');
    const existing = db.prepare('select id from users where tenant_id = ? and id in (select value from json_each(?))');
    const addMembers = db.prepare(
      `insert into group_members (tenant_id, group_id, member_id, member_type, created_ms)
       select ?, ?, ids.value, 'User', ? from (select value from json_each(?)) as ids where true
       on conflict (tenant_id, group_id, member_id) do nothing returning member_id`,
    );
    const touch = db.prepare('update groups set version = version + 1, modified_ms = ? where tenant_id = ? and id = ?');
    const memberIds = JSON.stringify(rows.slice(0, settings.members).map((r) => r.id));
    const addAll = db.transaction((groupId: string) => {
      const now = Date.now();
      if (lockGroup.get(tenantId, groupId) === undefined) throw new Error('raw group missing');
      if (existing.all(tenantId, memberIds).length !== settings.members) throw new Error('raw members missing');
      if (addMembers.all(tenantId, groupId, now, memberIds).length !== settings.members) throw new Error('raw add short');
      touch.run(now, tenantId, groupId);
    });
    const samples: number[] = [];
    for (let rep = 0; rep <= settings.memberReps; rep++) {
      const groupId = uuidv7();
      const name = `raw group ${rep}`;
      insertGroup.run(tenantId, groupId, name, foldText(name), JSON.stringify({ displayName: name }), Date.now(), Date.now());
      const t0 = process.hrtime.bigint();
      addAll(groupId);
      if (rep > 0) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return {
      driver: `better-sqlite3 (SQLite ${String((db.prepare('select sqlite_version() as v').get() as { v: string }).v)})`,
      note: 'synchronous driver on one connection: concurrency is moot, so one loop is the limit for 1 and 8 clients alike',
      inserts: { sync: inserts },
      lookups: { sync: lookups },
      addMembers: { members: settings.members, samplesMs: samples, latencyMs: summarise(samples) },
    };
  } finally {
    db.close();
  }
}

/** PostgreSQL limits on a fresh schema, with a pool the size of the server's. */
export async function postgresLimits(url: string, poolSize: number, settings: RawSettings): Promise<RawLimits> {
  const tenants = await createTenants(url, ['raw-warm', 'raw-c1', 'raw-c8']);
  const pool = openRawPool(url, poolSize);
  const create = (row: RawRow): Promise<void> =>
    inTransaction(pool, async (client) => {
      const inserted = await client.query(PG_INSERT_USER, [...row.values]);
      if (inserted.rowCount !== 1) throw new Error(`raw insert conflict: ${row.userName}`);
      await client.query(PG_INSERT_EMAIL, [...row.email]);
    });
  try {
    // Open every connection of the pool before measuring, as a warmed-up server would have.
    await Promise.all(Array.from({ length: poolSize }, () => pool.query('select 1')));
    const warmRows = rawRows(tenants['raw-warm'] ?? '', 'rawwarm', 200);
    await closedLoop(warmRows.length, 8, async (i) => {
      const row = warmRows[i];
      if (row) await create(row);
    });

    const inserts: Record<string, Measurement> = {};
    const rowsByConcurrency: Record<string, RawRow[]> = {};
    for (const workers of [1, 8]) {
      const tenantId = tenants[`raw-c${workers}`] ?? '';
      const rows = rawRows(tenantId, `raw${workers}`, Math.max(settings.inserts, settings.members));
      rowsByConcurrency[workers] = rows;
      const run = await closedLoop(settings.inserts, workers, async (i) => {
        const row = rows[i];
        if (row) await create(row);
      });
      inserts[String(workers)] = measurement(run.samplesMs, run.durationMs, workers);
      for (const row of rows.slice(settings.inserts)) await create(row);
    }

    const tenantId = tenants['raw-c8'] ?? '';
    const rows = rowsByConcurrency[8] ?? [];
    const folds = rows.slice(0, settings.inserts).map((r) => foldText(r.userName));
    const lookups: Record<string, Measurement> = {};
    for (const workers of [1, 8]) {
      const run = await closedLoop(settings.lookups, workers, async (i) => {
        const result = await pool.query('select * from users where tenant_id = $1 and user_name_fold = $2', [tenantId, folds[scatter(i, folds.length)]]);
        if (result.rowCount !== 1) throw new Error('raw lookup found nothing');
      });
      lookups[String(workers)] = measurement(run.samplesMs, run.durationMs, workers);
    }

    const memberIds = rows.slice(0, settings.members).map((r) => r.id);
    const samples: number[] = [];
    for (let rep = 0; rep <= settings.memberReps; rep++) {
      const groupId = uuidv7();
      const name = `raw group ${rep}`;
      await pool.query(
        `insert into groups (tenant_id, id, display_name, display_name_fold, external_id, data, version, created_ms, modified_ms) values ($1, $2, $3, $4, null, $5::jsonb, 1, $6, $6)`,
        [tenantId, groupId, name, foldText(name), JSON.stringify({ displayName: name }), Date.now()],
      );
      const t0 = process.hrtime.bigint();
      await inTransaction(pool, async (client) => {
        const now = Date.now();
        const locked = await client.query('select id, version from groups where tenant_id = $1 and id = $2 for update', [tenantId, groupId]);
        if (locked.rowCount !== 1) throw new Error('raw group missing');
        const found = await client.query('select id from users where tenant_id = $1 and id = any($2::text[])', [tenantId, memberIds]);
        if (found.rowCount !== settings.members) throw new Error('raw members missing');
        const added = await client.query(
          `insert into group_members (tenant_id, group_id, member_id, member_type, created_ms)
           select $1, $2, ids.value, 'User', $3 from unnest($4::text[]) as ids(value) where true
           on conflict (tenant_id, group_id, member_id) do nothing returning member_id`,
          [tenantId, groupId, now, memberIds],
        );
        if (added.rowCount !== settings.members) throw new Error('raw add short');
        await client.query('update groups set version = version + 1, modified_ms = $1 where tenant_id = $2 and id = $3', [now, tenantId, groupId]);
      });
      if (rep > 0) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const version = (await pool.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?';
    return {
      driver: `pg ${poolSize}-connection Pool (PostgreSQL ${version})`,
      note: `pg.Pool with max ${poolSize} (the server's DB_POOL_SIZE); unnamed parameterised statements, as Kysely sends`,
      inserts,
      lookups,
      addMembers: { members: settings.members, samplesMs: samples, latencyMs: summarise(samples) },
    };
  } finally {
    await pool.end();
  }
}
