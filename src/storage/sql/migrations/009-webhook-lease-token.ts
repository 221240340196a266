import type { Kysely, Migration } from 'kysely';

/**
 * A fencing token on each delivery stream's lease. Every claim takes the next token, and a
 * dispatcher renews the lease, moves the cursor or gives the claim up only while the token is
 * still the one it claimed with: a loop whose lease ran out and was claimed again, by another
 * process or by its own, can no longer act on the stream (docs/events.md, "Delivery guarantees").
 */
export function webhookLeaseTokenMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('webhook_streams')
        .addColumn('lease_token', 'bigint', (col) => col.notNull().defaultTo(0))
        .execute();
    },
  };
}
