import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { EventDraft, EventRepository, StoredEvent } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import type { EventsTable, RosterDatabase } from './tables.js';
import { parseDocument } from './users.repo.js';

export function toStoredEvent(row: EventsTable): StoredEvent {
  return {
    tenantId: row.tenant_id,
    seq: Number(row.seq),
    id: row.id,
    type: row.type,
    occurredMs: Number(row.occurred_ms),
    data: parseDocument(row.data),
  };
}

/** The outbox of one tenant. */
export class SqlEventRepository implements EventRepository {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
  ) {}

  async append(events: readonly EventDraft[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    // Reserving the numbers locks the tenant's sequence row until commit: numbers follow commit
    // order and a rolled-back change leaves no gap.
    const { rows } = await sql<{ last_seq: number }>`insert into event_sequences (tenant_id, last_seq) values (${this.tenantId}, ${events.length})
      on conflict (tenant_id) do update set last_seq = event_sequences.last_seq + ${events.length}
      returning last_seq`.execute(this.db);
    const last = Number(rows[0]?.last_seq);
    const first = last - events.length + 1;
    const stored = events.map((e, i): StoredEvent => ({ ...e, tenantId: this.tenantId, seq: first + i }));
    await this.db
      .insertInto('events')
      .values(
        stored.map((e) => ({
          tenant_id: e.tenantId,
          seq: e.seq,
          id: e.id,
          type: e.type,
          occurred_ms: e.occurredMs,
          data: this.dialect.documentParam(JSON.stringify(e.data)) as RawBuilder<string>,
        })),
      )
      .execute();
    return stored;
  }

  async after(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('tenant_id', '=', this.tenantId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toStoredEvent);
  }

  async lastSeq(): Promise<number> {
    const row = await this.db.selectFrom('event_sequences').select('last_seq').where('tenant_id', '=', this.tenantId).executeTakeFirst();
    return Number(row?.last_seq ?? 0);
  }
}
