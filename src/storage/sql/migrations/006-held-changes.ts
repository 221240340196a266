import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../engine.js';

/** Changes the mass-change guard holds for an admin to approve or discard. */
export function heldChangesMigration(engine: Engine): Migration {
  const json = engine === 'postgres' ? sql`jsonb` : sql`text`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('held_changes')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('base_version', 'integer', (c) => c.notNull())
        .addColumn('payload', json, (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('decided_ms', 'bigint')
        .addPrimaryKeyConstraint('held_changes_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema.createIndex('held_changes_status').on('held_changes').columns(['tenant_id', 'status', 'created_ms']).execute();
    },
  };
}
