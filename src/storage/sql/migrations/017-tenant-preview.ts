import type { Kysely, Migration } from 'kysely';

/**
 * A tenant's mode: `live` (the host product hears of every change) or `preview` (SCIM is served and
 * stored, but nothing reaches the host until an admin presses Go live). Every tenant that exists
 * when this runs was already serving its host, so the column defaults to `live`.
 */
export function tenantPreviewMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('tenants')
        .addColumn('mode', 'text', (col) => col.notNull().defaultTo('live'))
        .execute();
    },
  };
}
