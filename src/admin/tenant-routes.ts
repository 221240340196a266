import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { webhookTroubleFindings, webhookTroubles, type WebhookTrouble } from '../events/webhook-health.js';
import { tenantHealth } from '../provisioning/operations/tenant-health.js';
import type { JsonObject } from '../json/json-value.js';
import { tenantsForAdmin } from '../provisioning/admins/admin-access.js';
import { issueCredential, listCredentials, revokeCredential } from '../provisioning/credentials/manage-credentials.js';
import { setProvisioningEnabled, updateTenantSettings } from '../provisioning/tenants/manage-tenants.js';
import { settingsChangeSchema, tenantSettings } from '../provisioning/tenants/tenant-settings.js';
import { mountPathOf } from '../http/mount-path.js';
import { addRoute, declareRoute } from '../http/route-contract.js';
import type { TenantRecord } from '../storage/store.js';
import { adminSurface, READ_ERRORS, tenantPath } from './admin-contract.js';
import { consoleOrigin, requestedTenant, signedInAdmin } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { credentialSchema, heldChangeSchema, issuedCredentialSchema, settingsViewSchema, tenantDetailSchema, tenantSchema } from './view-schemas.js';
import { credentialView, heldChangeView, settingsView, tenantView } from './views.js';
import { approveHeldChange, discardHeldChange, listHeldChanges } from '../provisioning/guard/review-held-change.js';
import { describeHeldChanges } from '../provisioning/guard/describe-held-change.js';

/** SYNC_STALE_AFTER_MINUTES' default, for an admin API built without the setting. */
const DEFAULT_STALE_AFTER_MS = 120 * 60_000;

const heldPath = z.object({ slug: z.string(), id: z.string().min(1).max(64).describe('The held change id.') });
const credentialPath = z.object({
  slug: z.string(),
  id: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'a credential id')
    .describe('The credential id.'),
});
const settingsAnswer = z.strictObject({ settings: settingsViewSchema });
const heldChangeAnswer = z.strictObject({ heldChange: heldChangeSchema });

export const listTenantsRoute = declareRoute({
  method: 'GET',
  path: '/tenants',
  operationId: 'listTenants',
  summary: 'Tenants this admin manages, with last SCIM request / change and webhook health',
  response: z.strictObject({ tenants: z.array(tenantSchema) }),
  errors: [401, 403],
});
export const getTenantRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug',
  operationId: 'getTenant',
  summary: 'A tenant, its settings and its SCIM endpoint URLs',
  params: tenantPath,
  response: tenantDetailSchema,
  errors: READ_ERRORS,
});
export const getSettingsRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/settings',
  operationId: 'getTenantSettings',
  summary: 'Provisioning settings',
  params: tenantPath,
  response: settingsAnswer,
  errors: READ_ERRORS,
});
export const changeSettingsRoute = declareRoute({
  method: 'PATCH',
  path: '/tenants/:slug/settings',
  operationId: 'changeTenantSettings',
  summary: 'Change settings (any subset); provisioningEnabled false makes SCIM answer 403',
  params: tenantPath,
  // The tenant settings an admin may change (settingsChangeSchema), and switching provisioning off or on.
  body: settingsChangeSchema.extend({ provisioningEnabled: z.boolean().optional() }).strict(),
  response: settingsAnswer,
  errors: READ_ERRORS,
});
export const listCredentialsRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/credentials',
  operationId: 'listCredentials',
  summary: 'SCIM credentials with last use (never secrets)',
  params: tenantPath,
  response: z.strictObject({ credentials: z.array(credentialSchema) }),
  errors: READ_ERRORS,
});
export const issueCredentialRoute = declareRoute({
  method: 'POST',
  path: '/tenants/:slug/credentials',
  operationId: 'issueCredential',
  summary: 'Create a bearer token or a key/secret pair; the secret is in this answer only',
  params: tenantPath,
  body: z.object({ kind: z.enum(['bearer', 'basic']), label: z.string().min(1).max(200) }).strict(),
  response: issuedCredentialSchema,
  statuses: [201],
  errors: READ_ERRORS,
});
export const revokeCredentialRoute = declareRoute({
  method: 'DELETE',
  path: '/tenants/:slug/credentials/:id',
  operationId: 'revokeCredential',
  summary: 'Revoke a credential; the next SCIM request with it gets 401',
  params: credentialPath,
  response: null,
  errors: READ_ERRORS,
});
export const listHeldChangesRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/held-changes',
  operationId: 'listHeldChanges',
  summary: 'Changes the mass-change guard held (status held by default; all for every decision)',
  params: tenantPath,
  query: z.object({ status: z.enum(['held', 'approved', 'discarded', 'all']).optional() }).strict(),
  response: z.strictObject({ heldChanges: z.array(heldChangeSchema) }),
  errors: READ_ERRORS,
});
export const approveHeldChangeRoute = declareRoute({
  method: 'POST',
  path: '/tenants/:slug/held-changes/:id/approve',
  operationId: 'approveHeldChange',
  summary: 'Apply a held change now; its events are emitted from this moment',
  params: heldPath,
  response: heldChangeAnswer,
  errors: [...READ_ERRORS, 409],
});
export const discardHeldChangeRoute = declareRoute({
  method: 'POST',
  path: '/tenants/:slug/held-changes/:id/discard',
  operationId: 'discardHeldChange',
  summary: 'Drop a held change: nothing is applied, no event is emitted',
  params: heldPath,
  response: heldChangeAnswer,
  errors: [...READ_ERRORS, 409],
});

