import { ApiError } from './api-error.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateHostKey, type HostAccess } from '../provisioning/host-keys/host-keys.js';
import { DomainError } from '../provisioning/errors.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import type { TenantRecord } from '../storage/store.js';
import type { ClientLimits } from './client-limits.js';

/** An error of the host API: a status and a sentence, rendered as `{ status, error, detail }`. */
export class HostApiError extends ApiError {}

const unauthorized = () =>
  new HostApiError(401, 'unauthorized', 'send a valid, unrevoked host API key as "Authorization: Bearer rhk_…" (SCIM tokens are not accepted here)', {
    'www-authenticate': 'Bearer realm="roster-host"',
  });

/** What an authenticated host request may see: its key, and the tenant named in the path. */
export interface HostRequestContext {
  readonly access: HostAccess;
  readonly tenant?: TenantRecord;
}

/**
 * Authenticates host API requests (`onRequest`, before any body is read): a host key, never a
 * SCIM credential. A key for one tenant gets 403 for any other slug, whether it exists or not.
 */
export function hostAuthenticator(rt: ProvisioningRuntime, clientLimits?: ClientLimits) {
  const contexts = new WeakMap<FastifyRequest, HostRequestContext>();
  const hook = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const access = match?.[1] ? await authenticateHostKey(rt, match[1]) : undefined;
    if (!access) {
      const refused = await clientLimits?.failed(request.ip, false);
      if (refused) {
        const wait = refused.waitSeconds;
        throw new HostApiError(429, 'too_many_requests', `too many failed authentications; retry after ${wait} s`, { 'retry-after': String(wait) });
      }
      throw unauthorized();
    }
    const slug = (request.params as { slug?: string } | undefined)?.slug;
    if (slug === undefined) {
      contexts.set(request, { access });
      return;
    }
    const tenant = await rt.store.tenants.findBySlug(slug);
    if (access.tenantId !== null && tenant?.id !== access.tenantId) throw new HostApiError(403, 'forbidden', 'this host key is for another tenant');
    if (!tenant) throw new DomainError('notFound', `tenant "${slug}" not found`);
    contexts.set(request, { access, tenant });
  };
  const context = (request: FastifyRequest): HostRequestContext => {
    const found = contexts.get(request);
    if (!found) throw unauthorized();
    return found;
  };
  const tenantOf = (request: FastifyRequest): TenantRecord => {
    const { tenant } = context(request);
    if (!tenant) throw new HostApiError(400, 'bad_request', 'this endpoint needs a tenant slug in the path');
    return tenant;
  };
  return { hook, context, tenantOf };
}
