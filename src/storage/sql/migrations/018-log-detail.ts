import type { Kysely, Migration } from 'kysely';

/**
 * The provisioning log's detail and filters. Each entry keeps its event type, its request and
 * response bodies (secrets redacted, cut at 16 KB) and `search_text`, the lower-cased words a
 * search matches (path, ignored attribute names, normaliser names), written once with the entry so
 * a search reads one column instead of taking the notes apart.
 *
 * Indexes end in `id` (time-ordered, uuidv7), so each filter walks its own entries newest first and
 * a time range is a bound on that last column: `request_log_event` for the event type,
 * `request_log_resource_id` for one person or group (it replaces `request_log_resource`, whose rows
 * were not in id order). Entries written before this migration have no event and no bodies.
 */
export function logDetailMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const column of ['event', 'request_body', 'response_body', 'search_text']) {
        await db.schema.alterTable('request_log').addColumn(column, 'text').execute();
      }
      await db.schema.createIndex('request_log_event').on('request_log').columns(['tenant_id', 'event', 'id']).execute();
      await db.schema.createIndex('request_log_resource_id').on('request_log').columns(['tenant_id', 'resource_id', 'id']).execute();
      await db.schema.dropIndex('request_log_resource').execute();
    },
  };
}
