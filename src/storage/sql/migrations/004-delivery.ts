import type { Kysely, Migration } from 'kysely';
import type { Engine } from '../engine.js';

/**
 * Delivery after the outbox: webhook endpoints (secrets stored recoverably, to sign with), one
 * stream per endpoint and tenant holding the cursor and the head event's retry state and lease,
 * dead letters, and host API keys (hashes only).
 */
export function deliveryMigration(_engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.references('tenants.id').onDelete('cascade'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('previous_secret', 'text')
        .addColumn('previous_secret_until_ms', 'bigint')
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_endpoints_tenant').on('webhook_endpoints').column('tenant_id').execute();

      await db.schema
        .createTable('webhook_streams')
        .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('first_failure_ms', 'bigint')
        .addColumn('next_attempt_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('delivered_ms', 'bigint')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until_ms', 'bigint')
        .addPrimaryKeyConstraint('webhook_streams_pk', ['endpoint_id', 'tenant_id'])
        .execute();
      await db.schema.createIndex('webhook_streams_due').on('webhook_streams').columns(['state', 'next_attempt_ms']).execute();
      await db.schema.createIndex('webhook_streams_tenant').on('webhook_streams').column('tenant_id').execute();

      await db.schema
        .createTable('webhook_dead_letters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('first_failure_ms', 'bigint', (c) => c.notNull())
        .addColumn('dead_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('replayed_ms', 'bigint')
        .execute();
      await db.schema.createIndex('webhook_dead_letters_tenant').on('webhook_dead_letters').columns(['tenant_id', 'dead_ms']).execute();

      await db.schema
        .createTable('host_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.references('tenants.id').onDelete('cascade'))
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_used_ms', 'bigint')
        .addColumn('revoked_ms', 'bigint')
        .execute();
    },
  };
}
