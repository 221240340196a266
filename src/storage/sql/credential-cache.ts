import type { Kysely } from 'kysely';
import type { CredentialRecord, TenantRecord } from '../store.js';
import { SqlCredentialRepository } from './credentials.repo.js';
import type { RosterDatabase } from './tables.js';
import { SqlTenantRepository } from './tenants.repo.js';

type Found = { credential: CredentialRecord; tenant: TenantRecord };

/**
 * Authenticated credentials with their tenant, kept so that a SCIM request does not pay a query to
 * find who is calling. Changes made through this process (a revocation, a tenant's settings or
 * provisioning switch) drop the affected entries at once. A change made by another process (the CLI
 * revoking a token) empties the cache before the next lookup once the engine has told: at once on
 * SQLite (any commit to the file), on PostgreSQL when that process's notification arrives.
 * Entries also expire after `ttlMs`. Only hits are kept: an unknown credential always asks the
 * database.
 */
export class CredentialCache {
  private readonly entries = new Map<string, { found: Found; expiresMs: number }>();

  constructor(
    /** True when another connection has committed since it was last asked. */
    private readonly changedElsewhere: () => boolean,
    private readonly ttlMs = 60_000,
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async find(id: string, load: (id: string) => Promise<Found | undefined>): Promise<Found | undefined> {
    if (this.changedElsewhere()) this.entries.clear();
    const cached = this.entries.get(id);
    const nowMs = this.now();
    if (cached && cached.expiresMs > nowMs) return cached.found;
    const found = await load(id);
    if (found === undefined) {
      this.entries.delete(id);
      return undefined;
    }
    if (this.entries.size >= this.capacity) this.entries.clear(); // bounded; refilling costs one query each
    this.entries.set(id, { found, expiresMs: nowMs + this.ttlMs });
    return found;
  }

  forgetCredential(id: string): void {
    this.entries.delete(id);
  }

  forgetTenant(tenantId: string): void {
    for (const [id, entry] of this.entries) if (entry.found.tenant.id === tenantId) this.entries.delete(id);
  }
}

/**
 * Sends other processes word of a credential or tenant change (PostgreSQL: NOTIFY), inside the
 * transaction that makes it so the word goes out only if the change commits. Undefined where the
 * engine tells other processes by itself (SQLite's data_version).
 */
export type Announce = (db: Kysely<RosterDatabase>) => Promise<void>;

async function announced<T>(db: Kysely<RosterDatabase>, announce: Announce | undefined, change: (db: Kysely<RosterDatabase>) => Promise<T>): Promise<T> {
  if (!announce) return change(db);
  const inTransaction = async (trx: Kysely<RosterDatabase>): Promise<T> => {
    const result = await change(trx);
    await announce(trx);
    return result;
  };
  return db.isTransaction ? inTransaction(db) : db.transaction().execute(inTransaction);
}

/** Credentials whose lookups go through the cache, and whose revocations clear it. */
export class CachedCredentialRepository extends SqlCredentialRepository {
  constructor(
    private readonly cache: CredentialCache,
    private readonly announce: Announce | undefined,
    ...rest: ConstructorParameters<typeof SqlCredentialRepository>
  ) {
    super(...rest);
  }

  override findWithTenant(id: string): Promise<Found | undefined> {
    return this.cache.find(id, (key) => super.findWithTenant(key));
  }

  override async revoke(tenantId: string, id: string, nowMs: number): Promise<boolean> {
    try {
      return await announced(this.db, this.announce, (db) => new SqlCredentialRepository(db, this.engine).revoke(tenantId, id, nowMs));
    } finally {
      this.cache.forgetCredential(id);
    }
  }
}

/** Tenants whose changes clear the cached credentials of that tenant. */
export class CacheClearingTenantRepository extends SqlTenantRepository {
  constructor(
    private readonly cache: CredentialCache,
    private readonly announce: Announce | undefined,
    ...rest: ConstructorParameters<typeof SqlTenantRepository>
  ) {
    super(...rest);
  }

  override async setProvisioningEnabled(id: string, enabled: boolean): Promise<boolean> {
    try {
      return await announced(this.db, this.announce, (db) => new SqlTenantRepository(db, this.dialect).setProvisioningEnabled(id, enabled));
    } finally {
      this.cache.forgetTenant(id);
    }
  }

  override async rename(...args: Parameters<SqlTenantRepository['rename']>): Promise<'renamed' | 'slugTaken' | 'notFound'> {
    try {
      // Not inside `announced`: on PostgreSQL a taken slug aborts the transaction the notice would
      // share. The word goes out after a rename commits instead.
      const outcome = await super.rename(...args);
      if (outcome === 'renamed' && this.announce) await this.announce(this.db);
      return outcome;
    } finally {
      this.cache.forgetTenant(args[0]);
    }
  }

  override async purgeRows(...args: Parameters<SqlTenantRepository['purgeRows']>): Promise<number> {
    if (args[1] !== 'credentials') return super.purgeRows(...args);
    try {
      return await announced(this.db, this.announce, (db) => new SqlTenantRepository(db, this.dialect).purgeRows(...args));
    } finally {
      this.cache.forgetTenant(args[0]);
    }
  }

  override async delete(id: string): Promise<boolean> {
    try {
      return await announced(this.db, this.announce, (db) => new SqlTenantRepository(db, this.dialect).delete(id));
    } finally {
      this.cache.forgetTenant(id);
    }
  }

  override async updateSettings(...args: Parameters<SqlTenantRepository['updateSettings']>): Promise<boolean> {
    try {
      return await announced(this.db, this.announce, (db) => new SqlTenantRepository(db, this.dialect).updateSettings(...args));
    } finally {
      this.cache.forgetTenant(args[0]);
    }
  }
}
