import type { CredentialRecord, TenantRecord } from '../store.js';
import { SqlCredentialRepository } from './credentials.repo.js';
import { SqlTenantRepository } from './tenants.repo.js';

type Found = { credential: CredentialRecord; tenant: TenantRecord };

/**
 * Authenticated credentials with their tenant, kept so that a SCIM request does not pay a query to
 * find who is calling. Changes made through this process (a revocation, a tenant's settings or
 * provisioning switch) drop the affected entries at once; any commit by another process (the CLI
 * revoking a token) empties the cache before the next lookup, so a revocation is never missed.
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

/** Credentials whose lookups go through the cache, and whose revocations clear it. */
export class CachedCredentialRepository extends SqlCredentialRepository {
  constructor(
    private readonly cache: CredentialCache,
    ...rest: ConstructorParameters<typeof SqlCredentialRepository>
  ) {
    super(...rest);
  }

  override findWithTenant(id: string): Promise<Found | undefined> {
    return this.cache.find(id, (key) => super.findWithTenant(key));
  }

  override async revoke(tenantId: string, id: string, nowMs: number): Promise<boolean> {
    try {
      return await super.revoke(tenantId, id, nowMs);
    } finally {
      this.cache.forgetCredential(id);
    }
  }
}

/** Tenants whose changes clear the cached credentials of that tenant. */
export class CacheClearingTenantRepository extends SqlTenantRepository {
  constructor(
    private readonly cache: CredentialCache,
    ...rest: ConstructorParameters<typeof SqlTenantRepository>
  ) {
    super(...rest);
  }

  override async setProvisioningEnabled(id: string, enabled: boolean): Promise<boolean> {
    try {
      return await super.setProvisioningEnabled(id, enabled);
    } finally {
      this.cache.forgetTenant(id);
    }
  }

  override async updateSettings(...args: Parameters<SqlTenantRepository['updateSettings']>): Promise<boolean> {
    try {
      return await super.updateSettings(...args);
    } finally {
      this.cache.forgetTenant(args[0]);
    }
  }
}
