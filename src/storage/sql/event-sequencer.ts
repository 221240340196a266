import { sql, type Kysely } from 'kysely';
import { executeCompiled } from './raw-query.js';
import type { RosterDatabase } from './tables.js';

/**
 * How PostgreSQL numbers each tenant's events 1, 2, 3… without gaps, in commit order, while the
 * tenant's changes commit side by side.
 *
 * Numbering inside a change's transaction would have to lock the tenant's counter until that
 * transaction commits, so one tenant's changes would commit one at a time, each waiting for the
 * previous one's WAL flush. Instead a change writes its events unnumbered (`seq is null`, invisible
 * to every reader) and, once it has committed, asks the sequencer to number the tenant's committed
 * unnumbered events. One short transaction numbers all that have arrived since the last run, so
 * under load one run serves many changes.
 *
 * Order: a run numbers what it sees by `pos`, the position each event got when its change wrote it,
 * and keeps each change's events together. A change that saw another's result was written after
 * that one committed, so it comes later whether the two are numbered in one run or in two.
 *
 * Gaps: only committed events are numbered, all of a run's or none (it is one transaction), under
 * the tenant's counter row lock, which keeps two runs (of this process or another) apart.
 */

/**
 * Advisory-lock class of the barrier a snapshot puts between a tenant's writes and its reads, the
 * key within it being `hashtext(tenant id)`. A change's event insert takes it shared first (released
 * at commit): writers never wait for each other on it. A snapshot takes it exclusively to let the
 * changes in flight finish and hold new ones back while it numbers and opens its view
 * (`withOutboxClosed`).
 */
export const OUTBOX_LOCK_CLASS = 0x526f73;

/**
 * Numbers the tenant's committed unnumbered events in one transaction and answers how many: one
 * call of `number_committed_events` (migration 008), which locks the tenant's counter row and then
 * numbers what it sees, so it sees every event the previous run numbered.
 */
export async function numberCommittedEvents(db: Kysely<RosterDatabase>, tenantId: string): Promise<number> {
  const [row] = await executeCompiled<{ numbered: string | number }>(db, 'postgres', NUMBER_COMMITTED_EVENTS, [tenantId]);
  return Number(row?.numbered ?? 0);
}

const NUMBER_COMMITTED_EVENTS = 'select number_committed_events($1) as numbered';

/**
 * Runs `work` on one connection while no change of the tenant can write events: takes the barrier
 * exclusively (waiting for the changes that hold it to commit), numbers what they wrote, and lets
 * `work` open its view; changes go on once `work` calls `release`. Session-level, so it is released
 * by hand, and again whatever happens, before the connection goes back to the pool.
 */
export async function withOutboxClosed<T>(
  db: Kysely<RosterDatabase>,
  tenantId: string,
  /** `release` runs on what it is given: the connection, or a transaction open on it. */
  work: (connection: Kysely<RosterDatabase>, release: (on: Kysely<RosterDatabase>) => Promise<void>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${OUTBOX_LOCK_CLASS}, hashtext(${tenantId}))`.execute(connection);
    let held = true;
    const release = async (on: Kysely<RosterDatabase>) => {
      if (!held) return;
      held = false;
      await sql`select pg_advisory_unlock(${OUTBOX_LOCK_CLASS}, hashtext(${tenantId}))`.execute(on);
    };
    try {
      await numberCommittedEvents(connection, tenantId);
      return await work(connection, release);
    } finally {
      if (held) await release(connection);
    }
  });
}

/**
 * Numbers each tenant's events as its changes commit, at most one run per tenant at a time in this
 * process: whoever asks while a run is going is served by the next one, which serves them all. A
 * sweep finds what no run numbered (a process that stopped between a commit and its run, or a run
 * that failed) and numbers it.
 */
export class EventSequencer {
  private readonly tenants = new Map<string, TenantRuns>();
  private readonly draining = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<RosterDatabase>,
    /** Where a failed run is reported; its events stay unnumbered until a later run or the sweep. */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Asks for a run; resolves once a run that started after this call has finished, well or not. */
  number(tenantId: string): Promise<void> {
    const state = this.tenants.get(tenantId);
    if (state) return (state.queued ??= deferred()).promise;
    const first = deferred();
    const fresh: TenantRuns = { current: undefined, queued: first };
    this.tenants.set(tenantId, fresh);
    // The first run starts at once (drain takes `queued` before its first wait).
    const drained = this.drain(tenantId, fresh);
    this.draining.add(drained);
    void drained.finally(() => this.draining.delete(drained));
    return first.promise;
  }

  /**
   * Resolves once every run asked for in this process so far has finished, so a read that follows
   * finds numbered every event this process has committed.
   */
  settled(tenantId: string): Promise<void> {
    const state = this.tenants.get(tenantId);
    return (state?.queued ?? state?.current)?.promise ?? Promise.resolve();
  }

  /** Numbers every tenant that has committed unnumbered events. */
  async sweep(): Promise<void> {
    const { rows } = await sql<{ tenant_id: string }>`select distinct tenant_id from events where seq is null`.execute(this.db);
    await Promise.all(rows.map((row) => this.number(row.tenant_id)));
  }

  /** Sweeps every `intervalMs` until `close`. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => (this.sweeping = this.sweep().catch(this.onError)), intervalMs);
    this.timer.unref();
  }

  /** Stops the sweep and waits for the runs under way and asked for. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await Promise.all([...this.draining]);
  }

  /** One run after another while runs are asked for; each serves everyone who asked before it began. */
  private async drain(tenantId: string, state: TenantRuns): Promise<void> {
    while (state.queued) {
      state.current = state.queued;
      state.queued = undefined;
      try {
        await numberCommittedEvents(this.db, tenantId);
      } catch (error) {
        this.onError(error);
      }
      state.current.resolve();
    }
    this.tenants.delete(tenantId);
  }
}

interface TenantRuns {
  /** The run under way: resolved when it has finished. */
  current: Deferred | undefined;
  /** The next run, asked for while one was under way. */
  queued: Deferred | undefined;
}

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
