import { mountPathOf } from '../http/mount-path.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { csrfTokenFor } from '../provisioning/admins/admin-sessions.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { isSetupIdp } from '../provisioning/setup/setup-idps.js';
import { auditSetupUse, createSetupLink, endSetupSession, listSetupLinks, revokeSetupLink } from '../provisioning/setup/setup-links.js';
import { newSetupLink, setupLinkBody, setupLinkUrl, setupLinkView } from '../http/setup-link-input.js';
import { AdminApiError } from './admin-errors.js';
import { consoleOrigin, parseInput, requestedSetupTenant, requestedTenant, SETUP_ROUTE, setupSession } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { clearedSessionCookie, SETUP_COOKIE } from './session-cookie.js';
import { scimEndpoints } from './tenant-routes.js';
import { credentialView } from './views.js';

const linkPath = z.object({ slug: z.string(), id: z.string().regex(/^[0-9a-f]{16}$/, 'a setup link id') });
const tokenBody = z.strictObject({ idp: z.string().max(40).optional() });

/** Setup links (made by an admin of the tenant) and the setup session they open. */
export function registerSetupLinkRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;
  const base = (request: FastifyRequest) => options.publicUrl || consoleOrigin(request, options.publicUrl);

  app.get('/tenants/:slug/setup-links', async (request) => {
    const { tenant } = await requestedTenant(rt, request);
    return { links: (await listSetupLinks(rt, tenant.id)).map((l) => setupLinkView(l, rt.now())) };
  });

  app.post('/tenants/:slug/setup-links', async (request, reply) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    const body = parseInput(setupLinkBody, request.body, 'body');
    const made = await createSetupLink(rt, newSetupLink(body, tenant.id, `admin:${admin.id}`));
    request.log.info({ tenant: tenant.slug, admin: admin.id, link: made.link.id }, 'setup link created');
    // The one answer with the link's secret in it: only a hash is stored.
    return reply.code(201).send({ link: setupLinkView(made.link, rt.now()), url: setupLinkUrl(base(request), made.token), tenantMode: made.tenantMode });
  });

  app.delete('/tenants/:slug/setup-links/:id', async (request, reply) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    const { id } = parseInput(linkPath, request.params, 'path');
    await revokeSetupLink(rt, tenant.id, id);
    request.log.info({ tenant: tenant.slug, admin: admin.id, link: id }, 'setup link revoked');
    return reply.code(204).send();
  });

  // What a browser signed in by a setup link is, for the console's setup page.
  app.get('/setup/session', SETUP_ROUTE, async (request) => {
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

  app.delete('/setup/session', SETUP_ROUTE, async (request, reply) => {
    const setup = setupSession(request);
    if (setup) await endSetupSession(rt, setup.sessionId);
    const secure = options.publicUrl.startsWith('https:') || request.protocol === 'https';
    return reply.code(204).header('set-cookie', clearedSessionCookie(secure, mountPathOf(request), SETUP_COOKIE)).send();
  });

  // The tenant's SCIM endpoints and whether provisioning is on: what the guide's first step shows.
  app.get('/tenants/:slug/setup', SETUP_ROUTE, async (request) => {
    const { tenant } = await requestedSetupTenant(rt, request);
    return {
      tenant: { slug: tenant.slug, name: tenant.name, provisioningEnabled: tenant.provisioningEnabled, mode: tenant.mode },
      endpoints: scimEndpoints(request, options.publicUrl, tenant.slug),
    };
  });

  // Generates the SCIM token in place: shown once in this answer, only its hash stored.
  app.post('/tenants/:slug/setup/token', SETUP_ROUTE, async (request, reply) => {
    const { tenant, admin, setup } = await requestedSetupTenant(rt, request);
    const { idp } = parseInput(tokenBody, request.body, 'body');
    const idpName = idp && isSetupIdp(idp) ? idp : 'SCIM client';
    const label = `${idpName} (${setup ? 'setup link' : 'guided setup'} ${new Date(rt.now()).toISOString().slice(0, 10)})`;
    const issued = await issueCredential(rt, tenant.id, 'bearer', label);
    if (setup) await auditSetupUse(rt, tenant.id, 'setup_link.token_issued', setup.link.id);
    request.log.info({ tenant: tenant.slug, admin: admin?.id ?? null, setupLink: setup?.link.id ?? null, credential: issued.credential.id }, 'credential issued in guided setup');
    return reply.code(201).send({ credential: credentialView(issued.credential, undefined), secret: issued.secret });
  });
}
