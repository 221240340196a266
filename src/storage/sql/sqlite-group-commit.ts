import { CompiledQuery, type Kysely } from 'kysely';
import { lendDirectExecution, type DirectExecutor } from './direct-statements.js';
import type { RosterDatabase } from './tables.js';

interface Unit {
  readonly work: (db: Kysely<RosterDatabase>) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

const statement = (text: string) => CompiledQuery.raw(text, []);
const BEGIN = statement('begin immediate');
const COMMIT = statement('commit');
const ROLLBACK = statement('rollback');
const SAVEPOINT = statement('savepoint unit');
const RELEASE = statement('release unit');
const ROLLBACK_UNIT = statement('rollback to unit');

/**
 * Group commit for SQLite's one connection. Write transactions that arrive while the connection is
 * busy are run one after another inside one SQLite transaction, each in its own savepoint, and
 * committed together: a commit writes every page it touched to the WAL, and consecutive creates
 * touch mostly the same pages (the right-hand leaves of each index), so one commit for a batch
 * costs little more than one for a single write.
 *
 * Each unit is still atomic and isolated: a unit that fails is rolled back to its savepoint and
 * rejected without touching the others; the others are only answered once their commit is
 * durable, and they are rejected if it fails. Units run strictly one after another on the one
 * connection, so none sees another's uncommitted writes while it runs, only once it has run
 * (exactly as if each had committed in turn). Readers wait for the connection as before, so they
 * never see a batch before it commits.
 */
export class SqliteGroupCommit {
  private queue: Unit[] = [];
  private draining = false;

  constructor(
    private readonly db: Kysely<RosterDatabase>,
    /** Lent to each batch's connection handle: the batch holds the connection throughout. */
    private readonly direct?: DirectExecutor,
    private readonly maxBatch = 64,
  ) {}

  /**
   * `_large` (Store.transaction's `large`) changes nothing here: SQLite has one writer, so a large
   * write holds up the others whether it is batched or not.
   */
  run<T>(work: (db: Kysely<RosterDatabase>) => Promise<T>, _large = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) {
        this.draining = true;
        // Two I/O phases later, so that requests that arrived together join one batch. One phase
        // was not enough: the clients answered by the last commit send their next write within
        // about a phase, so with 8 writers batches settled at 4 (two cohorts taking turns); with
        // two phases they hold all 8, and a commit's WAL pages are shared by twice as many writes
        // (server CPU per create 0.41–0.49 → 0.37 ms). A lone writer waits a few µs more.
        setImmediate(() => setImmediate(() => void this.drain()));
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.db.connection().execute((connection) => this.commitBatch(connection, batch));
      }
    } catch (error) {
      // Reaching here means the connection itself failed; everyone still waiting hears of it.
      for (const unit of this.queue.splice(0)) unit.reject(error);
    } finally {
      this.draining = false;
    }
  }

  private async commitBatch(connection: Kysely<RosterDatabase>, batch: readonly Unit[]): Promise<void> {
    if (this.direct) lendDirectExecution(connection, this.direct);
    try {
      await this.execute(connection, BEGIN);
    } catch (error) {
      for (const unit of batch) unit.reject(error);
      return;
    }
    const done: { unit: Unit; value: unknown }[] = [];
    for (const unit of batch) {
      await this.execute(connection, SAVEPOINT);
      try {
        const value = await unit.work(connection);
        await this.execute(connection, RELEASE);
        done.push({ unit, value });
      } catch (error) {
        if (!(await this.undoUnit(connection))) {
          // SQLite rolled the whole transaction back (disk full, I/O error…): nothing of this
          // batch is written. The units not yet run go back to the queue.
          for (const d of done) d.unit.reject(error);
          unit.reject(error);
          this.queue.unshift(...batch.slice(batch.indexOf(unit) + 1));
          return;
        }
        unit.reject(error);
      }
    }
    try {
      await this.execute(connection, COMMIT);
    } catch (error) {
      await this.execute(connection, ROLLBACK).catch(() => undefined);
      for (const d of done) d.unit.reject(error);
      return;
    }
    for (const d of done) d.unit.resolve(d.value);
  }

  private async execute(connection: Kysely<RosterDatabase>, query: CompiledQuery): Promise<void> {
    if (this.direct) this.direct(query.sql, []);
    else await connection.executeQuery(query);
  }

  /** Rolls one unit back to its savepoint; false when the transaction itself is gone. */
  private async undoUnit(connection: Kysely<RosterDatabase>): Promise<boolean> {
    try {
      await this.execute(connection, ROLLBACK_UNIT);
      await this.execute(connection, RELEASE);
      return true;
    } catch {
      await this.execute(connection, ROLLBACK).catch(() => undefined);
      return false;
    }
  }
}
