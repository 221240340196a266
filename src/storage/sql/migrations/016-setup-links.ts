import type { Kysely, Migration } from 'kysely';

/**
 * Setup links a host product sends to its customer's IT admin, and the narrow sessions they open.
 * Only a SHA-256 of a link's secret is kept; a setup session is keyed, like an admin's, by a hash.
 */
export function setupLinksMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('setup_links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_ms', 'bigint', (c) => c.notNull())
        .addColumn('single_use', 'integer', (c) => c.notNull())
        .addColumn('idp', 'text')
        // Product name, logo URL, accent colour and return URL as one JSON object (text on both engines).
        .addColumn('branding', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_used_ms', 'bigint')
        .addColumn('revoked_ms', 'bigint')
        .execute();
      await db.schema.createIndex('setup_links_tenant').on('setup_links').columns(['tenant_id', 'created_ms']).execute();
      await db.schema
        .createTable('setup_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('link_id', 'text', (c) => c.notNull().references('setup_links.id').onDelete('cascade'))
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('setup_sessions_link').on('setup_sessions').column('link_id').execute();
      await db.schema.createIndex('setup_sessions_expires').on('setup_sessions').column('expires_ms').execute();
    },
  };
}
