import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listCredentials } from '../provisioning/credentials/manage-credentials.js';
import { listRequestLog } from '../provisioning/directory/read-directory.js';
import type { RequestLogQuery } from '../storage/store.js';
import { addRoute, declareRoute } from '../http/route-contract.js';
import { adminSurface, READ_ERRORS, tenantPath } from './admin-contract.js';
import { requestedTenant } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { logEntrySchema } from './view-schemas.js';
import { logEntryView } from './views.js';

export const readLogRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/log',
  operationId: 'readProvisioningLog',
  summary: 'The provisioning log, newest first',
  params: tenantPath,
  query: z
    .object({
      q: z.string().max(200).optional().describe('Substring of path, client or error.'),
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
      status: z
        .union([z.enum(['ok', 'error']), z.string().regex(/^[1-5]\d\d$/, 'ok, error or a status code')])
        .optional()
        .describe('ok (<400), error (≥400) or a status code.'),
      changed: z.enum(['true', 'false']).optional().describe('true: only requests that changed data.'),
      cursor: z.string().max(100).optional().describe('nextCursor of the previous page (older entries).'),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    })
    .strict(),
  response: z.strictObject({ entries: z.array(logEntrySchema), nextCursor: z.string().nullable() }),
  errors: [...READ_ERRORS, 503],
});

/** The provisioning log: every SCIM request of the tenant, newest first, filtered in the database. */
export function registerLogRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;
  addRoute(app, adminSurface(options), readLogRoute, async ({ request, query: q }) => {
    const { tenant } = await requestedTenant(rt, request);
    // Entries wait in memory for up to a second; the admin looking for the request just sent should see it.
    await options.requestLog.flush().catch(() => {});
    const query: RequestLogQuery = {
      ...(q.q ? { text: q.q } : {}),
      ...(q.method ? { method: q.method } : {}),
      ...(q.status ? { status: q.status === 'ok' || q.status === 'error' ? q.status : Number(q.status) } : {}),
      ...(q.changed === 'true' ? { changedOnly: true } : {}),
      ...(q.cursor ? { before: q.cursor } : {}),
      limit: q.limit + 1,
    };
    const rows = await listRequestLog(rt, { tenantId: tenant.id }, query);
    const page = rows.slice(0, q.limit);
    const labels = new Map((await listCredentials(rt, tenant.id)).map((c) => [c.id, c.label]));
    return {
      entries: page.map((e) => logEntryView(e, labels)),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  });
}
