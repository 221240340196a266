import { Kysely, PostgresDialect as KyselyPostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { RosterDatabase } from '../tables.js';
import type { SqlDatabase, SqlDialect } from './dialect.js';
import { readBudgetLeftMs } from '../../read-budget.js';
import { StorageDeadlineError } from '../../store.js';
import { lendReadOffload } from '../offloaded-reads.js';
import { lendPointReads } from '../raw-query.js';
import { PostgresPointReads } from './postgres-point-reads.js';
import { classifyStorageError } from '../sql-errors.js';
import { noteStatement } from '../statement-count.js';
import { announceCredentialChange, CREDENTIAL_CHANNEL, PostgresChangeListener } from './postgres-change-listener.js';
import { pipelineTransactionEdges } from './postgres-pipeline.js';

export const postgresDialect: SqlDialect = {
  engine: 'postgres',
  jsonText: (doc, path) => sql<string | null>`(${doc} #>> ${path}::text[])`,
  jsonBoolean: (doc, path) => sql<number | null>`(case jsonb_typeof(${doc} #> ${path}::text[]) when 'boolean' then ((${doc} #>> ${path}::text[])::boolean)::int end)`,
  jsonNumber: (doc, path) => sql<number | null>`(case jsonb_typeof(${doc} #> ${path}::text[]) when 'number' then (${doc} #>> ${path}::text[])::numeric end)`,
  jsonArrayElements: (doc, path, alias) =>
    sql`jsonb_array_elements(case jsonb_typeof(${doc} #> ${path}::text[]) when 'array' then ${doc} #> ${path}::text[] else '[]'::jsonb end) as ${sql.raw(alias)}(elem)`,
  jsonElement: (alias) => sql`${sql.raw(alias)}.elem`,
  fold: (expression) => sql<string>`lower(normalize(${expression}, NFKC))`,
  inList: (expression, values) => sql<boolean>`${expression} = any(${values}::text[])`,
  valuesTable: (values, alias) => sql`unnest(${values}::text[]) as ${sql.raw(alias)}(value)`,
  rowsTable: (columns, rows, alias) => {
    // unnest of several arrays zips them into rows; each column is one text[] parameter.
    const arrays = columns.map((_, i) => sql`${rows.map((row) => row[i] ?? null)}::text[]`);
    return sql`unnest(${sql.join(arrays)}) as ${sql.raw(alias)}(${sql.join(columns.map((name) => sql.ref(name)))})`;
  },
  documentParam: (json) => sql`${json}::jsonb`,
  contains: (haystack, needle) => sql<boolean>`strpos(${haystack}, ${needle}) > 0`,
  startsWith: (haystack, prefix) => sql<boolean>`starts_with(${haystack}, ${prefix})`,
  // right() counts characters (code points); a JS string's length counts UTF-16 units (😀 is two).
  endsWith: (haystack, suffix) => sql<boolean>`right(${haystack}, ${[...suffix].length}) = ${suffix}`,
  jsonArrayOfIdAndName: (id, displayName, orderBy) =>
    sql`coalesce(json_agg(json_build_object('id', ${id}, 'displayName', ${displayName}) order by ${orderBy}), '[]'::json)`,
  // A scalar sub-query in the select list made PostgreSQL re-plan the prepared statement on every
  // execution (its generic plan looked dearer than the custom ones): +0.25 ms per lookup. As a
  // LEFT JOIN LATERAL the generic plan is kept.
  correlated: (subquery, name) => ({
    column: sql`${sql.ref(`${name}_lateral.value`)} as ${sql.ref(name)}`,
    join: sql`left join lateral (${subquery}) as ${sql.ref(`${name}_lateral`)} on true`,
  }),
  limitOffset: (limit, offset) => sql`limit ${limit} offset ${offset}`,
};

/**
 * Where the server has ICU (most builds), case folding in SQL uses ICU's full lower-case mapping —
 * the one JavaScript's toLowerCase (and so `foldText`, which fills the *_fold columns) uses — instead
 * of the database locale's per-character lower(): the same answers as SQLite for `İ`, final `Σ` and
 * the rest, whatever LC_CTYPE the database was created with.
 */
export const postgresIcuDialect: SqlDialect = {
  ...postgresDialect,
  // Lowered by ICU, then compared and sorted by code point ("C"), as SQLite and the *_fold columns are.
  fold: (expression) => sql<string>`(lower(normalize(${expression}, NFKC) collate "und-x-icu") collate "C")`,
};

/**
 * Splits `?schema=name` off a PostgreSQL URL: Roster keeps that schema on the search path. With a
 * schema, the URL's own `options` (startup settings such as `-c statement_timeout=…`) are taken off
 * too and passed along with the search path, since a URL's `options` would otherwise replace it.
 */
export function parsePostgresUrl(url: string): { connectionString: string; schema?: string; options?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (!schema) return { connectionString: parsed.toString() };
  const theirs = parsed.searchParams.get('options') ?? undefined;
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), schema, ...(theirs ? { options: theirs } : {}) };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

