import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { groupSummary, listGroupSummaries } from '../provisioning/admins/group-overview.js';
import { listPendingWithSubjects } from '../provisioning/admins/pending-overview.js';
import { listCredentials } from '../provisioning/credentials/manage-credentials.js';
import { dismissDuplicates, listPossibleDuplicates, MAX_PEOPLE_PER_DECISION, undoDuplicateDismissals } from '../provisioning/directory/possible-duplicates.js';
import { eachPersonPage, listFolders, listPeople, personOverview, type PeopleFilter } from '../provisioning/directory/read-directory.js';
import { notFound } from '../provisioning/errors.js';
import { getGroup } from '../provisioning/groups/read-groups.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import { tenantSettings } from '../provisioning/tenants/tenant-settings.js';
import type { TenantRecord } from '../storage/store.js';
import type { DuplicateCursor } from '../storage/store.js';
import { parseInput, requestedTenant, signedInAdmin } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { csvRow } from './csv.js';
import { folderView, groupView, pendingView, personDetail, personSummary } from './views.js';

const id = z.string().min(1).max(100);
const limit = z.coerce.number().int().min(1).max(200).default(50);
const cursor = z.string().max(100).optional();

const peopleQuery = z
  .object({
    q: z.string().max(200).optional(),
    status: z.enum(['active', 'inactive']).optional(),
    folder: id.optional(),
    group: id.optional(),
    incomplete: z.enum(['true', 'false']).optional(),
    source: z.enum(['scim', 'sso', 'admin', 'import']).optional(),
    cursor,
    limit,
  })
  .strict();
const pageQuery = z.object({ cursor, limit }).strict();
const groupsQuery = z.object({ q: z.string().max(200).optional(), cursor, limit }).strict();
const foldersQuery = z.object({ kind: z.enum(['department', 'division', 'organization']).optional() }).strict();
const offsetQuery = z.object({ offset: z.coerce.number().int().min(0).default(0), limit }).strict();
const itemPath = z.object({ slug: z.string(), id });
// A set's cursor is `reason:key` (after the key) or `reason=key` (from it); a key is a folded email
// or name, so it can be longer than an id.
const duplicatesQuery = z
  .object({ cursor: z.string().max(1100).regex(/^(email|name)[:=]/, 'nextCursor of the previous page').optional(), limit: z.coerce.number().int().min(1).max(100).default(25) })
  .strict();
