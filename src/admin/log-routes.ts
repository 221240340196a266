import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listCredentials } from '../provisioning/credentials/manage-credentials.js';
import { findRequestLogEntry, searchRequestLog } from '../provisioning/directory/read-directory.js';
import { notFound } from '../provisioning/errors.js';
import type { RequestLogQuery } from '../storage/store.js';
import { addRoute, declareRoute } from '../http/route-contract.js';
import { adminSurface, READ_ERRORS, tenantPath } from './admin-contract.js';
import { requestedTenant } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { logEntryDetailSchema, logEntrySchema } from './view-schemas.js';
import { logEntryDetailView, logEntryView } from './views.js';

const instant = z.iso.datetime({ offset: true });
const resourceId = z.string().min(1).max(200);

export const readLogRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/log',
  operationId: 'readProvisioningLog',
  summary: 'The provisioning log, newest first',
  params: tenantPath,
  query: z
    .object({
      q: z
        .string()
        .max(200)
        .optional()
        .describe(
          'Substring of the path, an ignored attribute name or a normaliser name. Looks at the newest 5,000 entries the other filters select; `complete` says whether that was all.',
        ),
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
      status: z
        .union([z.enum(['ok', 'error']), z.string().regex(/^[1-5]\d\d$/, 'ok, error or a status code')])
        .optional()
        .describe('ok (<400), error (≥400) or a status code.'),
      changed: z.enum(['true', 'false']).optional().describe('true: only requests that changed data.'),
      from: instant.optional().describe('Entries at or after this time.'),
      to: instant.optional().describe('Entries at or before this time.'),
      person: resourceId.optional().describe('Only requests about this person (id).'),
      group: resourceId.optional().describe('Only requests about this group (id).'),
      event: z
        .string()
        .regex(/^[a-z]+\.[a-z_]+$/, 'an event type such as user.created')
        .max(60)
        .optional()
        .describe('Only requests whose change was of this event type (user.created, group.updated, …).'),
      cursor: z.string().max(100).optional().describe('nextCursor of the previous page (older entries).'),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    })
    .strict(),
  response: z.strictObject({
    entries: z.array(logEntrySchema),
    nextCursor: z.string().nullable(),
    complete: z.boolean().describe('false when a search stopped at its window of entries with the page not full: older matches may exist.'),
  }),
  errors: [...READ_ERRORS, 503],
});

export const readLogEntryRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/log/:id',
  operationId: 'readProvisioningLogEntry',
  summary: 'One provisioning-log entry with its redacted request and response bodies',
  params: z.object({ slug: z.string(), id: z.string().min(1).max(100).describe('The entry id.') }),
  response: logEntryDetailSchema,
  errors: [...READ_ERRORS, 503],
});

/** The provisioning log: every SCIM request of the tenant, newest first, filtered in the database. */
export function registerLogRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;
  addRoute(app, adminSurface(options), readLogRoute, async ({ request, query: q }) => {
    const { tenant } = await requestedTenant(rt, request);
    // Entries wait in memory for up to a second; the admin looking for the request just sent should see it.
    await options.requestLog.flush().catch(() => {});
    // One of person and group: a request is about one resource.
    const resource = q.person ? { resourceId: q.person, resourceType: 'User' as const } : q.group ? { resourceId: q.group, resourceType: 'Group' as const } : {};
    const query: RequestLogQuery = {
      ...(q.q ? { text: q.q } : {}),
      ...(q.method ? { method: q.method } : {}),
      ...(q.status ? { status: q.status === 'ok' || q.status === 'error' ? q.status : Number(q.status) } : {}),
      ...(q.changed === 'true' ? { changedOnly: true } : {}),
      ...(q.from ? { fromMs: Date.parse(q.from) } : {}),
      ...(q.to ? { toMs: Date.parse(q.to) } : {}),
      ...resource,
      ...(q.event ? { event: q.event } : {}),
      ...(q.cursor ? { before: q.cursor } : {}),
      limit: q.limit + 1,
    };
    const { entries: rows, complete } = await searchRequestLog(rt, { tenantId: tenant.id }, query);
    const page = rows.slice(0, q.limit);
    const labels = new Map((await listCredentials(rt, tenant.id)).map((c) => [c.id, c.label]));
    return {
      entries: page.map((e) => logEntryView(e, labels)),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
      complete,
    };
  });

  addRoute(app, adminSurface(options), readLogEntryRoute, async ({ request, params }) => {
    const { tenant } = await requestedTenant(rt, request);
    await options.requestLog.flush().catch(() => {});
    const entry = await findRequestLogEntry(rt, { tenantId: tenant.id }, params.id);
    if (!entry) throw notFound('Log entry', params.id);
    const labels = new Map((await listCredentials(rt, tenant.id)).map((c) => [c.id, c.label]));
    return logEntryDetailView(entry, labels);
  });
}
