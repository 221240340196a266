import type { Store, TenantRecord } from '../../storage/store.js';

/**
 * Last SCIM request / last SCIM change per tenant and last use per credential, kept in memory and
 * written in one batch every interval, so bookkeeping never adds a database write to a request.
 * Reads overlay what is not flushed yet, so the console never lags this process.
 */
export class ActivityRecorder {
  private tenants = new Map<string, { lastRequestMs?: number; lastChangeMs?: number }>();
  private credentials = new Map<string, number>();
  /**
   * What the flush under way is writing: still overlaid until its write has committed. (Dropped
   * from the overlay as the write began, it was in neither memory nor the database meanwhile, and a
   * tenant page read then said "no SCIM request for 3 h" while the tenants list, read a moment
   * before, had the request.)
   */
  private writingTenants = new Map<string, { lastRequestMs?: number; lastChangeMs?: number }>();
  private writingCredentials = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store) {}

  /** Tenants and credentials with bookkeeping not written yet (metrics). */
  get pendingCount(): number {
    return this.tenants.size + this.credentials.size;
  }

  /** Notes a SCIM request; `changed` when it changed data. */
  note(tenantId: string, credentialId: string, nowMs: number, changed: boolean): void {
    const entry = this.tenants.get(tenantId) ?? {};
    entry.lastRequestMs = Math.max(entry.lastRequestMs ?? 0, nowMs);
    if (changed) entry.lastChangeMs = Math.max(entry.lastChangeMs ?? 0, nowMs);
    this.tenants.set(tenantId, entry);
    this.credentials.set(credentialId, Math.max(this.credentials.get(credentialId) ?? 0, nowMs));
  }

  /** A tenant record with not-yet-flushed activity applied. */
  overlay(tenant: TenantRecord): TenantRecord {
    const pending = this.tenants.get(tenant.id);
    const writing = this.writingTenants.get(tenant.id);
    if (!pending && !writing) return tenant;
    return {
      ...tenant,
      lastRequestMs: Math.max(tenant.lastRequestMs ?? 0, writing?.lastRequestMs ?? 0, pending?.lastRequestMs ?? 0) || null,
      lastChangeMs: Math.max(tenant.lastChangeMs ?? 0, writing?.lastChangeMs ?? 0, pending?.lastChangeMs ?? 0) || null,
    };
  }

  pendingCredentialUse(credentialId: string): number | undefined {
    const pending = this.credentials.get(credentialId);
    const writing = this.writingCredentials.get(credentialId);
    return pending === undefined && writing === undefined ? undefined : Math.max(pending ?? 0, writing ?? 0);
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush().catch(() => {}), intervalMs);
    this.timer.unref();
  }

  /** Writes what accumulated; safe to call concurrently (flushes are serialised). */
  flush(): Promise<void> {
    this.flushing = this.flushing
      .catch(() => {})
      .then(async () => {
        const tenants = this.tenants;
        const credentials = this.credentials;
        if (tenants.size === 0 && credentials.size === 0) return;
        this.tenants = new Map();
        this.credentials = new Map();
        this.writingTenants = tenants;
        this.writingCredentials = credentials;
        try {
          await this.store.tenants.recordActivity([...tenants].map(([tenantId, a]) => ({ tenantId, ...a })));
          await this.store.credentials.recordUse([...credentials].map(([id, lastUsedMs]) => ({ id, lastUsedMs })));
        } catch (error) {
          // Keep what could not be written for the next flush (the database may be back by then).
          for (const [id, a] of tenants) if (!this.tenants.has(id)) this.tenants.set(id, a);
          for (const [id, ms] of credentials) if (!this.credentials.has(id)) this.credentials.set(id, ms);
          throw error;
        } finally {
          this.writingTenants = new Map();
          this.writingCredentials = new Map();
        }
      });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush().catch(() => {});
  }
}