const duplicateDecision = z.object({ userIds: z.array(id).min(2).max(MAX_PEOPLE_PER_DECISION) }).strict();

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
function peopleFilter(q: z.infer<typeof peopleQuery>): PeopleFilter {
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
async function peoplePage(rt: ProvisioningRuntime, tenant: TenantRecord, filter: PeopleFilter, page: { cursor?: string | undefined; limit: number }) {
  const result = await listPeople(rt, { tenantId: tenant.id }, filter, { ...(page.cursor ? { after: page.cursor } : {}), limit: page.limit }, PEOPLE_COUNT_CAP);
  return { people: result.rows.map(personSummary), total: result.total ?? result.rows.length, totalExact: result.totalExact ?? true, nextCursor: result.next?.id ?? null };
}

/** People overview, a person, group management (pushed groups and folders), pending references, duplicates. */
export function registerDirectoryRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;
  const labelsOf = async (tenantId: string) => new Map((await listCredentials(rt, tenantId)).map((c) => [c.id, c.label]));

  // The same filters as the list, every match, streamed a page at a time as CSV.
  app.get('/tenants/:slug/people.csv', async (request, reply) => {
    const { tenant } = await requestedTenant(rt, request);
    const q = parseInput(peopleQuery, request.query, 'query');
    const filter = peopleFilter(q);
    request.log.info({ tenant: tenant.slug, admin: signedInAdmin(request).admin.id }, 'people exported');
    async function* lines() {
      yield csvRow(PEOPLE_CSV_COLUMNS);
      for await (const page of eachPersonPage(rt, { tenantId: tenant.id }, filter)) {
        yield page.map((user) => {
          const p = personSummary(user);
          return csvRow([p.id, p.userName, p.name, p.email, p.title, p.department, p.active ? 'active' : 'inactive', p.source, p.missing.join(' '), p.createdAt, p.modifiedAt]);
        }).join('');
      }
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${tenant.slug}-people.csv"`)
      .send(Readable.from(lines()));
  });

  app.get('/tenants/:slug/people', async (request) => {
    const { tenant } = await requestedTenant(rt, request);
    const q = parseInput(peopleQuery, request.query, 'query');
    const filter = peopleFilter(q);
    return peoplePage(rt, tenant, filter, q);
  });

  app.get('/tenants/:slug/people/:id', async (request) => {
    const { tenant } = await requestedTenant(rt, request);
    const path = parseInput(itemPath, request.params, 'path');
    await options.requestLog.flush().catch(() => {});
    const overview = await personOverview(rt, { tenantId: tenant.id }, path.id);
    return personDetail(overview, tenantSettings(tenant), await labelsOf(tenant.id), rt.now());
  });

  app.get('/tenants/:slug/groups', async (request) => {
    const { tenant } = await requestedTenant(rt, request);
    const q = parseInput(groupsQuery, request.query, 'query');
    const page = await listGroupSummaries(rt, { tenantId: tenant.id }, { ...(q.q ? { text: q.q } : {}), ...(q.cursor ? { after: q.cursor } : {}), limit: q.limit });
    return { groups: page.rows.map(groupView), total: page.total, nextCursor: page.next ?? null };
  });

  app.get('/tenants/:slug/groups/:id', async (request) => {
    const { tenant } = await requestedTenant(rt, request);
    const path = parseInput(itemPath, request.params, 'path');
    const q = parseInput(pageQuery, request.query, 'query');
    const scope = { tenantId: tenant.id };
    const { group } = await getGroup(rt, scope, path.id, { withMembers: false });
    return { group: groupView(await groupSummary(rt, scope, group)), members: await peoplePage(rt, tenant, { groupId: group.id }, q) };
  });

  app.get('/tenants/:slug/folders', async (request) => {
    const { tenant } = await requestedTenant(rt, request);
    const q = parseInput(foldersQuery, request.query, 'query');
    const folders = await listFolders(rt, { tenantId: tenant.id }, q.kind);
    return { folders: folders.map(folderView) };
  });

  app.get('/tenants/:slug/folders/:id', async (request) => {
    const { tenant } = await requestedTenant(rt, request);
    const path = parseInput(itemPath, request.params, 'path');
    const q = parseInput(pageQuery, request.query, 'query');
    const folder = (await listFolders(rt, { tenantId: tenant.id })).find((f) => f.id === path.id);
    if (!folder) throw notFound('Folder', path.id);
    return { folder: folderView(folder), members: await peoplePage(rt, tenant, { folderId: folder.id }, q) };
  });

  app.get('/tenants/:slug/pending', async (request) => {
    const { tenant } = await requestedTenant(rt, request);
    const q = parseInput(offsetQuery, request.query, 'query');
    const page = await listPendingWithSubjects(rt, { tenantId: tenant.id }, { limit: q.limit, offset: q.offset });
    const now = rt.now();
    return { pending: page.rows.map((p) => ({ ...pendingView(p, now), subjectName: p.subjectName })), total: page.total };
  });

  app.get('/tenants/:slug/duplicates', async (request) => {
    const { tenant } = await requestedTenant(rt, request);
    const q = parseInput(duplicatesQuery, request.query, 'query');
    const page = await listPossibleDuplicates(rt, { tenantId: tenant.id }, { ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}), limit: q.limit });
    return {
      duplicates: page.sets.map((d) => ({ reason: d.reason, key: d.key, people: d.users.map(personSummary), more: d.more })),
      total: page.total,
      totalExact: page.totalExact,
      nextCursor: page.next ? encodeCursor(page.next) : null,
    };
  });

  app.post('/tenants/:slug/duplicates/dismissals', async (request) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    const { userIds } = parseInput(duplicateDecision, request.body, 'body');
    const result = await dismissDuplicates(rt, { tenantId: tenant.id }, userIds, admin.id);
    request.log.info({ tenant: tenant.slug, admin: admin.id, people: userIds.length, added: result.added }, 'marked not duplicates');
    return result;
  });

  app.delete('/tenants/:slug/duplicates/dismissals', async (request) => {
    const { tenant, admin } = await requestedTenant(rt, request);
    const { userIds } = parseInput(duplicateDecision, request.body, 'body');
    const result = await undoDuplicateDismissals(rt, { tenantId: tenant.id }, userIds);
    request.log.info({ tenant: tenant.slug, admin: admin.id, people: userIds.length, removed: result.removed }, 'not-duplicate decision undone');
    return result;
  });
}
