import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect as KyselySqliteDialect, sql, type RawBuilder } from 'kysely';
import { startBackgroundCheckpoints } from './sqlite-checkpoints.js';
import type { SqliteOptions } from './sqlite-options.js';
import { foldText } from '../../fold.js';
import type { RosterDatabase } from '../tables.js';
import { directBatchWhenIdle, directReadsWhenIdle, lendDirectBatch, lendDirectExecution, type DirectExecutor } from '../direct-statements.js';
import { lendReadOffload } from '../offloaded-reads.js';
import { SqliteReadWorkers } from './sqlite-read-workers.js';
import type { SqlDatabase, SqlDialect } from './dialect.js';
import { assumePlannerStatistics } from './sqlite-planner-statistics.js';
import { noteStatement } from '../statement-count.js';

/** A JSON path such as `$."name"."givenName"` — every key quoted, so URN keys with colons work. */
function jsonPath(path: readonly string[]): string {
  return `$${path.map((key) => `.${JSON.stringify(key)}`).join('')}`;
}

/** Length in characters as SQL counts them (code points), not UTF-16 units. */
function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export const sqliteDialect: SqlDialect = {
  engine: 'sqlite',
  jsonText: (doc, path) => sql<string | null>`json_extract(${doc}, ${jsonPath(path)})`,
  jsonBoolean: (doc, path) => sql<number | null>`json_extract(${doc}, ${jsonPath(path)})`,
  jsonNumber: (doc, path) => sql<number | null>`json_extract(${doc}, ${jsonPath(path)})`,
  jsonArrayElements: (doc, path, alias) => sql`json_each(${doc}, ${jsonPath(path)}) as ${sql.raw(alias)}`,
  jsonElement: (alias) => sql`${sql.raw(alias)}.value`,
  fold: (expression) => sql<string>`roster_fold(${expression})`,
  inList: (expression, values) => sql<boolean>`${expression} in (select value from json_each(${JSON.stringify(values)}))`,
  valuesTable: (values, alias) => sql`(select value from json_each(${JSON.stringify(values)})) as ${sql.raw(alias)}`,
  rowsTable: (columns, rows, alias) => {
    // Each row is a JSON array; json_extract of a JSON null gives SQL NULL. The paths are bound
    // parameters too: only identifiers from code are written into the text.
    const select = columns.map((name, i) => sql`json_extract(value, ${`$[${i}]`}) as ${sql.ref(name)}`);
    return sql`(select ${sql.join(select)} from json_each(${JSON.stringify(rows)})) as ${sql.raw(alias)}`;
  },
  documentParam: (json) => sql`${json}`,
  contains: (haystack, needle) => sql<boolean>`instr(${haystack}, ${needle}) > 0`,
  // substr counts characters (code points); a JS string's length counts UTF-16 units (😀 is two).
  startsWith: (haystack, prefix) => sql<boolean>`substr(${haystack}, 1, ${codePoints(prefix)}) = ${prefix}`,
  endsWith: (haystack, suffix) => (suffix.length === 0 ? sql<boolean>`1` : sql<boolean>`substr(${haystack}, ${-codePoints(suffix)}) = ${suffix}`),
  jsonArrayOfIdAndName: (id, displayName, orderBy) => sql`json_group_array(json_object('id', ${id}, 'displayName', ${displayName}) order by ${orderBy})`,
  correlated: (subquery, name) => ({ column: sql`(${subquery}) as ${sql.ref(name)}`, join: sql`` }),
  // A bare `limit ?` costs a point lookup about 15 µs more than `limit cast(? as integer)` (SQLite
  // 3.53: measured 27 → 12 µs per row-or-none lookup, and 10–20% less on 100-row pages); the
  // cast keeps the value a parameter, so the statement is still prepared once.
  limitOffset: (limit, offset) => sql`limit cast(${limit} as integer) offset cast(${offset} as integer)`,
};

/**
 * Kysely prepares every statement anew; caching prepared statements by SQL text keeps point
 * lookups close to the raw driver (the statement text is stable because arrays are one parameter).
 */
function statementCache(database: Database.Database, capacity = 512): (sqlText: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sqlText) => {
    let statement = cache.get(sqlText);
    if (!statement) {
      statement = database.prepare(sqlText);
      if (cache.size >= capacity) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(sqlText, statement);
    }
    return statement;
  };
}

export type { SqliteOptions } from './sqlite-options.js';

/** The settings of every Roster connection to a SQLite file: WAL, synchronous=NORMAL, foreign keys, a busy timeout. */
export function applyConnectionSettings(database: Database.Database, busyTimeoutMs = 5000): void {
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${busyTimeoutMs}`);
}

/** Opens (creating if needed) a SQLite file, or `:memory:`. */
export function openSqlite(file: string, options: SqliteOptions = {}): SqlDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file);
  applyConnectionSettings(database);
  database.function('roster_fold', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? foldText(value) : value));
  const cached = statementCache(database);
  // Every statement, through the query builder or run directly, is prepared here once per run.
  const prepare = (text: string): Database.Statement => {
    noteStatement(text);
    return cached(text);
  };
  const db = new Kysely<RosterDatabase>({
    dialect: new KyselySqliteDialect({ database: { close: () => database.close(), prepare } }),
  });
  // As Kysely's SQLite driver runs a statement: rows when it returns any, else just run it.
  const execute: DirectExecutor = (text, parameters) => {
    const statement = prepare(text);
    if (statement.reader) return statement.all(...parameters);
    statement.run(...parameters);
    return [];
  };
  lendDirectExecution(
    db,
    directReadsWhenIdle(() => database.inTransaction, execute),
  );
  lendDirectBatch(
    db,
    directBatchWhenIdle(
      () => database.inTransaction,
      prepare,
      (work) => database.transaction(work)(),
    ),
  );
  const readWorkers =
    options.readWorkers && file !== ':memory:' ? new SqliteReadWorkers(file, { workers: options.readWorkers, deadlineMs: options.readDeadlineMs ?? 0 }) : undefined;
  if (readWorkers) lendReadOffload(db, (text, parameters) => readWorkers.run(text, parameters));
  const checkpoints = options.checkpointInBackground && file !== ':memory:' ? startBackgroundCheckpoints(file, database, options.onCheckpointError) : undefined;
  // PRAGMA data_version changes when another connection commits to the file (never for our own).
  const dataVersion = database.prepare('pragma data_version').pluck();
  let seenVersion: unknown = dataVersion.get();
  // Asked once per turn of the event loop: the pragma was about a twelfth of a lookup's CPU when
  // every request asked it. The requests of one turn were read from their sockets together, so a
  // commit by another process (the CLI revoking a token) is seen by every request that the next
  // turn reads: at most one turn later than asking on every request would see it.
  let askedThisTurn = false;
  const newTurn = () => {
    askedThisTurn = false;
  };
  return {
    db,
    dialect: sqliteDialect,
    afterMigrations: () => assumePlannerStatistics(database),
    directExecutor: execute,
    changedElsewhere() {
      if (askedThisTurn) return false;
      askedThisTurn = true;
      setImmediate(newTurn);
      const version: unknown = dataVersion.get();
      if (version === seenVersion) return false;
      seenVersion = version;
      return true;
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      // The worker's connection goes first: the last connection to close checkpoints everything
      // and removes the WAL.
      await readWorkers?.stop();
      await checkpoints?.stop();
      await db.destroy();
    },
    ...(readWorkers ? { readWorkerStats: () => readWorkers.stats } : {}),
    ...(checkpoints ? { backgroundCheckpoints: checkpoints } : {}),
  };
}

export type { RawBuilder };
