import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../engine.js';

/**
 * The outbox: every change's events, numbered per tenant without gaps, written in the change's own
 * transaction. `event_sequences` holds each tenant's last number.
 */
export function eventsMigration(engine: Engine): Migration {
  const json = engine === 'postgres' ? sql`jsonb` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('event_sequences')
        .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
        .addColumn('last_seq', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('events')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('occurred_ms', 'bigint', (c) => c.notNull())
        .addColumn('data', json, (c) => c.notNull())
        .addPrimaryKeyConstraint('events_pk', ['tenant_id', 'seq'])
        .execute();
      // The mass-change guard counts recent deactivations and deletions by type and time.
      await db.schema.createIndex('events_type_time').on('events').columns(['tenant_id', 'type', 'occurred_ms']).execute();
    },
  };
}
