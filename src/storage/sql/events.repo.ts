import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { EventDraft, EventRepository, StoredEvent } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import { rawQuery } from './raw-query.js';
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

const RESERVE_SEQUENCE = `insert into event_sequences (tenant_id, last_seq) values (?, ?)
  on conflict (tenant_id) do update set last_seq = event_sequences.last_seq + ? returning last_seq`;
const INSERT_EVENT = 'insert into events (tenant_id, seq, id, type, occurred_ms, data) values (?, ?, ?, ?, ?, ?)';
const INSERT_EVENT_PG = INSERT_EVENT.replace('?, ?)', '?, ?::jsonb)');
const APPEND_ONE_PG = `with reserved as (insert into event_sequences (tenant_id, last_seq) values (?, 1)
    on conflict (tenant_id) do update set last_seq = event_sequences.last_seq + 1 returning tenant_id, last_seq)
  insert into events (tenant_id, seq, id, type, occurred_ms, data)
    select reserved.tenant_id, reserved.last_seq, ?, ?, ?::bigint, ?::jsonb from reserved returning seq`;

/** The outbox of one tenant. */
export class SqlEventRepository implements EventRepository {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
  ) {}

  async append(events: readonly EventDraft[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    if (events.length === 1 && this.dialect.engine === 'postgres') return this.appendOnePostgres(events[0]!);
    // Reserving the numbers locks the tenant's sequence row until commit: numbers follow commit
    // order and a rolled-back change leaves no gap.
    const rows = await rawQuery<{ last_seq: number }>(this.db, this.dialect.engine, RESERVE_SEQUENCE, [this.tenantId, events.length, events.length]);
    const last = Number(rows[0]?.last_seq);
    const first = last - events.length + 1;
    const stored = events.map((e, i): StoredEvent => ({ ...e, tenantId: this.tenantId, seq: first + i }));
    if (stored.length === 1) {
      const [e] = stored;
      await rawQuery(this.db, this.dialect.engine, this.dialect.engine === 'postgres' ? INSERT_EVENT_PG : INSERT_EVENT, [
        e!.tenantId, e!.seq, e!.id, e!.type, e!.occurredMs, JSON.stringify(e!.data),
      ]);
      return stored;
    }
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

  /**
   * One event in one round trip: the number is reserved and the row written by one statement, so
   * the tenant's sequence row stays locked for that statement and the commit only (the lock is
   * what keeps numbers in commit order, and every round trip under it is a wait for other writers).
   */
  private async appendOnePostgres(event: EventDraft): Promise<StoredEvent[]> {
    const rows = await rawQuery<{ seq: string | number }>(this.db, 'postgres', APPEND_ONE_PG, [
      this.tenantId, event.id, event.type, event.occurredMs, JSON.stringify(event.data),
    ]);
    const seq = Number(rows[0]?.seq);
    if (!Number.isSafeInteger(seq)) throw new Error('the event sequence did not return a number');
    return [{ ...event, tenantId: this.tenantId, seq }];
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
