import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../engine.js';

/** Tenants, credentials, users with their emails, groups and memberships. */
export function initialMigration(engine: Engine): Migration {
  const json = engine === 'postgres' ? sql`jsonb` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tenants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('provisioning_enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('settings', json, (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_request_ms', 'bigint')
        .addColumn('last_change_ms', 'bigint')
        .execute();

      await db.schema
        .createTable('credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_used_ms', 'bigint')
        .addColumn('revoked_ms', 'bigint')
        .execute();
      await db.schema.createIndex('credentials_tenant').on('credentials').columns(['tenant_id', 'created_ms']).execute();

      await db.schema
        .createTable('users')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('user_name_fold', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('display_name_fold', 'text')
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('data', json, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('modified_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('users_pk', ['tenant_id', 'id'])
        .addUniqueConstraint('users_user_name_unique', ['tenant_id', 'user_name_fold'])
        .execute();
      await db.schema.createIndex('users_external_id').on('users').columns(['tenant_id', 'external_id']).execute();
      await db.schema.createIndex('users_display_name').on('users').columns(['tenant_id', 'display_name_fold']).execute();
      await db.schema.createIndex('users_active').on('users').columns(['tenant_id', 'active']).execute();
      await db.schema.createIndex('users_created').on('users').columns(['tenant_id', 'created_ms']).execute();
      await db.schema.createIndex('users_modified').on('users').columns(['tenant_id', 'modified_ms']).execute();

      await db.schema
        .createTable('user_emails')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('value_fold', 'text', (c) => c.notNull())
        .addColumn('type', 'text')
        .addColumn('is_primary', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_emails_pk', ['tenant_id', 'user_id', 'position'])
        .addForeignKeyConstraint('user_emails_user', ['tenant_id', 'user_id'], 'users', ['tenant_id', 'id'], (c) => c.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('user_emails_value').on('user_emails').columns(['tenant_id', 'value_fold']).execute();

      await db.schema
        .createTable('groups')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('display_name_fold', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('data', json, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('modified_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('groups_pk', ['tenant_id', 'id'])
        .addUniqueConstraint('groups_display_name_unique', ['tenant_id', 'display_name_fold'])
        .execute();
      await db.schema.createIndex('groups_external_id').on('groups').columns(['tenant_id', 'external_id']).execute();

      await db.schema
        .createTable('group_members')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('member_id', 'text', (c) => c.notNull())
        .addColumn('member_type', 'text', (c) => c.notNull())
        // members[].display as the client set it when adding the member (immutable, RFC 7643 §2.4).
        .addColumn('display', 'text')
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pk', ['tenant_id', 'group_id', 'member_id'])
        .addForeignKeyConstraint('group_members_group', ['tenant_id', 'group_id'], 'groups', ['tenant_id', 'id'], (c) => c.onDelete('cascade'))
        .execute();
      await db.schema.createIndex('group_members_member').on('group_members').columns(['tenant_id', 'member_id']).execute();
    },
  };
}
