import { openPostgres } from './sql/dialects/postgres.js';
import { openSqlite, type SqliteOptions } from './sql/dialects/sqlite.js';
import type { SqlDatabase } from './sql/dialects/dialect.js';
import { migrateToLatest } from './sql/migrations/index.js';
import { SqlStore } from './sql/sql-store.js';
import type { Store } from './store.js';

/** Where the data is, and, for SQLite, how the WAL is checkpointed (SqliteOptions). */
export interface StoreOptions extends SqliteOptions {
  /** `postgres://…` / `postgresql://…` for PostgreSQL; a file path (or `:memory:`) for SQLite. */
  readonly databaseUrl: string;
  readonly poolSize?: number;
  /** Apply pending migrations (default true); `roster doctor` opens without, to report them. */
  readonly migrate?: boolean;
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
