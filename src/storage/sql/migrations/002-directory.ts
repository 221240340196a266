import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../engine.js';

/**
 * The directory model: where a profile came from, manager links, incomplete profiles, attribute
 * folders, references waiting for their target, the provisioning log and the deletion audit.
 */
export function directoryMigration(engine: Engine): Migration {
  const json = engine === 'postgres' ? sql`jsonb` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('users')
        .addColumn('source', 'text', (c) => c.notNull().defaultTo('scim'))
        .execute();
      await db.schema.alterTable('users').addColumn('employee_number', 'text').execute();
      await db.schema.alterTable('users').addColumn('manager_id', 'text').execute();
      await db.schema
        .alterTable('users')
        .addColumn('missing', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.createIndex('users_employee_number').on('users').columns(['tenant_id', 'employee_number']).execute();
      await db.schema.createIndex('users_manager').on('users').columns(['tenant_id', 'manager_id']).execute();
      await db.schema.createIndex('users_missing').on('users').columns(['tenant_id', 'missing']).execute();

      await db.schema
        .createTable('folders')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('value_fold', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('folders_pk', ['tenant_id', 'id'])
        .addUniqueConstraint('folders_value_unique', ['tenant_id', 'kind', 'value_fold'])
        .execute();
      await db.schema
        .createTable('folder_members')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('folder_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('folder_members_pk', ['tenant_id', 'folder_id', 'user_id'])
        .addForeignKeyConstraint('folder_members_folder', ['tenant_id', 'folder_id'], 'folders', ['tenant_id', 'id'], (c) => c.onDelete('cascade'))
        .addForeignKeyConstraint('folder_members_user', ['tenant_id', 'user_id'], 'users', ['tenant_id', 'id'], (c) => c.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('folder_members_user').on('folder_members').columns(['tenant_id', 'user_id']).execute();

      await db.schema
        .createTable('pending_references')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('reference_fold', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('pending_references_pk', ['tenant_id', 'kind', 'subject_id', 'reference_fold'])
        .execute();
      await db.schema.createIndex('pending_references_reference').on('pending_references').columns(['tenant_id', 'reference_fold']).execute();

      await db.schema
        .createTable('request_log')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('client', 'text')
        .addColumn('credential_id', 'text')
        .addColumn('resource_type', 'text')
        .addColumn('resource_id', 'text')
        .addColumn('changed', 'integer', (c) => c.notNull())
        .addColumn('notes', json, (c) => c.notNull())
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('request_log_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema.createIndex('request_log_time').on('request_log').columns(['tenant_id', 'at_ms']).execute();
      await db.schema.createIndex('request_log_resource').on('request_log').columns(['tenant_id', 'resource_id']).execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_log_pk', ['tenant_id', 'id'])
        .execute();
    },
  };
}
