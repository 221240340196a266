import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import {
  StorageFullError,
  type AuditEntry,
  type EventDraft,
  type RequestLogEntry,
  type Savepoint,
  type ScopedRepositories,
  type Store,
  type TenantScope,
  type TransactionOptions,
} from '../store.js';
import { appendRequestLog, SqlRequestLogRepository } from './request-log.repo.js';
import { SqlHeldChangeRepository } from './held-changes.repo.js';
import { SqlAuditRepository } from './audit.repo.js';
import { SqlDuplicateRepository } from './duplicates.repo.js';
import { sqlAdminStore } from './admin.repo.js';
import { SqlSetupLinkRepository } from './setup-links.repo.js';
import { SqlCredentialRepository } from './credentials.repo.js';
import { SqlTenantRepository } from './tenants.repo.js';
import { CacheClearingTenantRepository, CachedCredentialRepository, CredentialCache } from './credential-cache.js';
import { SqlDeliveryStore } from './delivery.repo.js';
import { EventSequencer, withOutboxClosed } from './event-sequencer.js';
import { SqlEventRepository } from './events.repo.js';
import { clearPreviewOutboxIn, goLiveIn } from './preview-outbox.js';
import { SqlFolderRepository } from './folders.repo.js';
import { SqlOperationsStore } from './operations.repo.js';
import { SqlPortabilityRepository } from './portability.repo.js';
import { SqlPendingReferenceRepository } from './pending.repo.js';
import type { SqlDatabase, SqlDialect } from './dialects/dialect.js';
import { SqlGroupRepository } from './groups.repo.js';
import { PostgresGroupCommit } from './postgres-group-commit.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';
import { classifyStorageError } from './sql-errors.js';
import type { RosterDatabase } from './tables.js';
import { SqlUserRepository } from './users.repo.js';
import { uncounted } from './statement-count.js';
import { InProcessRateCounters, type RateCounters } from '../rate-counters.js';
import { SqlRateCounters } from './rate-windows.repo.js';

export interface SqlStoreOptions {
  /**
   * PostgreSQL: how often to look for committed events no run has numbered (a process stopped
   * between a commit and its numbering); 0 turns the sweep off (a store opened without migrating).
   */
  readonly eventSweepMs?: number;
  /** Where failures of background work are reported (the storage layer has no logger of its own). */
  readonly onBackgroundError?: (error: unknown) => void;
}

/** How much the out-of-space probe writes (canWrite). */
const PROBE_BYTES = 128 * 1024;

/** The one SQL implementation of the storage contract, for SQLite and PostgreSQL alike. */
export class SqlStore implements Store {
  readonly engine;
  readonly tenants;
  readonly credentials;
  readonly delivery;
  readonly admin;
  readonly operations;
  readonly rateCounters: RateCounters;
  /** Writes that arrive together share commits (sqlite-group-commit.ts, postgres-group-commit.ts). */
  private readonly groupCommit: SqliteGroupCommit | PostgresGroupCommit;
  /** PostgreSQL numbers events once their change has committed (event-sequencer.ts); SQLite within it. */
  private readonly sequencer: EventSequencer | undefined;
  private readonly eventListeners = new Set<(tenantId: string) => void>();
  private readonly reportBackgroundError: (error: unknown) => void;
  /** Set when a write fails for lack of space; cleared by the next write that commits (canWrite). */
  private outOfSpace = false;
  /** Every storage failure passes here on its way out, so a full disk is noticed whichever write hit it. */
  private readonly classify = (error: unknown): unknown => {
    const classified = classifyStorageError(error);
    if (classified instanceof StorageFullError) this.outOfSpace = true;
    return classified;
  };

  constructor(
    private readonly database: SqlDatabase,
    options: SqlStoreOptions = {},
  ) {
    this.engine = database.dialect.engine;
    this.groupCommit = this.engine === 'sqlite' ? new SqliteGroupCommit(database.db, database.directExecutor) : new PostgresGroupCommit(database.db);
    this.reportBackgroundError = options.onBackgroundError ?? ((error) => void process.stderr.write(`after a commit: ${String(error)}\n`));
    if (this.engine === 'postgres') {
      this.sequencer = new EventSequencer(database.db, this.reportBackgroundError);
      if ((options.eventSweepMs ?? 0) > 0) this.sequencer.start(options.eventSweepMs!);
    }
    // Only where the engine can tell that another process changed something (SQLite's data_version,
    // PostgreSQL's notifications).
    const changedElsewhere = database.changedElsewhere?.bind(database);
    const credentialCache = changedElsewhere ? new CredentialCache(changedElsewhere) : undefined;
    const announce = database.announceCredentialChange?.bind(database);
    this.tenants = guarded(
      this.classify,
      credentialCache
        ? new CacheClearingTenantRepository(credentialCache, announce, database.db, database.dialect)
        : new SqlTenantRepository(database.db, database.dialect),
    );
    this.credentials = guarded(
      this.classify,
      credentialCache
        ? new CachedCredentialRepository(credentialCache, announce, database.db, database.dialect.engine)
        : new SqlCredentialRepository(database.db, database.dialect.engine),
    );
    // Not guarded: poolStats() is synchronous; callers (metrics, doctor) handle failures themselves.
    this.operations = new SqlOperationsStore(database);
    this.delivery = guarded(this.classify, new SqlDeliveryStore(database.db, database.dialect));
    const admin = sqlAdminStore(database.db, database.dialect);
    // SQLite serves from one process, so its counters stay in memory; PostgreSQL's nodes share theirs.
    this.rateCounters = this.engine === 'postgres' ? guarded(this.classify, new SqlRateCounters(database.db)) : new InProcessRateCounters();
    this.admin = {
      admins: guarded(this.classify, admin.admins),
      sessions: guarded(this.classify, admin.sessions),
      throttle: guarded(this.classify, admin.throttle),
      consoleReads: guarded(this.classify, admin.consoleReads),
      passwordResets: guarded(this.classify, admin.passwordResets),
      audit: guarded(this.classify, admin.audit),
      setupLinks: guarded(this.classify, new SqlSetupLinkRepository(database.db)),
    };
  }

