import type { Kysely, Migration } from 'kysely';

/**
 * Day-2 administration: an admin can be disabled (kept, but unable to sign in), reset their
 * password through a one-time link (only a SHA-256 of the link's token is stored), and the
 * operator's actions that outlive a tenant (deleting it, renaming it, removing an admin) are kept
 * in an audit trail of their own, which, unlike `audit_log`, has no foreign key to the tenant.
 */
export function dayTwoMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('admins').addColumn('disabled_ms', 'bigint').execute();
      // Ending every session of one admin (disable, remove, password reset) finds them by admin.
      await db.schema.createIndex('admin_sessions_admin').on('admin_sessions').column('admin_id').execute();
      await db.schema
        .createTable('admin_password_resets')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('admin_id', 'text', (c) => c.notNull().references('admins.id').onDelete('cascade'))
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_ms', 'bigint', (c) => c.notNull())
        .addColumn('used_ms', 'bigint')
        .execute();
      await db.schema.createIndex('admin_password_resets_admin').on('admin_password_resets').column('admin_id').execute();
      await db.schema
        .createTable('operator_audit')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('operator_audit_time').on('operator_audit').column('at_ms').execute();
    },
  };
}
