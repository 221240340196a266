import type { TenantRecord } from '../../storage/store.js';
import { listHeldChanges } from '../guard/review-held-change.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { judgeTenant, type Finding, type Severity, type SyncCheckOptions } from './sync-health.js';

/** One tenant's health as the console's badge shows it: `roster doctor`'s judgement, and its figures. */
export interface TenantHealth {
  /** The worst finding's severity. */
  readonly level: Severity;
  readonly findings: readonly Finding[];
  /** The newest failed request among the recent ones `roster doctor` reads. */
  readonly lastError: { readonly atMs: number; readonly method: string; readonly path: string; readonly status: number; readonly error: string | null } | null;
  /** Failed of the recent requests. */
  readonly failed: number;
  readonly recent: number;
  /** Changes the mass-change guard holds (counted up to HELD_COUNT_LIMIT). */
  readonly held: number;
}

const ORDER: readonly Severity[] = ['ok', 'note', 'warning', 'problem'];
/** Held changes are counted up to here; the Held changes page lists them. */
export const HELD_COUNT_LIMIT = 100;

/**
 * Judges one tenant exactly as `roster doctor` does (`judgeTenant` over the same recent requests),
 * adds its held changes and the webhook findings the caller read, and keeps the figures the badge
 * shows. Reads the tenant's credentials, its latest requests and its held changes.
 */
export async function tenantHealth(rt: ProvisioningRuntime, tenant: TenantRecord, webhookFindings: readonly Finding[], options: SyncCheckOptions): Promise<TenantHealth> {
  const scope = { tenantId: tenant.id };
  const limit = options.recentRequests ?? 50;
  const [credentials, recent, held] = await Promise.all([
    rt.store.credentials.listForTenant(tenant.id),
    tenant.lastRequestMs === null ? Promise.resolve([]) : rt.store.read(scope, (repos) => repos.requestLog.list({ limit })),
    listHeldChanges(rt, scope, 'held', HELD_COUNT_LIMIT),
  ]);
  const findings: Finding[] = [...judgeTenant(tenant, credentials, recent, rt.now(), options), ...webhookFindings];
  if (held.length > 0) {
    findings.push({
      severity: 'warning',
      subject: `tenant ${tenant.slug}`,
      message: `${held.length >= HELD_COUNT_LIMIT ? `${HELD_COUNT_LIMIT} or more` : held.length} change${held.length === 1 ? '' : 's'} held by the mass-change guard wait${held.length === 1 ? 's' : ''} for an admin to approve or discard`,
    });
  }
  const failures = recent.slice(0, limit).filter((e) => e.status >= 400);
  const last = failures[0];
  return {
    level: findings.reduce<Severity>((worst, f) => (ORDER.indexOf(f.severity) > ORDER.indexOf(worst) ? f.severity : worst), 'ok'),
    findings,
    lastError: last ? { atMs: last.atMs, method: last.method, path: last.path.split('?')[0] ?? last.path, status: last.status, error: last.error } : null,
    failed: failures.length,
    recent: Math.min(recent.length, limit),
    held: held.length,
  };
}
