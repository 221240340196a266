import { openPostgres } from './sql/dialects/postgres.js';
import { openSqlite } from './sql/dialects/sqlite.js';
import type { SqliteOptions } from './sql/dialects/sqlite-options.js';
import type { SqlDatabase } from './sql/dialects/dialect.js';
import { migrateToLatest } from './sql/migrations/index.js';
import { SqlStore, type SqlStoreOptions } from './sql/sql-store.js';
import type { Store } from './store.js';

/** Where the data is, and, for SQLite, how the WAL is checkpointed (SqliteOptions). */
export interface StoreOptions extends SqliteOptions, Pick<SqlStoreOptions, 'onBackgroundError'> {
  /** `postgres://…` / `postgresql://…` for PostgreSQL; a file path (or `:memory:`) for SQLite. */
  readonly databaseUrl: string;
  readonly poolSize?: number;
  /** Apply pending migrations (default true); `roster doctor` opens without, to report them. */
  readonly migrate?: boolean;
  /** PostgreSQL: the longest one statement may run (statement_timeout), 0 for no limit; migrations are exempt. */
  readonly statementTimeoutMs?: number;
  /**
   * PostgreSQL: run reads whose cost the client chooses on a read pool of their own with this
   * statement_timeout (READ_DEADLINE_MS); absent, on the serving pool.
   */
  readonly readPoolDeadlineMs?: number;
  /** PostgreSQL: connections of that read pool (DB_READ_POOL_SIZE; default 1). */
  readonly readPoolSize?: number;
  /** PostgreSQL: how often to number events no run has numbered (default 2,000 ms; see SqlStoreOptions). */
  readonly eventSweepMs?: number;
}

const DEFAULT_EVENT_SWEEP_MS = 2000;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Opens the database the URL names and applies pending migrations (unless `migrate: false`). */
export async function openStore(options: StoreOptions): Promise<Store> {
  const migrated = options.migrate !== false;
  const database: SqlDatabase = isPostgresUrl(options.databaseUrl)
    ? await openPostgres({
        url: options.databaseUrl,
        poolSize: options.poolSize ?? 10,
        ...(options.statementTimeoutMs ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
        ...(options.readPoolDeadlineMs ? { readDeadlineMs: options.readPoolDeadlineMs } : {}),
        ...(options.readPoolSize ? { readPoolSize: options.readPoolSize } : {}),
      })
    : openSqlite(options.databaseUrl.replace(/^sqlite:(\/\/)?/i, ''), options);
  try {
    if (migrated) {
      const migrate = (db: SqlDatabase['db']) => migrateToLatest(db, database.dialect.engine, database.schema);
      await (database.withMigrationConnection ? database.withMigrationConnection(migrate) : migrate(database.db));
      database.afterMigrations?.();
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  const store = new SqlStore(database, {
    // Without migrations the schema may not have the columns the sweep reads.
    eventSweepMs: migrated ? (options.eventSweepMs ?? DEFAULT_EVENT_SWEEP_MS) : 0,
    ...(options.onBackgroundError ? { onBackgroundError: options.onBackgroundError } : {}),
  });
  // PostgreSQL: a process that stopped between a commit and its numbering left events unnumbered;
  // they are numbered before this one serves anything.
  try {
    if (migrated) await store.numberPendingEvents();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
