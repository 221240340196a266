import { z } from 'zod';
import type { OpenApiSurface } from '../http/openapi-document.js';
import type { ApiSurface } from '../http/route-contract.js';
import { authorizeTenantRoute, invalidInput } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { adminErrorSchema } from './view-schemas.js';

/** How the admin API reports bad input, and whether it checks its answers against their declarations. */
export function adminSurface(options: Pick<AdminApiOptions, 'rt' | 'checkResponses'>): ApiSurface {
  return { invalidInput, checkResponses: options.checkResponses ?? false, authorize: (request) => authorizeTenantRoute(options.rt, request) };
}

/** Path parameters most admin routes share. */
export const slugParam = z.string().min(1).max(63).describe('The tenant slug.');
export const tenantPath = z.object({ slug: slugParam });

/** Errors every signed-in route may answer. */
export const READ_ERRORS = [400, 401, 403, 404] as const;

/** The admin API's description of itself; its operations come from the route declarations. */
export const ADMIN_OPENAPI: OpenApiSurface = {
  info: {
    title: 'Roster admin API',
    version: '1',
    description:
      'The JSON API behind the admin console. Sign in with POST /session; the session travels in an HttpOnly, SameSite=Strict cookie. ' +
      "Every POST, PATCH and DELETE (except sign-in) must carry the session's csrfToken in the X-CSRF-Token header, and requests from " +
      'another origin are refused. Operators see every tenant; a tenant admin sees only theirs (other tenants answer 404). ' +
      'Secrets appear only in the response that creates them. Generated from the route declarations.',
  },
  serverUrl: '/admin/api/v1',
  security: [{ session: [] }],
  securitySchemes: {
    session: { type: 'apiKey', in: 'cookie', name: 'roster_admin' },
    csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
    setupSession: { type: 'apiKey', in: 'cookie', name: 'roster_setup', description: 'A session opened with a setup link: only the setup routes of its own tenant.' },
  },
  errorSchema: adminErrorSchema,
  errorDescriptions: {
    400: 'Invalid parameters or body; the message names each problem.',
    401: 'Not signed in, or the session expired.',
    403: 'Missing X-CSRF-Token header, a request from another origin, or not allowed to this admin (or setup-link session).',
    404: 'No such tenant (or not one this admin manages), or no such item.',
    409: 'Conflict.',
    410: 'The link expired or was already used.',
    412: 'Refused: the last enabled operator, or a disabled admin.',
    429: 'Too many sign-ins; see Retry-After.',
    503: 'The database is busy or the read took too long; see Retry-After.',
  },
  // Every unsafe method needs the session's CSRF token as well as its cookie.
  securityFor: (contract) => (contract.method === 'GET' ? undefined : [{ session: [], csrf: [] }]),
};
