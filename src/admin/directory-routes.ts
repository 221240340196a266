import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { groupSummary, listGroupSummaries } from '../provisioning/admins/group-overview.js';
import { listPendingWithSubjects } from '../provisioning/admins/pending-overview.js';
import { listCredentials } from '../provisioning/credentials/manage-credentials.js';
import { dismissDuplicates, listPossibleDuplicates, MAX_PEOPLE_PER_DECISION, undoDuplicateDismissals } from '../provisioning/directory/possible-duplicates.js';
import { eachPersonPage, folderSummary, listFolders, listPeople, personOverview, type PeopleFilter } from '../provisioning/directory/read-directory.js';
import { getGroup } from '../provisioning/groups/read-groups.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import { tenantSettings } from '../provisioning/tenants/tenant-settings.js';
import type { TenantRecord } from '../storage/store.js';
import type { DuplicateCursor } from '../storage/store.js';
import { addRoute, addStreamRoute, declareRoute } from '../http/route-contract.js';
import { adminSurface, READ_ERRORS, tenantPath } from './admin-contract.js';
import { requestedTenant, signedInAdmin } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { csvRow } from './csv.js';
import { decodePeopleCursor, encodePeopleCursor, PEOPLE_SORTS, peopleSort, type PeopleSortParam } from './people-cursor.js';
import { duplicatesPageSchema, folderSchema, groupSchema, peoplePageSchema, pendingSchema, personDetailSchema, type PeoplePageView } from './view-schemas.js';
import { folderView, groupView, pendingView, personDetail, personSummary } from './views.js';

const id = z.string().min(1).max(100);
const limit = z.coerce.number().int().min(1).max(200).default(50).describe('Page size (1–200, default 50).');
const cursor = z.string().max(100).optional().describe('nextCursor of the previous page.');
const itemPath = (what: string) => z.object({ slug: z.string(), id: id.describe(`The ${what} id.`) });
const pageQuery = z.object({ cursor, limit }).strict();
const duplicateDecision = z.object({ userIds: z.array(id).min(2).max(MAX_PEOPLE_PER_DECISION) }).strict();

/** The People overview's filters (the list and its CSV export take the same). */
const peopleQuery = z
  .object({
    q: z.string().max(200).optional().describe('Substring of userName, display name or an email.'),
    status: z.enum(['active', 'inactive']).optional(),
    folder: id.optional().describe('A folder id.'),
    group: id.optional().describe('A pushed group id.'),
    incomplete: z.enum(['true', 'false']).optional().describe('true: only profiles missing a recommended attribute.'),
    source: z.enum(['scim', 'sso', 'admin', 'import']).optional().describe('Who made the profile.'),
  })
  .strict();

