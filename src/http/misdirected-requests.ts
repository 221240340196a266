import type { FastifyInstance } from 'fastify';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import type { RequestLogWriter } from '../provisioning/tenants/request-log-writer.js';
import { resolveTenant } from './resolve-tenant.js';
import { refusedEntry } from './scim-routes.js';

/** A path an IdP would send to a SCIM server: a resource endpoint somewhere in it. */
const SCIM_LIKE = /\/(Users|Groups|ServiceProviderConfig|ResourceTypes|Schemas|Bulk|serviceConfiguration)(\/|\?|$)/i;

/**
 * An IdP configured with the wrong base URL (`/scim/` without `v2`, `/scim/v2/scim/v2/`, the tenant
 * path without `/scim/v2`) gets 404 from no route at all, so the SCIM routes never see it. When
 * such a request carries a good token, the provisioning log of that token's tenant records it, so
 * the live connection check can say "the URL is wrong" rather than show nothing.
 */
export function recordMisdirectedRequests(app: FastifyInstance, options: { rt: ProvisioningRuntime; requestLog: RequestLogWriter }): void {
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 404 || request.routeOptions.url !== undefined || !SCIM_LIKE.test(request.url.split('#')[0] ?? '')) return;
    const result = await resolveTenant(options.rt, request.headers.authorization).catch(() => undefined);
    if (!result?.ok) return;
    options.requestLog.append(
      refusedEntry(
        request,
        404,
        { tenantId: result.tenant.id, credentialId: result.credential.id, outcome: 'wrong-url', detail: 'no SCIM endpoint at this URL' },
        options.rt.now(),
      ),
    );
  });
}
