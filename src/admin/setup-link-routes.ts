import { mountPathOf } from '../http/mount-path.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { csrfTokenFor } from '../provisioning/admins/admin-sessions.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { isSetupIdp } from '../provisioning/setup/setup-idps.js';
import { auditSetupUse, createSetupLink, endSetupSession, listSetupLinks, revokeSetupLink } from '../provisioning/setup/setup-links.js';
import { madeSetupLinkSchema, newSetupLink, setupLinkBody, setupLinkSchema, setupLinkUrl, setupLinkView } from '../http/setup-link-input.js';
import { addRoute, declareRoute } from '../http/route-contract.js';
import { adminSurface, READ_ERRORS, tenantPath } from './admin-contract.js';
import { AdminApiError } from './admin-errors.js';
import { consoleOrigin, requestedSetupTenant, requestedTenant, SETUP_ROUTE, setupSession } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { clearedSessionCookie, SETUP_COOKIE } from './session-cookie.js';
import { scimEndpoints } from './tenant-routes.js';
import { credentialSchema, setupOverviewSchema, setupSessionSchema } from './view-schemas.js';
import { credentialView } from './views.js';

const linkPath = z.object({
  slug: z.string(),
  id: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'a setup link id')
    .describe('The setup link id.'),
});

export const listSetupLinksRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/setup-links',
  operationId: 'listSetupLinks',
  summary: "The tenant's setup links (never their secrets)",
  params: tenantPath,
  response: z.strictObject({ links: z.array(setupLinkSchema) }),
  errors: READ_ERRORS,
});
export const createSetupLinkRoute = declareRoute({
  method: 'POST',
  path: '/tenants/:slug/setup-links',
  operationId: 'createSetupLink',
  summary: "Make a link for the customer's IT admin to set up provisioning alone; the URL is in this answer only",
  description: '`expiresIn` is `30m`, `12h` or `7d` (default 7d, at most 30d).',
  params: tenantPath,
  body: setupLinkBody,
  response: madeSetupLinkSchema,
  statuses: [201],
  errors: READ_ERRORS,
});
export const revokeSetupLinkRoute = declareRoute({
  method: 'DELETE',
  path: '/tenants/:slug/setup-links/:id',
  operationId: 'revokeSetupLink',
  summary: 'Revoke a setup link and end the sessions it opened',
  params: linkPath,
  response: null,
  errors: READ_ERRORS,
});
export const getSetupSessionRoute = declareRoute({
  method: 'GET',
  path: '/setup/session',
  operationId: 'getSetupSession',
  summary: 'The setup-link session: its tenant, preselected IdP and branding (404 for an admin session)',
  ...SETUP_ROUTE,
  response: setupSessionSchema,
  errors: [401, 403, 404],
});
export const endSetupSessionRoute = declareRoute({
  method: 'DELETE',
  path: '/setup/session',
  operationId: 'endSetupSession',
  summary: 'End the setup-link session',
  ...SETUP_ROUTE,
  response: null,
  errors: [401, 403],
});
export const setupOverviewRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/setup',
  operationId: 'getSetupOverview',
  summary: 'What the guided setup shows of the tenant: SCIM URLs and whether provisioning is on (also for a setup-link session)',
  ...SETUP_ROUTE,
  params: tenantPath,
  response: setupOverviewSchema,
  errors: READ_ERRORS,
});
export const setupTokenRoute = declareRoute({
  method: 'POST',
  path: '/tenants/:slug/setup/token',
  operationId: 'issueSetupToken',
  summary: 'Generate the SCIM token in the guided setup (also for a setup-link session); the secret is in this answer only',
  ...SETUP_ROUTE,
  params: tenantPath,
  body: z.strictObject({ idp: z.string().max(40).optional() }),
  response: z.strictObject({ credential: credentialSchema, secret: z.string() }),
  statuses: [201],
  errors: READ_ERRORS,
});

/** Setup links (made by an admin of the tenant) and the setup session they open. */
export function registerSetupLinkRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;
  const surface = adminSurface(options);
  const base = (request: FastifyRequest) => options.publicUrl || consoleOrigin(request, options.publicUrl);

  addRoute(app, surface, listSetupLinksRoute, async ({ request }) => {
    const { tenant } = await requestedTenant(rt, request);
    return { links: (await listSetupLinks(rt, tenant.id)).map((l) => setupLinkView(l, rt.now())) };
  });

  addRoute(app, surface, createSetupLinkRoute, async ({ request, body }) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    const made = await createSetupLink(rt, newSetupLink(body, tenant.id, `admin:${admin.id}`));
    request.log.info({ tenant: tenant.slug, admin: admin.id, link: made.link.id }, 'setup link created');
    // The one answer with the link's secret in it: only a hash is stored.
    return { link: setupLinkView(made.link, rt.now()), url: setupLinkUrl(base(request), made.token), tenantMode: made.tenantMode };
  });

  addRoute(app, surface, revokeSetupLinkRoute, async ({ request, params: { id } }) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    await revokeSetupLink(rt, tenant.id, id);
    request.log.info({ tenant: tenant.slug, admin: admin.id, link: id }, 'setup link revoked');
  });

  // What a browser signed in by a setup link is, for the console's setup page.
  addRoute(app, surface, getSetupSessionRoute, async ({ request }) => {
    const setup = setupSession(request);
    if (!setup) throw new AdminApiError(404, 'notSetupSession', 'this session was not opened with a setup link');
    return {
      tenant: { slug: setup.tenant.slug, name: setup.tenant.name },
      idp: setup.link.idp,
      branding: setup.link.branding,
      csrfToken: csrfTokenFor(setup.sessionId),
      expiresAt: new Date(setup.expiresMs).toISOString(),
    };
  });

  addRoute(app, surface, endSetupSessionRoute, async ({ request, reply }) => {
    const setup = setupSession(request);
    if (setup) await endSetupSession(rt, setup.sessionId);
    const secure = options.publicUrl.startsWith('https:') || request.protocol === 'https';
    reply.header('set-cookie', clearedSessionCookie(secure, mountPathOf(request), SETUP_COOKIE));
  });

  // The tenant's SCIM endpoints and whether provisioning is on: what the guide's first step shows.
  addRoute(app, surface, setupOverviewRoute, async ({ request }) => {
    const { tenant } = await requestedSetupTenant(rt, request);
    return {
      tenant: { slug: tenant.slug, name: tenant.name, provisioningEnabled: tenant.provisioningEnabled, mode: tenant.mode },
      endpoints: scimEndpoints(request, options.publicUrl, tenant.slug),
    };
  });

  // Generates the SCIM token in place: shown once in this answer, only its hash stored.
  addRoute(app, surface, setupTokenRoute, async ({ request, body: { idp } }) => {
    const { tenant, admin, setup } = await requestedSetupTenant(rt, request);
    const idpName = idp && isSetupIdp(idp) ? idp : 'SCIM client';
    const label = `${idpName} (${setup ? 'setup link' : 'guided setup'} ${new Date(rt.now()).toISOString().slice(0, 10)})`;
    const issued = await issueCredential(rt, tenant.id, 'bearer', label);
    if (setup) await auditSetupUse(rt, tenant.id, 'setup_link.token_issued', setup.link.id);
    request.log.info(
      { tenant: tenant.slug, admin: admin?.id ?? null, setupLink: setup?.link.id ?? null, credential: issued.credential.id },
      'credential issued in guided setup',
    );
    return { credential: credentialView(issued.credential, undefined), secret: issued.secret };
  });
}