export const listPeopleRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/people',
  operationId: 'listPeople',
  summary: 'People overview, filtered and paginated in the database',
  params: tenantPath,
  query: peopleQuery
    .extend({
      // Sorted cursors carry the last row's sort value (a userName or name can be long).
      cursor: z.string().max(2000).optional().describe('nextCursor of the previous page, from the same sort.'),
      limit,
      sort: z.enum(PEOPLE_SORTS).optional().describe('Order: name, userName or updated (last change); a leading - for descending. Default: creation order.'),
    })
    .strict(),
  response: peoplePageSchema,
  errors: [...READ_ERRORS, 503],
});
export const exportPeopleRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/people.csv',
  operationId: 'exportPeople',
  summary: 'Every person matching the People overview filters as CSV, streamed (a cell starting with = + - @ gets a leading apostrophe)',
  params: tenantPath,
  query: peopleQuery,
  response: z.string().describe('CSV with a header row: id, userName, name, email, title, department, status, source, missing, createdAt, modifiedAt.'),
  mediaType: 'text/csv; charset=utf-8',
  errors: READ_ERRORS,
});
export const getPersonRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/people/:id',
  operationId: 'getPerson',
  summary: 'A person: every attribute, groups, folders, manager, reports, pending references and SCIM history',
  params: itemPath('person'),
  response: personDetailSchema,
  errors: READ_ERRORS,
});
export const listGroupsRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/groups',
  operationId: 'listGroups',
  summary: 'Pushed groups with member counts',
  params: tenantPath,
  query: z.object({ q: z.string().max(200).optional().describe('Substring of the display name.'), cursor, limit }).strict(),
  response: z.strictObject({ groups: z.array(groupSchema), total: z.number().int().min(0), nextCursor: z.string().nullable() }),
  errors: [...READ_ERRORS, 503],
});
export const getGroupRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/groups/:id',
  operationId: 'getGroup',
  summary: 'A pushed group and a page of its members',
  params: itemPath('group'),
  query: pageQuery,
  response: z.strictObject({ group: groupSchema, members: peoplePageSchema }),
  errors: READ_ERRORS,
});
export const listFoldersRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/folders',
  operationId: 'listFolders',
  summary: 'Attribute folders (department, division, organization) with member counts',
  params: tenantPath,
  query: z.object({ kind: z.enum(['department', 'division', 'organization']).optional().describe('Only this kind.') }).strict(),
  response: z.strictObject({ folders: z.array(folderSchema) }),
  errors: READ_ERRORS,
});
export const getFolderRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/folders/:id',
  operationId: 'getFolder',
  summary: 'A folder and a page of its members (an empty folder has memberCount 0)',
  params: itemPath('folder'),
  query: pageQuery,
  response: z.strictObject({ folder: folderSchema, members: peoplePageSchema }),
  errors: READ_ERRORS,
});
export const listPendingRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/pending',
  operationId: 'listPending',
  summary: 'References waiting for their target (late managers, early group members), oldest first',
  params: tenantPath,
  query: z.object({ offset: z.coerce.number().int().min(0).default(0).describe('Rows to skip.'), limit }).strict(),
  response: z.strictObject({ pending: z.array(pendingSchema), total: z.number().int().min(0) }),
  errors: READ_ERRORS,
});
export const listDuplicatesRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/duplicates',
  operationId: 'listDuplicates',
  summary: 'Possible duplicates: people sharing an email, then people with the same given and family name, minus pairs decided not to be',
  params: tenantPath,
  // A set's cursor is `reason:key` (after the key) or `reason=key` (from it); a key is a folded email
  // or name, so it can be longer than an id.
  query: z
    .object({
      cursor: z
        .string()
        .max(1100)
        .regex(/^(email|name)[:=]/, 'nextCursor of the previous page')
        .optional()
        .describe('nextCursor of the previous page.'),
      limit: z.coerce.number().int().min(1).max(100).default(25).describe('Sets per page (1–100, default 25).'),
    })
    .strict(),
  response: duplicatesPageSchema,
  errors: [...READ_ERRORS, 503],
});
export const dismissDuplicatesRoute = declareRoute({
  method: 'POST',
  path: '/tenants/:slug/duplicates/dismissals',
  operationId: 'dismissDuplicates',
  summary: 'Mark people as not duplicates of one another: every pair among them stops making a set (recorded in the audit log)',
  params: tenantPath,
  body: duplicateDecision,
  response: z.strictObject({ pairs: z.number().int().min(0), added: z.number().int().min(0).describe('Pairs not decided before.') }),
  errors: READ_ERRORS,
});
export const undoDuplicateDismissalsRoute = declareRoute({
  method: 'DELETE',
  path: '/tenants/:slug/duplicates/dismissals',
  operationId: 'undoDuplicateDismissals',
  summary: 'Undo a "not duplicates" decision among these people',
  params: tenantPath,
  body: duplicateDecision,
  response: z.strictObject({ removed: z.number().int().min(0) }),
  errors: READ_ERRORS,
});

const encodeCursor = (c: DuplicateCursor): string => `${c.reason}${c.inclusive ? '=' : ':'}${c.key}`;
function decodeCursor(text: string): DuplicateCursor {
  const at = text.search(/[:=]/);
  return { reason: text.slice(0, at) === 'email' ? 'email' : 'name', key: text.slice(at + 1), ...(text[at] === '=' ? { inclusive: true } : {}) };
}

/**
 * The console counts at most this many people per list: counting all of a 1,000,000-person tenant
 * on every page took a second or more, for a figure an admin reads as "a lot" past this.
 */
const PEOPLE_COUNT_CAP = 10_000;

const PEOPLE_CSV_COLUMNS = ['id', 'userName', 'name', 'email', 'title', 'department', 'status', 'source', 'missing', 'createdAt', 'modifiedAt'];

/** The list's filters from its query (the CSV export takes the same). */
function peopleFilter(q: z.output<typeof peopleQuery>): PeopleFilter {
  return {
    ...(q.q ? { text: q.q } : {}),
    ...(q.status ? { active: q.status === 'active' } : {}),
    ...(q.folder ? { folderId: q.folder } : {}),
    ...(q.group ? { groupId: q.group } : {}),
    ...(q.incomplete ? { incomplete: q.incomplete === 'true' } : {}),
    ...(q.source ? { source: q.source } : {}),
  };
}

/** A page of people as the API answers it (also the member list of a group or a folder). */
async function peoplePage(
  rt: ProvisioningRuntime,
  tenant: TenantRecord,
  filter: PeopleFilter,
  page: { cursor?: string | undefined; limit: number; sort?: PeopleSortParam | undefined },
): Promise<PeoplePageView> {
  const after = decodePeopleCursor(page.sort, page.cursor);
  const sort = peopleSort(page.sort);
  const result = await listPeople(rt, { tenantId: tenant.id }, filter, { ...(after ? { after } : {}), ...(sort ? { sort } : {}), limit: page.limit }, PEOPLE_COUNT_CAP);
  return {
    people: result.rows.map(personSummary),
    total: result.total ?? result.rows.length,
    totalExact: result.totalExact ?? true,
    nextCursor: encodePeopleCursor(page.sort, result.next),
  };
}

