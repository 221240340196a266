import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mountPathOf } from '../http/mount-path.js';
import { addRoute, declareRoute } from '../http/route-contract.js';
import { DomainError } from '../provisioning/errors.js';
import { actorName, type Actor } from '../provisioning/operator/operator-audit.js';
import { previewSummary } from '../provisioning/tenants/preview-summary.js';
import { discardPreview, goLive } from '../provisioning/tenants/tenant-preview.js';
import type { TenantRecord } from '../storage/store.js';
import { adminSurface, READ_ERRORS, tenantPath } from './admin-contract.js';
import { consoleOrigin, requestedSetupTenant, SETUP_ROUTE } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { discardedPreviewSchema, previewSchema, wentLiveSchema } from './view-schemas.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const previewRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/preview',
  operationId: 'getPreview',
  summary:
    "The tenant's first sync in preview: counts, ignored attributes with the one probably meant, flagged values, incomplete profiles, pending references, the mass-change guard (also for a setup-link session)",
  ...SETUP_ROUTE,
  params: tenantPath,
  response: previewSchema,
  errors: READ_ERRORS,
});
export const goLiveRoute = declareRoute({
  method: 'POST',
  path: '/tenants/:slug/go-live',
  operationId: 'goLive',
  summary:
    "Go live: the host's webhooks get tenant.live (snapshotSeq, snapshot), then events; 409 tenantMode when the tenant is not in preview (also for a setup-link session)",
  ...SETUP_ROUTE,
  params: tenantPath,
  response: wentLiveSchema,
  errors: [...READ_ERRORS, 409],
});
export const discardPreviewRoute = declareRoute({
  method: 'POST',
  path: '/tenants/:slug/preview/discard',
  operationId: 'discardPreview',
  summary: 'Discard the preview: delete what it stored, keeping the tenant in preview with its credentials (also for a setup-link session)',
  ...SETUP_ROUTE,
  params: tenantPath,
  response: discardedPreviewSchema,
  errors: [...READ_ERRORS, 409],
});

/**
 * A tenant's preview: what its first sync brought, Go live and Discard. Setup routes: the IT admin
 * who connected the IdP through a setup link watches the sync land and decides, as a tenant admin does.
 */
export function registerPreviewRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;
  const surface = adminSurface(options);

  /** The tenant as stored now: the session's copy may predate a go-live pressed elsewhere. */
  const current = async (request: FastifyRequest): Promise<{ tenant: TenantRecord; actor: Actor; who: string }> => {
    const { tenant, admin, setup } = await requestedSetupTenant(rt, request);
    const fresh = await rt.store.tenants.findById(tenant.id);
    if (!fresh) throw new DomainError('notFound', `tenant "${tenant.slug}" not found`);
    const actor: Actor = admin ? { adminId: admin.id } : { setupLinkId: setup?.link.id ?? 'unknown' };
    return { tenant: fresh, actor, who: actorName(actor) };
  };

  addRoute(app, surface, previewRoute, async ({ request }) => {
    const { tenant } = await current(request);
    // Entries wait in memory for up to a second; the page polls to show the sync as it lands.
    await options.requestLog.flush().catch(() => {});
    const { requests, pending, mode: _mode, ...summary } = await previewSummary(rt, tenant);
    return {
      tenant: { slug: tenant.slug, name: tenant.name, mode: tenant.mode },
      ...summary,
      requests: { total: requests.total, exact: requests.exact, failed: requests.failed, lastAt: iso(requests.lastAtMs) },
      pending: {
        total: pending.total,
        examples: pending.examples.map((p) => ({ kind: p.kind, subjectId: p.subjectId, reference: p.reference, createdAt: iso(p.createdMs) })),
      },
    };
  });

  addRoute(app, surface, goLiveRoute, async ({ request }) => {
    const { tenant, actor, who } = await current(request);
    const base = `${options.publicUrl || consoleOrigin(request, options.publicUrl)}${mountPathOf(request)}`;
    const live = await goLive(rt, tenant, { base, actor });
    request.log.info({ tenant: tenant.slug, by: who, snapshotSeq: live.snapshotSeq }, 'tenant went live');
    return { tenant: { slug: tenant.slug, mode: 'live' as const }, snapshotSeq: live.snapshotSeq, snapshot: live.snapshot };
  });

  addRoute(app, surface, discardPreviewRoute, async ({ request }) => {
    const { tenant, actor, who } = await current(request);
    const removed = await discardPreview(rt, tenant, { actor });
    request.log.info({ tenant: tenant.slug, by: who, removed }, 'preview discarded');
    return {
      tenant: { slug: tenant.slug, mode: 'preview' as const },
      removed: {
        people: removed.users,
        groups: removed.groups,
        folders: removed.folders,
        pendingReferences: removed.pending_references,
        heldChanges: removed.held_changes,
        provisioningLogEntries: removed.request_log,
        events: removed.events,
      },
    };
  });
}
