import { sql } from 'kysely';
import type { DeliveryBacklog, EndpointDelivery, OperationsStore, PoolStats, ReadWorkerStats } from '../operations-store.js';
import type { SqlDatabase } from './dialects/dialect.js';
import { pendingMigrations } from './migrations/index.js';

/** "That table does not exist" on either engine (a schema older than the code asking). */
function isMissingTable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { code?: unknown }).code === '42P01') return true;
  return error instanceof Error && /no such table/i.test(error.message);
}

/** Runs a count that may hit a table a later migration creates; undefined when it is not there. */
async function unlessMissing<T>(query: () => Promise<T>): Promise<T | undefined> {
  try {
    return await query();
  } catch (error) {
    if (isMissingTable(error)) return undefined;
    throw error;
  }
}

const n = (value: unknown): number => Number(value ?? 0);

/** Cross-tenant counts for metrics and `roster doctor`; one short statement each. */
export class SqlOperationsStore implements OperationsStore {
  constructor(private readonly database: SqlDatabase) {}

  async pendingReferences(): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*) as n from pending_references`.execute(this.database.db);
    return n(rows[0]?.n);
  }

  async deliveryBacklog(): Promise<DeliveryBacklog | undefined> {
    return unlessMissing(async () => {
      // A stream's lag is the tenant's outbox position minus the stream's cursor.
      const { rows } = await sql<{ lag: number | null; retrying: number | null; dead: number | null }>`
        select sum(case when coalesce(q.last_seq, 0) > s.last_seq then coalesce(q.last_seq, 0) - s.last_seq else 0 end) as lag,
               sum(case when s.state = 'active' and s.attempts > 0 then 1 else 0 end) as retrying,
               sum(case when s.state = 'dead' then 1 else 0 end) as dead
        from webhook_streams s left join event_sequences q on q.tenant_id = s.tenant_id`.execute(this.database.db);
      const letters = await sql<{ n: number }>`select count(*) as n from webhook_dead_letters where replayed_ms is null`.execute(this.database.db);
      return {
        undeliveredEvents: n(rows[0]?.lag),
        retryingStreams: n(rows[0]?.retrying),
        deadStreams: n(rows[0]?.dead),
        deadLetters: n(letters.rows[0]?.n),
      };
    });
  }

  async endpointDelivery(): Promise<EndpointDelivery[] | undefined> {
    return unlessMissing(async () => {
      // The head event of a stream that is behind is seq last_seq + 1 (gap-free per tenant): its
      // commit time is how long that stream has kept its receiver waiting.
      const { rows } = await sql<{ id: string; label: string; lag: number | null; oldest: number | null; retrying: number | null; dead: number | null }>`
        select e.id, e.label,
               sum(case when coalesce(q.last_seq, 0) > s.last_seq then coalesce(q.last_seq, 0) - s.last_seq else 0 end) as lag,
               min(h.occurred_ms) as oldest,
               sum(case when s.state = 'active' and s.attempts > 0 then 1 else 0 end) as retrying,
               sum(case when s.state = 'dead' then 1 else 0 end) as dead
        from webhook_endpoints e
        left join webhook_streams s on s.endpoint_id = e.id
        left join event_sequences q on q.tenant_id = s.tenant_id
        left join events h on h.tenant_id = s.tenant_id and h.seq = s.last_seq + 1 and coalesce(q.last_seq, 0) > s.last_seq
        group by e.id, e.label order by e.id`.execute(this.database.db);
      const letters = await sql<{ endpoint_id: string; n: number }>`
        select endpoint_id, count(*) as n from webhook_dead_letters where replayed_ms is null group by endpoint_id`.execute(this.database.db);
      const lettersBy = new Map(letters.rows.map((r) => [r.endpoint_id, n(r.n)]));
      return rows.map((r) => ({
        endpointId: r.id,
        label: r.label,
        undeliveredEvents: n(r.lag),
        oldestUndeliveredMs: r.oldest === null ? null : Number(r.oldest),
        retryingStreams: n(r.retrying),
        deadStreams: n(r.dead),
        deadLetters: lettersBy.get(r.id) ?? 0,
      }));
    });
  }

  async heldChanges(): Promise<number | undefined> {
    return unlessMissing(async () => {
      const { rows } = await sql<{ n: number }>`select count(*) as n from held_changes where status = 'held'`.execute(this.database.db);
      return n(rows[0]?.n);
    });
  }

  async tenantCounts(): Promise<{ enabled: number; disabled: number }> {
    const { rows } = await sql<{ enabled: number | null; disabled: number | null }>`
      select sum(case when provisioning_enabled = 1 then 1 else 0 end) as enabled,
             sum(case when provisioning_enabled = 1 then 0 else 1 end) as disabled
      from tenants`.execute(this.database.db);
    return { enabled: n(rows[0]?.enabled), disabled: n(rows[0]?.disabled) };
  }

  pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.database.db, this.database.dialect.engine, this.database.schema);
  }

  readWorkerStats(): ReadWorkerStats | undefined {
    return this.database.readWorkerStats?.();
  }

  poolStats(): PoolStats | undefined {
    return this.database.poolStats?.();
  }
}