/** People overview, a person, group management (pushed groups and folders), pending references, duplicates. */
export function registerDirectoryRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;
  const surface = adminSurface(options);
  const labelsOf = async (tenantId: string) => new Map((await listCredentials(rt, tenantId)).map((c) => [c.id, c.label]));

  // The same filters as the list, every match, streamed a page at a time as CSV.
  addStreamRoute(app, surface, exportPeopleRoute, async ({ request, reply, query: q }) => {
    const { tenant } = await requestedTenant(rt, request);
    const filter = peopleFilter(q);
    request.log.info({ tenant: tenant.slug, admin: signedInAdmin(request).admin.id }, 'people exported');
    async function* lines() {
      yield csvRow(PEOPLE_CSV_COLUMNS);
      for await (const page of eachPersonPage(rt, { tenantId: tenant.id }, filter)) {
        yield page
          .map((user) => {
            const p = personSummary(user);
            return csvRow([
              p.id,
              p.userName,
              p.name,
              p.email,
              p.title,
              p.department,
              p.active ? 'active' : 'inactive',
              p.source,
              p.missing.join(' '),
              p.createdAt,
              p.modifiedAt,
            ]);
          })
          .join('');
      }
    }
    reply.header('content-disposition', `attachment; filename="${tenant.slug}-people.csv"`);
    return Readable.from(lines());
  });

  addRoute(app, surface, listPeopleRoute, async ({ request, query: q }) => {
    const { tenant } = await requestedTenant(rt, request);
    const filter = peopleFilter(q);
    return peoplePage(rt, tenant, filter, q);
  });

  addRoute(app, surface, getPersonRoute, async ({ request, params: path }) => {
    const { tenant } = await requestedTenant(rt, request);
    await options.requestLog.flush().catch(() => {});
    const overview = await personOverview(rt, { tenantId: tenant.id }, path.id);
    return personDetail(overview, tenantSettings(tenant), await labelsOf(tenant.id), rt.now());
  });

  addRoute(app, surface, listGroupsRoute, async ({ request, query: q }) => {
    const { tenant } = await requestedTenant(rt, request);
    const page = await listGroupSummaries(rt, { tenantId: tenant.id }, { ...(q.q ? { text: q.q } : {}), ...(q.cursor ? { after: q.cursor } : {}), limit: q.limit });
    return { groups: page.rows.map(groupView), total: page.total, nextCursor: page.next ?? null };
  });

  addRoute(app, surface, getGroupRoute, async ({ request, params: path, query: q }) => {
    const { tenant } = await requestedTenant(rt, request);
    const scope = { tenantId: tenant.id };
    const { group } = await getGroup(rt, scope, path.id, { withMembers: false });
    return { group: groupView(await groupSummary(rt, scope, group)), members: await peoplePage(rt, tenant, { groupId: group.id }, q) };
  });

  addRoute(app, surface, listFoldersRoute, async ({ request, query: q }) => {
    const { tenant } = await requestedTenant(rt, request);
    const folders = await listFolders(rt, { tenantId: tenant.id }, q.kind);
    return { folders: folders.map(folderView) };
  });

  addRoute(app, surface, getFolderRoute, async ({ request, params: path, query: q }) => {
    const { tenant } = await requestedTenant(rt, request);
    const summary = await folderSummary(rt, { tenantId: tenant.id }, path.id);
    return { folder: folderView(summary), members: await peoplePage(rt, tenant, { folderId: summary.folder.id }, q) };
  });

  addRoute(app, surface, listPendingRoute, async ({ request, query: q }) => {
    const { tenant } = await requestedTenant(rt, request);
    const page = await listPendingWithSubjects(rt, { tenantId: tenant.id }, { limit: q.limit, offset: q.offset });
    const now = rt.now();
    return { pending: page.rows.map((p) => ({ ...pendingView(p, now), subjectName: p.subjectName })), total: page.total };
  });

  addRoute(app, surface, listDuplicatesRoute, async ({ request, query: q }) => {
    const { tenant } = await requestedTenant(rt, request);
    const page = await listPossibleDuplicates(rt, { tenantId: tenant.id }, { ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}), limit: q.limit });
    return {
      duplicates: page.sets.map((d) => ({ reason: d.reason, key: d.key, people: d.users.map(personSummary), more: d.more })),
      total: page.total,
      totalExact: page.totalExact,
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
  });

  addRoute(app, surface, dismissDuplicatesRoute, async ({ request, body: { userIds } }) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    const result = await dismissDuplicates(rt, { tenantId: tenant.id }, userIds, admin.id);
    request.log.info({ tenant: tenant.slug, admin: admin.id, people: userIds.length, added: result.added }, 'marked not duplicates');
    return result;
  });

  addRoute(app, surface, undoDuplicateDismissalsRoute, async ({ request, body: { userIds } }) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    const result = await undoDuplicateDismissals(rt, { tenantId: tenant.id }, userIds);
    request.log.info({ tenant: tenant.slug, admin: admin.id, people: userIds.length, removed: result.removed }, 'not-duplicate decision undone');
    return result;
  });
}
