import { openPostgres } from './sql/dialects/postgres.js';
import { openSqlite } from './sql/dialects/sqlite.js';
import type { SqlDatabase } from './sql/dialects/dialect.js';
import { migrateToLatest } from './sql/migrations/index.js';
import { SqlStore } from './sql/sql-store.js';
import type { Store } from './store.js';

export interface StoreOptions {
  /** `postgres://…` / `postgresql://…` for PostgreSQL; a file path (or `:memory:`) for SQLite. */
  readonly databaseUrl: string;
  readonly poolSize?: number;
  /** Apply pending migrations (default true); `roster doctor` opens without, to report them. */
  readonly migrate?: boolean;
  /** SQLite: checkpoint the WAL in a worker thread (the server; short CLI commands need not). */
  readonly checkpointInBackground?: boolean;
  /** SQLite: told when that worker fails. */
  readonly onCheckpointError?: (error: unknown) => void;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Opens the database the URL names and applies pending migrations (unless `migrate: false`). */
export async function openStore(options: StoreOptions): Promise<Store> {
  const database: SqlDatabase = isPostgresUrl(options.databaseUrl)
    ? await openPostgres({ url: options.databaseUrl, poolSize: options.poolSize ?? 10 })
    : openSqlite(options.databaseUrl.replace(/^sqlite:(\/\/)?/i, ''), options);
  try {
    if (options.migrate !== false) {
      await migrateToLatest(database.db, database.dialect.engine, database.schema);
      database.afterMigrations?.();
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  return new SqlStore(database);
}