  async transaction<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    let result: T;
    let appended = false;
    const noteAppend = () => (appended = true);
    try {
      result = await this.groupCommit.run((db) => work(this.repositories(db, scope, noteAppend, undefined, true)), options.large);
    } catch (error) {
      throw this.classify(error);
    }
    this.outOfSpace = false;
    if (appended) this.announceEvents(scope.tenantId);
    return result;
  }

  /**
   * After a commit that appended events. PostgreSQL numbers them right after, while the client
   * already has its answer; this process's reads of the outbox wait for that (`settled`), and a
   * failed run is reported and left to the next run or the sweep: the change stands either way.
   */
  private announceEvents(tenantId: string): void {
    // Nothing after the commit may fail the change: a listener's error is reported, not thrown.
    const tell = () => {
      for (const listener of this.eventListeners) {
        try {
          listener(tenantId);
        } catch (error) {
          this.reportBackgroundError(error);
        }
      }
    };
    const sequencer = this.sequencer;
    if (sequencer) void uncounted(() => sequencer.number(tenantId)).then(tell);
    else tell();
  }

  async snapshot<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>): Promise<T> {
    try {
      // SQLite: the one connection is held for the transaction, so no write interleaves.
      if (this.engine !== 'postgres') return await this.database.db.transaction().execute((trx) => work(this.repositories(trx, scope)));
      // PostgreSQL: repeatable read gives every statement the view of the first. That view is
      // opened while no change of the tenant can write events and after the ones that did are
      // numbered, so it holds no unnumbered event.
      return await withOutboxClosed(this.database.db, scope.tenantId, (connection, release) =>
        connection
          .transaction()
          .setIsolationLevel('repeatable read')
          .setAccessMode('read only')
          .execute(async (trx) => {
            await sql`select 1`.execute(trx);
            await release(trx);
            return work(this.repositories(trx, scope));
          }),
      );
    } catch (error) {
      throw this.classify(error);
    }
  }

  goLive(scope: TenantScope, event: (seq: number) => EventDraft, audit: AuditEntry): Promise<number | undefined> {
    return this.atOutboxBoundary(scope, async (trx) => {
      const seq = await goLiveIn(trx, this.database.dialect, scope.tenantId, event);
      if (seq !== undefined) await this.repositories(trx, scope).audit.record(audit);
      return seq;
    });
  }

  clearPreviewOutbox(scope: TenantScope, audit: AuditEntry): Promise<boolean> {
    return this.atOutboxBoundary(scope, async (trx) => {
      const cleared = await clearPreviewOutboxIn(trx, this.database.dialect, scope.tenantId);
      if (cleared) await this.repositories(trx, scope).audit.record(audit);
      return cleared;
    });
  }

  /**
   * One transaction that sees every committed event of the tenant numbered and during which no
   * other change of it can append one: SQLite's one writer; PostgreSQL's outbox barrier, held
   * until this transaction has committed. Listeners hear of it as of any commit with events.
   */
  private async atOutboxBoundary<T>(scope: TenantScope, work: (trx: Kysely<RosterDatabase>) => Promise<T>): Promise<T> {
    let result: T;
    try {
      result =
        this.engine === 'postgres'
          ? await withOutboxClosed(this.database.db, scope.tenantId, (connection) => connection.transaction().execute(work))
          : await this.groupCommit.run(work);
    } catch (error) {
      throw this.classify(error);
    }
    for (const listener of this.eventListeners) {
      try {
        listener(scope.tenantId);
      } catch (error) {
        this.reportBackgroundError(error);
      }
    }
    return result;
  }

  async read<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>): Promise<T> {
    try {
      const settled = this.sequencer ? () => this.eventsSettled(scope) : undefined;
      return await work(this.repositories(this.database.db, scope, undefined, settled));
    } catch (error) {
      throw this.classify(error);
    }
  }

  async appendRequestLog(entries: readonly RequestLogEntry[]): Promise<void> {
    try {
      await appendRequestLog(this.database.db, this.database.dialect, entries);
    } catch (error) {
      throw this.classify(error);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.database.ping();
    } catch (error) {
      throw this.classify(error);
    }
  }

  async canWrite(): Promise<boolean> {
    if (!this.outOfSpace) return true;
    // A committed write of some size: on SQLite it appends to the WAL (where a full disk shows at
    // commit), on PostgreSQL to its WAL and table. A few pages would fit in the space a failed
    // commit left allocated, and say "ready" with no room for the next real write; 128 KiB (more
    // than most SCIM writes commit) is room for some. One row, overwritten each time.
    const probe = async (db: Kysely<RosterDatabase>) => {
      await sql`insert into write_probe (id, filler, written_ms) values (1, ${randomBytes(PROBE_BYTES / 2).toString('hex')}, ${Date.now()})
        on conflict (id) do update set filler = excluded.filler, written_ms = excluded.written_ms`.execute(db);
    };
    try {
      await this.groupCommit.run(probe);
    } catch (error) {
      if (this.classify(error) instanceof StorageFullError) return false;
      throw this.classify(error);
    }
    this.outOfSpace = false;
    return true;
  }

  async close(): Promise<void> {
    await this.sequencer?.close();
    await this.database.close();
  }

  eventsSettled(scope: TenantScope): Promise<void> {
    return this.sequencer ? this.sequencer.settled(scope.tenantId) : Promise.resolve();
  }

  onEventsNumbered(listener: (tenantId: string) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** PostgreSQL: numbers every tenant's committed unnumbered events now (what the sweep does). */
  async numberPendingEvents(): Promise<void> {
    await this.sequencer?.sweep();
  }

  private repositories(db: Kysely<RosterDatabase>, scope: TenantScope, onAppend?: () => void, settled?: () => Promise<void>, writing = false): ScopedRepositories {
    return new LazyRepositories(db, this.database.dialect, scope.tenantId, onAppend, settled, writing);
  }
}

