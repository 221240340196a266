import type { Kysely, Migration } from 'kysely';

/**
 * Retention of the outbox: `pruned_seq` is the last event number of the tenant that has been
 * deleted (0 while none has). Events are pruned oldest first with no holes, so the outbox always
 * holds `pruned_seq + 1 … last_seq` and a feed cursor below `pruned_seq` is known to have missed
 * events: the host is told to read a snapshot instead of being handed a silent gap.
 */
export function retentionMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('event_sequences')
        .addColumn('pruned_seq', 'bigint', (col) => col.notNull().defaultTo(0))
        .execute();
    },
  };
}