export interface PostgresOptions {
  readonly url: string;
  readonly poolSize: number;
  /** Fail a request quickly rather than queue forever when the database is gone. */
  readonly connectionTimeoutMs?: number;
  /**
   * The longest one statement of the serving pool may run (PostgreSQL's statement_timeout); 0 or
   * absent: no limit. Migrations run on a connection of their own without it.
   */
  readonly statementTimeoutMs?: number;
  /**
   * When set, reads whose cost the client chooses (filtered pages and counts, searches, possible
   * duplicates: see offloaded-reads.ts) run on a read pool of their own whose statement_timeout
   * is this; absent, they run on the serving pool.
   */
  readonly readDeadlineMs?: number;
  /** Connections of that read pool (default 1): how many such reads run at once. */
  readonly readPoolSize?: number;
}

/** Names for statement texts, shared by the pool's connections; bounded, as texts come from code. */
function preparedStatementNames(capacity = 2_000): (text: string) => string | undefined {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (name === undefined && names.size < capacity) {
      name = `roster_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
}

/**
 * Runs every parameterised statement as a named prepared statement on this connection, so that
 * PostgreSQL parses and plans a text once per connection instead of on every execution (for a
 * create that was most of the database's CPU). Statement texts never contain values (they are
 * always parameters), so the set of texts is small. Statements without parameters (migrations,
 * DDL, several commands in one text) keep the simple protocol they need.
 */
function prepareParameterisedStatements(client: pg.PoolClient, nameFor: (text: string) => string | undefined): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const named = (text: unknown, values?: unknown, callback?: unknown): unknown => {
    noteStatement(typeof text === 'string' ? text : String((text as { text?: unknown } | null)?.text ?? ''));
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      const name = nameFor(text);
      if (name !== undefined) return query({ name, text, values });
    }
    return callback === undefined ? query(text, values) : query(text, values, callback);
  };
  client.query = named as typeof client.query;
}

/** Opens a pool; bigint and numeric come back as JS numbers (all Roster's values fit). */
export async function openPostgres(options: PostgresOptions): Promise<SqlDatabase> {
  const { connectionString, schema, options: urlOptions } = parsePostgresUrl(options.url);
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid schema name in DATABASE_URL: ${schema}`);
  }
  if (schema) {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await client.query(`create schema if not exists "${schema}"`);
    } catch (error) {
      // Two processes starting together both try to create it: "if not exists" is not atomic in
      // PostgreSQL, and the loser gets a unique violation (23505) or duplicate_schema (42P06).
      const code = (error as { code?: unknown }).code;
      if (code !== '23505' && code !== '42P06') throw error;
    } finally {
      await client.end();
    }
  }
  const poolConfig = (max: number, statementTimeoutMs: number | undefined, extraOptions = '', pipeline = false): pg.PoolConfig => {
    const startup = [urlOptions, schema ? `-c search_path="${schema}"` : '', extraOptions].filter((o) => o).join(' ');
    return {
      connectionString,
      max,
      ...(pipeline ? { pipeline: true } : {}),
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
      ...(startup ? { options: startup } : {}),
      // Sent with the connection's start-up, so it costs no round trip per request.
      ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
          return pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
    };
  };
  // Pipelined (postgres-pipeline.ts): a write transaction's BEGIN and its event insert travel with
  // the statements beside them, two round trips for a create instead of four.
  // One of DB_POOL_SIZE's connections carries the point reads (below); the pool has the rest.
  const poolMax = Math.max(1, options.poolSize - 1);
  const pool = new pg.Pool(poolConfig(poolMax, options.statementTimeoutMs, '', true));
  // An idle client that loses its connection emits 'error' on the pool; without a listener the
  // process would crash. The next query gets a fresh connection or a clear error instead.
  pool.on('error', () => {});
  // A client checked out of the pool (inside a transaction, between two statements) that loses its
  // connection emits 'error' on itself, where the pool's listener does not reach: without this the
  // process crashes when PostgreSQL restarts. The transaction's next statement fails instead
  // (→ 503), and the pool discards the broken client when it is released.
  const prepared = preparedStatementNames();
  pool.on('connect', (client) => {
    client.on('error', () => {});
    prepareParameterisedStatements(client, prepared);
    pipelineTransactionEdges(client);
  });
  const db = new Kysely<RosterDatabase>({ dialect: new KyselyPostgresDialect({ pool }) });
  // Lookups' one-row index probes, several per write and wake-up (postgres-point-reads.ts).
  const pointReads = new PostgresPointReads(async () => {
    const client = new pg.Client(poolConfig(1, options.statementTimeoutMs, '', true));
    client.on('error', () => {});
    await client.connect();
    prepareParameterisedStatements(client as pg.PoolClient, prepared);
    return client;
  });
  lendPointReads(db, (text, parameters) =>
    pointReads.run(text, parameters).catch((error: unknown) => {
      throw classifyStorageError(error);
    }),
  );
  // The read pool: a bulkhead for reads whose cost the client chooses, with their own deadline, so
  // a burst of costly filters can take neither more than these connections nor longer than the
  // deadline, and the serving pool stays free for lookups and writes. JIT is off there: compiling
  // a plan took longer (about 40 ms) than most of these reads take, and none may take long.
  // Parallel query is off too: PostgreSQL's default lets one scan take two workers besides its own
  // backend, so even one costly read could keep three processes busy. Each read takes one core,
  // and the pool's size (DB_READ_POOL_SIZE, 1 by default) is how many cores they take at once.
  // Measured with the hostile-reads bench at 1,000,000 people on 2 cores (docs/performance.md),
  // another tenant's lookup p99 under costly reads, as a multiple of its idle p99: 2 connections
  // with parallel query 2.6-2.9x, 2 without it 2.1x, 1 without it 1.6x (half the pool, 5, had
  // taken it from 28 to 208 ms in an earlier quick run).
  const readPoolSize = options.readPoolSize ?? 1;
  const readPool = options.readDeadlineMs ? new pg.Pool(poolConfig(readPoolSize, options.readDeadlineMs, '-c jit=off -c max_parallel_workers_per_gather=0')) : undefined;
  if (readPool) {
    readPool.on('error', () => {});
    readPool.on('connect', (client) => {
      client.on('error', () => {});
      prepareParameterisedStatements(client, prepared);
    });
    const deadlineMs = options.readDeadlineMs ?? 0;
    lendReadOffload(db, async (text, parameters) => {
      // The request's read budget (read-budget.ts) bounds the wait for a read connection and the
      // statement together: none left, no read; less left than the pool's deadline, that much for
      // this statement (SET and RESET on the same connection). Measured before this bound: with the
      // read pool busy, a read waited a whole deadline for a connection and then ran for another,
      // and the possible duplicates' three reads took three (6 s at 1,000,000 people).
      const budgetBefore = readBudgetLeftMs();
      if (budgetBefore !== undefined && budgetBefore < 1) throw new StorageDeadlineError("the request's read budget was spent before this read");
      const client = await connectWithin(readPool, budgetBefore).catch((error: unknown) => {
        throw classifyStorageError(error);
      });
      const left = readBudgetLeftMs();
      if (left !== undefined && left <= 1) {
        client.release();
        throw new StorageDeadlineError("the request's read budget was spent waiting for a read connection");
      }
      const shorter = left !== undefined && left < deadlineMs ? Math.max(1, Math.floor(left)) : undefined;
      let resetFailed = false;
      try {
        if (shorter !== undefined) await client.query("select set_config('statement_timeout', $1, false)", [String(shorter)]);
        return (await client.query(text, parameters as unknown[])).rows as unknown[];
      } catch (error) {
        throw classifyStorageError(error);
      } finally {
        if (shorter !== undefined)
          resetFailed = await client.query('reset statement_timeout').then(
            () => false,
            () => true,
          );
        // A connection whose RESET failed may keep the shorter deadline: it is not given back.
        client.release(resetFailed ? true : undefined);
      }
    });
  }
  // Unreachable now (a store opened without migrating): the locale's lower() until the next open.
  const icu = await sql<{ n: number }>`select count(*) as n from pg_collation where collname = 'und-x-icu'`.execute(db).catch(() => undefined);
  // One more connection, outside the pool, hears other processes' credential and tenant changes,
  // so that credentials can be cached here (see credential-cache.ts).
  const schemaKey = schema ?? '';
  const listener = new PostgresChangeListener({
    connectionString,
    schemaKey,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 5000,
    notify: async (payload) => {
      await sql`select pg_notify(${CREDENTIAL_CHANNEL}, ${payload})`.execute(db);
    },
  });
  await listener.start();
  return {
    db,
    dialect: Number(icu?.rows[0]?.n) > 0 ? postgresIcuDialect : postgresDialect,
    ...(schema ? { schema } : {}),
    changedElsewhere: () => listener.changedElsewhere(),
    announceCredentialChange: (trx) => announceCredentialChange(trx, schemaKey),
    async ping() {
      await sql`select 1`.execute(db);
    },
    // A migration (an index built over a large table, a backfill) may rightly run for minutes, and
    // its lock wait as long as another process's migration: no statement deadline there.
    async withMigrationConnection(work) {
      const migrationDb = new Kysely<RosterDatabase>({ dialect: new KyselyPostgresDialect({ pool: new pg.Pool(poolConfig(1, undefined)) }) });
      try {
        return await work(migrationDb);
      } finally {
        await migrationDb.destroy();
      }
    },
    async close() {
      await listener.close();
      await pointReads.close();
      await db.destroy();
      await readPool?.end();
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: poolMax }),
  };
}

/**
 * A connection from `pool`, or StorageDeadlineError once `withinMs` has passed (no bound when
 * undefined). A connection that arrives after the caller gave up is given straight back.
 */
function connectWithin(pool: pg.Pool, withinMs: number | undefined): Promise<pg.PoolClient> {
  if (withinMs === undefined) return pool.connect();
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(
      () => {
        late = true;
        reject(new StorageDeadlineError("the request's read budget was spent waiting for a read connection"));
      },
      Math.max(1, Math.floor(withinMs)),
    );
    pool.connect().then(
      (client) => {
        if (late) client.release();
        else {
          clearTimeout(timer);
          resolve(client);
        }
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!late) reject(error);
      },
    );
  });
}
