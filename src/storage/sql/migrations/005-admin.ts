import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../engine.js';

/** The admin console: admins, their sessions (hashed ids) and the sign-in throttle. */
export function adminMigration(_engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('admins')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_fold', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.references('tenants.id').onDelete('cascade'))
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_sign_in_ms', 'bigint')
        .execute();
      await db.schema
        .createTable('admin_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('admin_id', 'text', (c) => c.notNull().references('admins.id').onDelete('cascade'))
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('admin_sessions_expires').on('admin_sessions').column('expires_ms').execute();
      await db.schema
        .createTable('admin_sign_in_failures')
        .addColumn('throttle_key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('last_failure_ms', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
