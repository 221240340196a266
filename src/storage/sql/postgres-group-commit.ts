import { CompiledQuery, type Kysely } from 'kysely';
import { sentAhead } from './commit-pipelined.js';
import { isEarlierFailure, RolledBackAtCommitError } from './dialects/postgres-pipeline.js';
import { StorageUnavailableError } from '../store.js';
import { classifyStorageError } from './sql-errors.js';
import type { RosterDatabase } from './tables.js';

interface Unit {
  readonly work: (db: Kysely<RosterDatabase>) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

const statement = (text: string) => CompiledQuery.raw(text, []);
const BEGIN = statement('begin');
const COMMIT = statement('commit');
const ROLLBACK = statement('rollback');
// Sent ahead on the pipelined connection (postgres-pipeline.ts): each travels with the statement
// after it, so a unit's savepoint and release cost no round trip of their own. A unit is one round
// trip per statement it awaits: its predecessor's event insert and release, its own savepoint and
// its first statement leave in one write.
const SAVEPOINT = statement(sentAhead('savepoint unit'));
const LOCK_TIMEOUT_MS = 100;
const LOCK_TIMEOUT = statement(sentAhead(`set local lock_timeout = ${LOCK_TIMEOUT_MS}`));
const RELEASE = statement(sentAhead('release savepoint unit'));
const ROLLBACK_UNIT = statement('rollback to savepoint unit');

/** lock_not_available (the batch's lock timeout) and deadlock_detected. */
const LOCK_WAIT_CODES = new Set(['55P03', '40P01']);
const lostALockWait = (error: unknown): boolean => LOCK_WAIT_CODES.has(String((error as { code?: unknown } | null)?.code));
/**
 * PostgreSQL refused a statement, and so answered: a COMMIT after it was answered ROLLBACK. A
 * failure that means the database was not there (classifyStorageError: no SQLSTATE, a connection
 * exception, a shutdown) may have taken a COMMIT that was carried out with it.
 */
const refusedByPostgres = (error: unknown): boolean => {
  if (error instanceof RolledBackAtCommitError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !(classifyStorageError(error) instanceof StorageUnavailableError);
};

/**
 * Group commit for PostgreSQL. Write transactions that arrive together run one after another in one
 * transaction on one connection, each in its own savepoint, and commit together: one commit (one
 * WAL flush, one wake-up of the backend and of this process) for the batch instead of one each.
 *
 * Each unit stays atomic: a unit that fails is rolled back to its savepoint and rejected without
 * touching the others, and the others are answered only once their commit is durable (rejected if
 * it fails). Units of one batch run strictly one after another, so none sees another's uncommitted
 * writes while it runs, only once it has run (as if each had committed in turn); no one outside
 * the batch sees any of it before the commit.
 *
 * Up to `lanes` batches run at once, each on its own connection. A unit's locks are held until its
 * batch commits, longer than its own transaction would hold them, so two batches can wait on each
 * other where the units alone would only have waited in turn (a deadlock PostgreSQL would break
 * after a second, failing a statement). Batches therefore wait at most LOCK_TIMEOUT_MS for a lock:
 * a unit that does not get one in time (or loses a deadlock) is rolled back to its savepoint and
 * run again on its own, in a transaction of its own without that limit, once its batch has
 * committed. It then waits for its lock as it would have without group commit.
 *
 * A batch lost as a whole before its commit (a broken connection, or a failure that cannot be
 * placed: a unit's event insert and release are answered only with what follows them, so their
 * failure shows in the next unit's statement or at COMMIT) has written nothing and answered no
 * one: each of its units runs again alone and gets its own verdict. Only a COMMIT whose outcome is
 * unknown (the connection broke while committing) answers them all with the failure.
 *
 * A batch of one is a transaction of its own, exactly as without group commit.
 */
export class PostgresGroupCommit {
  private queue: Unit[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly db: Kysely<RosterDatabase>,
    /**
     * Batches at once: one runs its statements while the other commits, and a slow transaction
     * holds up only its own batch. With 8 clients creating people, one lane measured the same rate
     * as two (docs/performance.md); the earlier designs measured three and four lanes slower.
     */
    private readonly lanes = 2,
    private readonly maxBatch = 32,
  ) {}

  /** `large`: a write whose cost follows its input (Store.transaction's `large`) runs alone, never batched. */
  run<T>(work: (db: Kysely<RosterDatabase>) => Promise<T>, large = false): Promise<T> {
    if (large) return this.alone(work);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.lanes || this.queue.length === 0) return;
    this.scheduled = true;
    // Two I/O phases later, so that requests that arrived together join one batch (as SQLite's
    // group commit does: with one phase, writers answered by the same commit split into cohorts).
    setImmediate(() =>
      setImmediate(() => {
        this.scheduled = false;
        this.startLane();
      }),
    );
  }

  private startLane(): void {
    if (this.running >= this.lanes || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.running++;
    const ran = batch.length === 1 ? this.runAlone(batch[0]!) : this.db.connection().execute((connection) => this.commitBatch(connection, batch));
    void ran
      .catch((error: unknown) => {
        // The connection could not be had (pool timeout, PostgreSQL down): the batch never began.
        for (const unit of batch) unit.reject(error);
      })
      .finally(() => {
        this.running--;
        this.schedule();
      });
    // A second lane may start at once on what is still queued.
    this.schedule();
  }

  /** `work` in a transaction of its own, outside any batch, so that no batched write waits for it. */
  private alone<T>(work: (db: Kysely<RosterDatabase>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** A unit in a transaction of its own, as without group commit. */
  private async runAlone(unit: Unit): Promise<void> {
    try {
      unit.resolve(await this.alone(unit.work));
    } catch (error) {
      unit.reject(error);
    }
  }

  private async commitBatch(connection: Kysely<RosterDatabase>, batch: readonly Unit[]): Promise<void> {
    await connection.executeQuery(BEGIN);
    await connection.executeQuery(LOCK_TIMEOUT);
    /** Ran to the end; answered once the commit is durable. */
    const done: { unit: Unit; value: unknown }[] = [];
    /** Lost a lock wait; run again alone after the commit. */
    const again: Unit[] = [];
    for (const [index, unit] of batch.entries()) {
      let value: unknown;
      try {
        await connection.executeQuery(SAVEPOINT);
        value = await unit.work(connection);
        await connection.executeQuery(RELEASE);
      } catch (error) {
        // Its own failure, unless a statement sent before it (its predecessor's event insert or
        // release, still unanswered when it began) failed: then the transaction is lost, and no
        // one can tell whose write failed.
        const undone = !isEarlierFailure(error) && (await this.undoUnit(connection));
        if (!undone) {
          // Nothing of this batch is written. Each unit runs again alone and gets its own verdict;
          // none was answered yet.
          await connection.executeQuery(ROLLBACK).catch(() => undefined);
          this.eachAlone([...done.map((d) => d.unit), ...again, unit, ...batch.slice(index + 1)]);
          return;
        }
        if (lostALockWait(error)) again.push(unit);
        else unit.reject(error);
        continue;
      }
      done.push({ unit, value });
    }
    try {
      await connection.executeQuery(COMMIT);
    } catch (error) {
      if (isEarlierFailure(error) && refusedByPostgres(error)) {
        // PostgreSQL refused the last unit's event insert or release and so rolled the batch back
        // at COMMIT: nothing is written, so each runs again alone.
        this.eachAlone([...done.map((d) => d.unit), ...again]);
        return;
      }
      // The commit itself failed, or the connection broke while committing: whether the batch was
      // written is not known here, so everyone hears of the failure, as without group commit.
      await connection.executeQuery(ROLLBACK).catch(() => undefined);
      for (const d of done) d.unit.reject(error);
      for (const unit of again) unit.reject(error);
      return;
    }
    for (const d of done) d.unit.resolve(d.value);
    this.eachAlone(again);
  }

  /** Not awaited: the lane is free for the next batch while these run (and wait for their locks). */
  private eachAlone(units: readonly Unit[]): void {
    for (const unit of units) void this.runAlone(unit);
  }

  /** Rolls one unit back to its savepoint; false when the transaction itself is gone. */
  private async undoUnit(connection: Kysely<RosterDatabase>): Promise<boolean> {
    try {
      await connection.executeQuery(ROLLBACK_UNIT);
      await connection.executeQuery(RELEASE);
      return true;
    } catch {
      return false;
    }
  }
}
