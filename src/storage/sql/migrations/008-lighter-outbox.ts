import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../engine.js';

/**
 * Less work per event.
 *
 * - The mass-change guard counts only deactivations and deletions, so its index holds only those:
 *   the other events (nearly all of them) no longer add an entry to it when written, nor, on
 *   PostgreSQL, when numbered.
 * - PostgreSQL numbers committed events with one call of a function instead of four statements
 *   in a transaction (event-sequencer.ts). Each statement in it sees what committed before it ran
 *   (read committed), so the numbering statement, run after the counter row is locked, sees every
 *   event the previous run numbered.
 */
export function lighterOutboxMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('events_type_time').execute();
      await sql`create index events_removals on events (tenant_id, occurred_ms)
        where type in ('user.deactivated', 'user.deleted')`.execute(db);
      if (engine !== 'postgres') return;
      await sql`create function number_committed_events(tenant text) returns bigint
        language plpgsql as $body$
        declare
          last_number bigint;
          numbered_count bigint;
        begin
          select s.last_seq into last_number from event_sequences s where s.tenant_id = tenant for update;
          if not found then
            insert into event_sequences (tenant_id, last_seq) values (tenant, 0) on conflict (tenant_id) do nothing;
            select s.last_seq into last_number from event_sequences s where s.tenant_id = tenant for update;
          end if;
          with unnumbered as (
            select e.pos, min(e.pos) over (partition by e.xmin::text) as change_pos
            from events e where e.tenant_id = tenant and e.seq is null
          ), ordered as (
            select u.pos, row_number() over (order by u.change_pos, u.pos) as n from unnumbered u
          )
          update events e set seq = last_number + ordered.n from ordered
          where e.tenant_id = tenant and e.seq is null and e.pos = ordered.pos;
          get diagnostics numbered_count = row_count;
          if numbered_count > 0 then
            update event_sequences s set last_seq = last_number + numbered_count where s.tenant_id = tenant;
          end if;
          return numbered_count;
        end
        $body$`.execute(db);
    },
  };
}
