import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listCredentials } from '../provisioning/credentials/manage-credentials.js';
import { listRequestLog } from '../provisioning/directory/read-directory.js';
import type { RequestLogQuery } from '../storage/store.js';
import { parseInput, requestedTenant } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { logEntryView } from './views.js';

const logQuery = z
  .object({
    q: z.string().max(200).optional(),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    status: z.union([z.enum(['ok', 'error']), z.string().regex(/^[1-5]\d\d$/, 'ok, error or a status code')]).optional(),
    changed: z.enum(['true', 'false']).optional(),
    cursor: z.string().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** The provisioning log: every SCIM request of the tenant, newest first, filtered in the database. */
export function registerLogRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;
  app.get('/tenants/:slug/log', async (request) => {
    const { tenant } = await requestedTenant(rt, request);
    const q = parseInput(logQuery, request.query, 'query');
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
