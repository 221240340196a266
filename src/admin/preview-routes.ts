import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mountPathOf } from '../http/mount-path.js';
import { DomainError } from '../provisioning/errors.js';
import { actorName, type Actor } from '../provisioning/operator/operator-audit.js';
import { previewSummary } from '../provisioning/tenants/preview-summary.js';
import { discardPreview, goLive } from '../provisioning/tenants/tenant-preview.js';
import type { TenantRecord } from '../storage/store.js';
import { consoleOrigin, requestedSetupTenant, SETUP_ROUTE } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * A tenant's preview: what its first sync brought, Go live and Discard. Setup routes: the IT admin
 * who connected the IdP through a setup link watches the sync land and decides, as a tenant admin does.
 */
export function registerPreviewRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;

  /** The tenant as stored now: the session's copy may predate a go-live pressed elsewhere. */
  const current = async (request: FastifyRequest): Promise<{ tenant: TenantRecord; actor: Actor; who: string }> => {
    const { tenant, admin, setup } = await requestedSetupTenant(rt, request);
    const fresh = await rt.store.tenants.findById(tenant.id);
    if (!fresh) throw new DomainError('notFound', `tenant "${tenant.slug}" not found`);
    const actor: Actor = admin ? { adminId: admin.id } : { setupLinkId: setup?.link.id ?? 'unknown' };
    return { tenant: fresh, actor, who: actorName(actor) };
  };

  app.get('/tenants/:slug/preview', SETUP_ROUTE, async (request) => {
    const { tenant } = await current(request);
    // Entries wait in memory for up to a second; the page polls to show the sync as it lands.
    await options.requestLog.flush().catch(() => {});
    const summary = await previewSummary(rt, tenant);
    return { tenant: { slug: tenant.slug, name: tenant.name, mode: tenant.mode }, ...summary, requests: { ...summary.requests, lastAt: iso(summary.requests.lastAtMs) } };
  });

  app.post('/tenants/:slug/go-live', SETUP_ROUTE, async (request) => {
    const { tenant, actor, who } = await current(request);
    const base = `${options.publicUrl || consoleOrigin(request, options.publicUrl)}${mountPathOf(request)}`;
    const live = await goLive(rt, tenant, { base, actor });
    request.log.info({ tenant: tenant.slug, by: who, snapshotSeq: live.snapshotSeq }, 'tenant went live');
    return { tenant: { slug: tenant.slug, mode: 'live' }, snapshotSeq: live.snapshotSeq, snapshot: live.snapshot };
  });

  app.post('/tenants/:slug/preview/discard', SETUP_ROUTE, async (request) => {
    const { tenant, actor, who } = await current(request);
    const removed = await discardPreview(rt, tenant, { actor });
    request.log.info({ tenant: tenant.slug, by: who, removed }, 'preview discarded');
    return {
      tenant: { slug: tenant.slug, mode: 'preview' },
      removed: { people: removed.users, groups: removed.groups, folders: removed.folders, pendingReferences: removed.pending_references, heldChanges: removed.held_changes, provisioningLogEntries: removed.request_log, events: removed.events },
    };
  });
}
