import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../engine.js';

/**
 * PostgreSQL numbers a tenant's events after their change commits (event-sequencer.ts) instead of
 * inside it: a change's transaction writes its events with no number, in the order `pos` gives,
 * and the sequencer numbers every committed unnumbered event of the tenant at once. Until then no
 * reader sees them (`seq is null`). The partial index holds only the unnumbered events, so
 * finding them costs nothing however large the outbox grows.
 *
 * SQLite has one writer at a time and keeps numbering inside the change's transaction: nothing
 * changes there.
 */
export function eventsNumberedAfterCommitMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (engine !== 'postgres') return;
      await sql`create sequence events_pos_seq`.execute(db);
      await sql`alter table events add column pos bigint default nextval('events_pos_seq')`.execute(db);
      await sql`alter sequence events_pos_seq owned by events.pos`.execute(db);
      await sql`alter table events drop constraint events_pk`.execute(db);
      await sql`alter table events alter column seq drop not null`.execute(db);
      await sql`create unique index events_tenant_seq on events (tenant_id, seq)`.execute(db);
      await sql`create index events_unnumbered on events (tenant_id, pos) where seq is null`.execute(db);
    },
  };
}
