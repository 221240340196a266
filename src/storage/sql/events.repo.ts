import type { Kysely } from 'kysely';
import type { EventDraft, EventRepository, StoredEvent } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import { answeredWithCommit } from './commit-pipelined.js';
import { OUTBOX_LOCK_CLASS } from './event-sequencer.js';
import { executeCompiled, rawQuery } from './raw-query.js';
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

// SQLite: one writer at a time, so numbering inside the change's transaction costs no waiting.
const RESERVE_SEQUENCE = `insert into event_sequences (tenant_id, last_seq) values (?, ?)
  on conflict (tenant_id) do update set last_seq = event_sequences.last_seq + ? returning last_seq`;
const INSERT_EVENT = 'insert into events (tenant_id, seq, id, type, occurred_ms, data) values (?, ?, ?, ?, ?, ?)';

// PostgreSQL: unnumbered, numbered once committed (event-sequencer.ts). `pos` comes from its default.
// The last parameter is OUTBOX_LOCK_CLASS: the outbox barrier is taken shared first.
// Both come last in their transaction and nothing reads their answer: they are answered with the
// commit (commit-pipelined.ts), in its round trip.
const INSERT_ONE_UNNUMBERED = answeredWithCommit(`insert into events (tenant_id, id, type, occurred_ms, data)
  select $1, $2, $3, $4::bigint, $5::jsonb from (select pg_advisory_xact_lock_shared($6, hashtext($1))) as barrier`);
const INSERT_UNNUMBERED = answeredWithCommit(`insert into events (tenant_id, id, type, occurred_ms, data)
  select $1, e ->> 'id', e ->> 'type', (e ->> 'occurredMs')::bigint, e -> 'data'
  from (select pg_advisory_xact_lock_shared($3, hashtext($1))) as barrier, jsonb_array_elements($2::jsonb) with ordinality as x(e, n)
  order by n`);

/**
 * What retention may delete: the tenant's counter row, the lowest cursor of its webhook streams
 * (dead ones included: a dead stream resumes at its cursor when replayed) and how many endpoints
 * serving the tenant have no stream for it yet.
 */
const PRUNE_BOUNDS = `select q.last_seq, q.pruned_seq,
    (select min(s.last_seq) from webhook_streams s where s.tenant_id = ?) as stream_floor,
    (select count(*) from webhook_endpoints e where (e.tenant_id = ? or e.tenant_id is null)
      and not exists (select 1 from webhook_streams s where s.endpoint_id = e.id and s.tenant_id = ?)) as unopened
  from event_sequences q where q.tenant_id = ?`;
const PRUNE_CANDIDATES = 'select seq, occurred_ms from events where tenant_id = ? and seq > ? and seq <= ? order by seq limit ?';
const PRUNE_DELETE = 'delete from events where tenant_id = ? and seq > ? and seq <= ?';
const PRUNE_MARK = 'update event_sequences set pruned_seq = ? where tenant_id = ?';

/** The outbox of one tenant. */
export class SqlEventRepository implements EventRepository {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
    /** Told that this transaction wrote events (PostgreSQL numbers them once it has committed). */
    private readonly onAppend: () => void = () => {},
    /** PostgreSQL reads outside a transaction: waits for this process's numbering runs asked for so far. */
    private readonly settled?: () => Promise<void>,
  ) {}

  async append(events: readonly EventDraft[]): Promise<void> {
    if (events.length === 0) return;
    if (this.dialect.engine === 'postgres') await this.appendUnnumbered(events);
    else await this.appendNumbered(events);
    this.onAppend();
  }

  /** Reserving the numbers locks the tenant's counter until commit: the one writer holds it anyway. */
  private async appendNumbered(events: readonly EventDraft[]): Promise<void> {
    const rows = await rawQuery<{ last_seq: number }>(this.db, 'sqlite', RESERVE_SEQUENCE, [this.tenantId, events.length, events.length]);
    const first = Number(rows[0]?.last_seq) - events.length + 1;
    if (events.length === 1) {
      const [e] = events;
      await rawQuery(this.db, 'sqlite', INSERT_EVENT, [this.tenantId, first, e!.id, e!.type, e!.occurredMs, JSON.stringify(e!.data)]);
      return;
    }
    await this.db
      .insertInto('events')
      .values(events.map((e, i) => ({ tenant_id: this.tenantId, seq: first + i, id: e.id, type: e.type, occurred_ms: e.occurredMs, data: JSON.stringify(e.data) })))
      .execute();
  }

  /** In one statement, last in the transaction, so the barrier's shared hold lasts only until commit. */
  private async appendUnnumbered(events: readonly EventDraft[]): Promise<void> {
    if (events.length === 1) {
      const [e] = events;
      await executeCompiled(this.db, 'postgres', INSERT_ONE_UNNUMBERED, [this.tenantId, e!.id, e!.type, e!.occurredMs, JSON.stringify(e!.data), OUTBOX_LOCK_CLASS]);
      return;
    }
    await executeCompiled(this.db, 'postgres', INSERT_UNNUMBERED, [this.tenantId, JSON.stringify(events), OUTBOX_LOCK_CLASS]);
  }

  async after(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    await this.settled?.();
    const rows = await this.db
      .selectFrom('events')
      .select(['tenant_id', 'seq', 'id', 'type', 'occurred_ms', 'data'])
      .where('tenant_id', '=', this.tenantId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toStoredEvent);
  }

  async prunedThrough(): Promise<number> {
    await this.settled?.();
    const row = await this.db.selectFrom('event_sequences').select('pruned_seq').where('tenant_id', '=', this.tenantId).executeTakeFirst();
    return Number(row?.pruned_seq ?? 0);
  }

  async prune(beforeMs: number, limit: number): Promise<number> {
    const [bounds] = await rawQuery<{ last_seq: number | null; pruned_seq: number | null; stream_floor: number | null; unopened: number }>(
      this.db,
      this.dialect.engine,
      PRUNE_BOUNDS,
      [this.tenantId, this.tenantId, this.tenantId, this.tenantId],
    );
    if (!bounds || bounds.last_seq === null) return 0;
    const pruned = Number(bounds.pruned_seq ?? 0);
    // An endpoint whose stream for this tenant is not open yet (a tenant newer than a deployment-wide
    // endpoint) will start it at 0: until then nothing is known to be delivered.
    if (Number(bounds.unopened) > 0) return 0;
    const ceiling = Math.min(Number(bounds.last_seq), bounds.stream_floor === null ? Infinity : Number(bounds.stream_floor));
    if (ceiling <= pruned) return 0;
    const candidates = await rawQuery<{ seq: number; occurred_ms: number }>(this.db, this.dialect.engine, PRUNE_CANDIDATES, [this.tenantId, pruned, ceiling, limit]);
    // Only the leading run of old events goes: the outbox stays one unbroken range after pruned_seq,
    // which is what lets the feed tell a cursor that missed events from one that did not.
    let through = pruned;
    for (const row of candidates) {
      if (Number(row.occurred_ms) >= beforeMs || Number(row.seq) !== through + 1) break;
      through = Number(row.seq);
    }
    if (through === pruned) return 0;
    await rawQuery(this.db, this.dialect.engine, PRUNE_DELETE, [this.tenantId, pruned, through]);
    await rawQuery(this.db, this.dialect.engine, PRUNE_MARK, [through, this.tenantId]);
    return through - pruned;
  }

  async lastSeq(): Promise<number> {
    await this.settled?.();
    const row = await this.db.selectFrom('event_sequences').select('last_seq').where('tenant_id', '=', this.tenantId).executeTakeFirst();
    return Number(row?.last_seq ?? 0);
  }
}
