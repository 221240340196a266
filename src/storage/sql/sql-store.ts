import type { Kysely } from 'kysely';
import type { RequestLogEntry, ScopedRepositories, Store, TenantScope } from '../store.js';
import { appendRequestLog, SqlRequestLogRepository } from './request-log.repo.js';
import { SqlHeldChangeRepository } from './held-changes.repo.js';
import { SqlAuditRepository } from './audit.repo.js';
import { sqlAdminStore } from './admin.repo.js';
import { SqlCredentialRepository } from './credentials.repo.js';
import { SqlDeliveryStore } from './delivery.repo.js';
import { SqlEventRepository } from './events.repo.js';
import { SqlFolderRepository } from './folders.repo.js';
import { SqlOperationsStore } from './operations.repo.js';
import { SqlPortabilityRepository } from './portability.repo.js';
import { SqlPendingReferenceRepository } from './pending.repo.js';
import type { SqlDatabase } from './dialects/dialect.js';
import { SqlGroupRepository } from './groups.repo.js';
import { classifyStorageError } from './sql-errors.js';
import type { RosterDatabase } from './tables.js';
import { SqlTenantRepository } from './tenants.repo.js';
import { SqlUserRepository } from './users.repo.js';

/** The one SQL implementation of the storage contract, for SQLite and PostgreSQL alike. */
export class SqlStore implements Store {
  readonly engine;
  readonly tenants;
  readonly credentials;
  readonly delivery;
  readonly admin;
  readonly operations;

  constructor(private readonly database: SqlDatabase) {
    this.engine = database.dialect.engine;
    this.tenants = guarded(new SqlTenantRepository(database.db, database.dialect));
    this.credentials = guarded(new SqlCredentialRepository(database.db, database.dialect.engine));
    // Not guarded: poolStats() is synchronous; callers (metrics, doctor) handle failures themselves.
    this.operations = new SqlOperationsStore(database);
    this.delivery = guarded(new SqlDeliveryStore(database.db, database.dialect));
    const admin = sqlAdminStore(database.db, database.dialect);
    this.admin = { admins: guarded(admin.admins), sessions: guarded(admin.sessions), throttle: guarded(admin.throttle), consoleReads: guarded(admin.consoleReads) };
  }

  async transaction<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>): Promise<T> {
    try {
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
    const { dialect } = this.database;
    return {
      users: new SqlUserRepository(db, dialect, scope.tenantId),
      groups: new SqlGroupRepository(db, dialect, scope.tenantId),
      folders: new SqlFolderRepository(db, dialect, scope.tenantId),
      pending: new SqlPendingReferenceRepository(db, dialect, scope.tenantId),
      events: new SqlEventRepository(db, dialect, scope.tenantId),
      audit: new SqlAuditRepository(db, scope.tenantId),
      requestLog: new SqlRequestLogRepository(db, dialect, scope.tenantId),
      held: new SqlHeldChangeRepository(db, dialect, scope.tenantId),
      portability: new SqlPortabilityRepository(db, dialect, scope.tenantId),
    };
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
