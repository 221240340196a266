import type { Kysely } from 'kysely';
import type { RequestLogEntry, ScopedRepositories, Store, TenantScope } from '../store.js';
import { appendRequestLog, SqlRequestLogRepository } from './request-log.repo.js';
import { SqlHeldChangeRepository } from './held-changes.repo.js';
import { SqlAuditRepository } from './audit.repo.js';
import { sqlAdminStore } from './admin.repo.js';
import { SqlCredentialRepository } from './credentials.repo.js';
import { SqlTenantRepository } from './tenants.repo.js';
import { CacheClearingTenantRepository, CachedCredentialRepository, CredentialCache } from './credential-cache.js';
import { SqlDeliveryStore } from './delivery.repo.js';
import { SqlEventRepository } from './events.repo.js';
import { SqlFolderRepository } from './folders.repo.js';
import { SqlOperationsStore } from './operations.repo.js';
import { SqlPortabilityRepository } from './portability.repo.js';
import { SqlPendingReferenceRepository } from './pending.repo.js';
import type { SqlDatabase, SqlDialect } from './dialects/dialect.js';
import { SqlGroupRepository } from './groups.repo.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';
import { classifyStorageError } from './sql-errors.js';
import type { RosterDatabase } from './tables.js';
import { SqlUserRepository } from './users.repo.js';

/** The one SQL implementation of the storage contract, for SQLite and PostgreSQL alike. */
export class SqlStore implements Store {
  readonly engine;
  readonly tenants;
  readonly credentials;
  readonly delivery;
  readonly admin;
  readonly operations;
  /** SQLite's writes share commits (see sqlite-group-commit.ts); PostgreSQL commits each on its own connection. */
  private readonly groupCommit: SqliteGroupCommit | undefined;

  constructor(private readonly database: SqlDatabase) {
    this.engine = database.dialect.engine;
    this.groupCommit = this.engine === 'sqlite' ? new SqliteGroupCommit(database.db, database.directExecutor) : undefined;
    // Only where the engine can tell that another process changed something (SQLite's data_version,
    // PostgreSQL's notifications).
    const changedElsewhere = database.changedElsewhere?.bind(database);
    const credentialCache = changedElsewhere ? new CredentialCache(changedElsewhere) : undefined;
    const announce = database.announceCredentialChange?.bind(database);
    this.tenants = guarded(
      credentialCache
        ? new CacheClearingTenantRepository(credentialCache, announce, database.db, database.dialect)
        : new SqlTenantRepository(database.db, database.dialect),
    );
    this.credentials = guarded(
      credentialCache
        ? new CachedCredentialRepository(credentialCache, announce, database.db, database.dialect.engine)
        : new SqlCredentialRepository(database.db, database.dialect.engine),
    );
    // Not guarded: poolStats() is synchronous; callers (metrics, doctor) handle failures themselves.
    this.operations = new SqlOperationsStore(database);
    this.delivery = guarded(new SqlDeliveryStore(database.db, database.dialect));
    const admin = sqlAdminStore(database.db, database.dialect);
    this.admin = { admins: guarded(admin.admins), sessions: guarded(admin.sessions), throttle: guarded(admin.throttle), consoleReads: guarded(admin.consoleReads) };
  }

  async transaction<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>): Promise<T> {
    try {
      if (this.groupCommit) return await this.groupCommit.run((db) => work(this.repositories(db, scope)));
      return await this.database.db.transaction().execute((trx) => work(this.repositories(trx, scope)));
    } catch (error) {
      throw classifyStorageError(error);
    }
  }

  async snapshot<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>): Promise<T> {
    // SQLite: the one connection is held for the transaction, so no write interleaves. PostgreSQL:
    // repeatable read gives every statement the transaction's first snapshot.
    const builder = this.database.db.transaction();
    const consistent = this.engine === 'postgres' ? builder.setIsolationLevel('repeatable read').setAccessMode('read only') : builder;
    try {
      return await consistent.execute((trx) => work(this.repositories(trx, scope)));
    } catch (error) {
      throw classifyStorageError(error);
    }
  }

  async read<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>): Promise<T> {
    try {
      return await work(this.repositories(this.database.db, scope));
    } catch (error) {
      throw classifyStorageError(error);
    }
  }

  async appendRequestLog(entries: readonly RequestLogEntry[]): Promise<void> {
    try {
      await appendRequestLog(this.database.db, this.database.dialect, entries);
    } catch (error) {
      throw classifyStorageError(error);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.database.ping();
    } catch (error) {
      throw classifyStorageError(error);
    }
  }

  close(): Promise<void> {
    return this.database.close();
  }

  private repositories(db: Kysely<RosterDatabase>, scope: TenantScope): ScopedRepositories {
    return new LazyRepositories(db, this.database.dialect, scope.tenantId);
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
  #requestLog?: SqlRequestLogRepository;
  #held?: SqlHeldChangeRepository;
  #portability?: SqlPortabilityRepository;

  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
  ) {}

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
    return (this.#events ??= new SqlEventRepository(this.db, this.dialect, this.tenantId));
  }
  get audit() {
    return (this.#audit ??= new SqlAuditRepository(this.db, this.tenantId));
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
function guarded<T extends object>(repository: T): T {
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (error) {
          throw classifyStorageError(error);
        }
      };
    },
  });
}