/**
 * A request's repositories, each built on first use: a lookup touches two of the nine, and
 * building all of them for every request was a measurable share of a lookup's CPU.
 */
class LazyRepositories implements ScopedRepositories {
  #users?: SqlUserRepository;
  #groups?: SqlGroupRepository;
  #folders?: SqlFolderRepository;
  #pending?: SqlPendingReferenceRepository;
  #events?: SqlEventRepository;
  #audit?: SqlAuditRepository;
  #duplicates?: SqlDuplicateRepository;
  #requestLog?: SqlRequestLogRepository;
  #held?: SqlHeldChangeRepository;
  #portability?: SqlPortabilityRepository;
  #savepoints = 0;

  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
    private readonly onAppend?: () => void,
    private readonly settled?: () => Promise<void>,
    /** Inside a write transaction, where a savepoint means something. */
    private readonly writing = false,
  ) {}

  async savepoint(): Promise<Savepoint> {
    if (!this.writing) throw new Error('a savepoint is made inside a write transaction');
    // Named per transaction: group commit runs each transaction inside its own savepoint ("unit",
    // sqlite-group-commit.ts, postgres-group-commit.ts), and these nest within it. Same syntax on both engines.
    const name = `roster_step_${++this.#savepoints}`;
    await sql`savepoint ${sql.id(name)}`.execute(this.db);
    return { rollback: async () => void (await sql`rollback to savepoint ${sql.id(name)}`.execute(this.db)) };
  }

  get users() {
    return (this.#users ??= new SqlUserRepository(this.db, this.dialect, this.tenantId));
  }
  get groups() {
    return (this.#groups ??= new SqlGroupRepository(this.db, this.dialect, this.tenantId));
  }
  get folders() {
    return (this.#folders ??= new SqlFolderRepository(this.db, this.dialect, this.tenantId));
  }
  get pending() {
    return (this.#pending ??= new SqlPendingReferenceRepository(this.db, this.dialect, this.tenantId));
  }
  get events() {
    return (this.#events ??= new SqlEventRepository(this.db, this.dialect, this.tenantId, this.onAppend, this.settled));
  }
  get audit() {
    return (this.#audit ??= new SqlAuditRepository(this.db, this.tenantId));
  }
  get duplicates() {
    return (this.#duplicates ??= new SqlDuplicateRepository(this.db, this.dialect, this.tenantId));
  }
  get requestLog() {
    return (this.#requestLog ??= new SqlRequestLogRepository(this.db, this.dialect, this.tenantId));
  }
  get held() {
    return (this.#held ??= new SqlHeldChangeRepository(this.db, this.dialect, this.tenantId));
  }
  get portability() {
    return (this.#portability ??= new SqlPortabilityRepository(this.db, this.dialect, this.tenantId));
  }
}

/** Wraps every method so connection failures surface as StorageUnavailableError. */
function guarded<T extends object>(classify: (error: unknown) => unknown, repository: T): T {
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (error) {
          throw classify(error);
        }
      };
    },
  });
}