/** The two SCIM base URLs of a tenant, as an IdP needs them. */
export function scimEndpoints(request: FastifyRequest, publicUrl: string, slug: string) {
  const base = `${publicUrl || consoleOrigin(request, publicUrl)}${mountPathOf(request)}`;
  return { byCredential: `${base}/scim/v2/`, byTenantPath: `${base}/t/${slug}/scim/v2/` };
}

/** Tenants, their settings and their SCIM credentials. */
export function registerTenantRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt, activity } = options;
  const surface = adminSurface(options);
  const live = (tenant: TenantRecord) => activity.overlay(tenant);
  // The badge judges as `roster doctor` does: the same function, threshold and recent requests.
  const health = (tenant: TenantRecord, troubles: readonly WebhookTrouble[]) =>
    tenantHealth(rt, tenant, webhookTroubleFindings(troubles), { staleAfterMs: options.syncStaleAfterMs ?? DEFAULT_STALE_AFTER_MS });

  addRoute(app, surface, listTenantsRoute, async ({ request }) => {
    const tenants = await tenantsForAdmin(rt, signedInAdmin(request).admin);
    // One read for every tenant's webhook troubles (usually none), split by tenant here.
    const troubles = tenants.length === 0 ? [] : await webhookTroubles(rt);
    const views = [];
    // One tenant after another: three small reads each, never the whole pool at once.
    for (const t of tenants) {
      const own = troubles.filter((x) => x.tenant === t.slug);
      views.push(tenantView(live(t), own, await health(live(t), own)));
    }
    return { tenants: views };
  });

  addRoute(app, surface, getTenantRoute, async ({ request }) => {
    const { tenant } = await requestedTenant(rt, request);
    const troubles = await webhookTroubles(rt, { tenantId: tenant.id });
    return {
      tenant: tenantView(live(tenant), troubles, await health(live(tenant), troubles)),
      settings: settingsView(tenantSettings(tenant), tenant),
      endpoints: scimEndpoints(request, options.publicUrl, tenant.slug),
    };
  });

  addRoute(app, surface, getSettingsRoute, async ({ request }) => {
    const { tenant } = await requestedTenant(rt, request);
    return { settings: settingsView(tenantSettings(tenant), tenant) };
  });

  addRoute(app, surface, changeSettingsRoute, async ({ request, body }) => {
    const { tenant } = await requestedTenant(rt, request);
    const { provisioningEnabled, ...change } = body;
    let settings = tenantSettings(tenant);
    if (Object.keys(change).length > 0) settings = await updateTenantSettings(rt, tenant.slug, change as JsonObject);
    const updated = provisioningEnabled === undefined ? tenant : await setProvisioningEnabled(rt, tenant.slug, provisioningEnabled);
    request.log.info(
      {
        tenant: tenant.slug,
        admin: signedInAdmin(request).admin.id,
        changed: Object.keys(change).concat(provisioningEnabled === undefined ? [] : ['provisioningEnabled']),
      },
      'tenant settings changed',
    );
    return { settings: settingsView(settings, updated) };
  });

  addRoute(app, surface, listCredentialsRoute, async ({ request }) => {
    const { tenant } = await requestedTenant(rt, request);
    const credentials = await listCredentials(rt, tenant.id);
    return { credentials: credentials.map((c) => credentialView(c, activity.pendingCredentialUse(c.id))).reverse() };
  });

  addRoute(app, surface, issueCredentialRoute, async ({ request, body }) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    const issued = await issueCredential(rt, tenant.id, body.kind, body.label);
    request.log.info({ tenant: tenant.slug, admin: admin.id, credential: issued.credential.id, kind: body.kind }, 'credential issued');
    // The one response that carries a secret: it is not stored anywhere, and never shown again.
    return { credential: credentialView(issued.credential, undefined), secret: issued.secret, ...(issued.key ? { key: issued.key } : {}) };
  });

  addRoute(app, surface, listHeldChangesRoute, async ({ request, query }) => {
    const { tenant } = await requestedTenant(rt, request);
    const scope = { tenantId: tenant.id };
    const changes = await listHeldChanges(rt, scope, query.status === 'all' ? undefined : (query.status ?? 'held'));
    // Only a change still held has an effect to show: a decided one was applied or dropped.
    const effects = await describeHeldChanges(
      rt,
      scope,
      changes.filter((c) => c.status === 'held'),
    );
    return { heldChanges: changes.map((c) => heldChangeView(c, effects.get(c.id))) };
  });

  addRoute(app, surface, approveHeldChangeRoute, async ({ request, params }) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    const decided = await approveHeldChange(rt, { tenantId: tenant.id }, params.id, tenantSettings(tenant));
    request.log.info({ tenant: tenant.slug, admin: admin.id, held: params.id }, 'held change approved');
    return { heldChange: heldChangeView(decided) };
  });

  addRoute(app, surface, discardHeldChangeRoute, async ({ request, params }) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    const decided = await discardHeldChange(rt, { tenantId: tenant.id }, params.id);
    request.log.info({ tenant: tenant.slug, admin: admin.id, held: params.id }, 'held change discarded');
    return { heldChange: heldChangeView(decided) };
  });

  addRoute(app, surface, revokeCredentialRoute, async ({ request, params }) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    await revokeCredential(rt, tenant.id, params.id);
    request.log.info({ tenant: tenant.slug, admin: admin.id, credential: params.id }, 'credential revoked');
  });
}
