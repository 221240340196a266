import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../engine.js';

/**
 * `write_probe`: one row that /readyz rewrites while the database is out of space, to learn when
 * it can write again (SqlStore.canWrite), on both engines.
 *
 * `rate_windows`: rate-limit counters shared by every node on one PostgreSQL (rate-windows.repo.ts): one row per
 * key with this fixed window's count and the previous one's. UNLOGGED: a counter lost in a crash
 * costs nothing worth the WAL each request would write. SQLite runs as one process and counts in
 * memory, so it has no such table.
 */
export function rateWindowsAndWriteProbeMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('write_probe')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('filler', 'text', (c) => c.notNull())
        .addColumn('written_ms', 'bigint', (c) => c.notNull())
        .execute();
      if (engine !== 'postgres') return;
      await sql`
        create unlogged table rate_windows (
          rate_key text primary key,
          window_ms bigint not null,
          limit_count integer not null,
          window_start_ms bigint not null,
          current_count integer not null,
          previous_count integer not null,
          last_ms bigint not null,
          allowed boolean not null
        )`.execute(db);
      await sql`create index rate_windows_last on rate_windows (last_ms)`.execute(db);
    },
  };
}
