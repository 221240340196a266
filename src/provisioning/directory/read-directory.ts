import type { Condition, CursorPosition, Field, ListResult, SortOrder } from '../../storage/query.js';
import type {
  FolderKind,
  FolderRecord,
  MemberCount,
  PendingReferenceRecord,
  RequestLogEntry,
  RequestLogPage,
  RequestLogQuery,
  StoredUser,
  TenantScope,
  UserGroupRecord,
  UserSource,
} from '../../storage/store.js';
import { notFound } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** How an admin or the host filters people (README.md#console, People overview). */
export interface PeopleFilter {
  /**
   * Text inside a name (given, family, formatted, display), an email, the userName or the title,
   * case-insensitive, from a text index; under three characters, the start of the userName,
   * display name or an email (no index can find two characters inside a name).
   */
  readonly text?: string;
  readonly active?: boolean;
  readonly folderId?: string;
  readonly groupId?: string;
  readonly incomplete?: boolean;
  readonly source?: UserSource;
}

const field = (path: string[], caseExact = false): Field => ({ path, type: 'string', caseExact });
const and = (conditions: Condition[]): Condition | undefined =>
  conditions.reduce<Condition | undefined>((acc, c) => (acc ? { kind: 'and', left: acc, right: c } : c), undefined);

/** The filter, less its text (see peopleSearch), as a storage condition, so it runs in the database like a SCIM filter. */
export function peopleCondition(filter: PeopleFilter): Condition | undefined {
  const parts: Condition[] = [];
  if (filter.active !== undefined) parts.push({ kind: 'compare', field: { path: ['active'], type: 'boolean', caseExact: false }, op: 'eq', value: filter.active });
  if (filter.folderId)
    parts.push({ kind: 'any', collection: ['$folders'], condition: { kind: 'compare', field: field(['value'], true), op: 'eq', value: filter.folderId } });
  if (filter.groupId) parts.push({ kind: 'any', collection: ['groups'], condition: { kind: 'compare', field: field(['value'], true), op: 'eq', value: filter.groupId } });
  if (filter.incomplete !== undefined) {
    parts.push({ kind: 'compare', field: field(['$missing'], true), op: filter.incomplete ? 'ne' : 'eq', value: '' });
  }
  if (filter.source) parts.push({ kind: 'compare', field: field(['$source'], true), op: 'eq', value: filter.source });
  return and(parts);
}

/** The filter's search text, when it has any besides spaces. */
export function peopleSearch(filter: PeopleFilter): string | undefined {
  const text = filter.text?.trim();
  return text ? text : undefined;
}

/** What the People overview orders by; each has its own index (migration 019). Email has none: emails are a child table. */
export type PeopleSortKey = 'name' | 'userName' | 'updated';

/** An order for the People overview. */
export interface PeopleSort {
  readonly key: PeopleSortKey;
  readonly descending: boolean;
}

/** The storage field behind each sort: `name` is the folded displayName, the column the list can index. */
const SORT_FIELDS: Record<PeopleSortKey, Field> = {
  name: field(['displayName']),
  userName: field(['userName']),
  updated: { path: ['meta', 'lastModified'], type: 'dateTime', caseExact: false },
};

function sortOrder(sort: PeopleSort | undefined): { sort?: SortOrder } {
  return sort ? { sort: { field: SORT_FIELDS[sort.key], descending: sort.descending } } : {};
}

/**
 * A page of people with a cursor, counted in the database: in creation order (by id), or in
 * `sort` order, where the cursor carries the last row's sort value as well as its id.
 */
export async function listPeople(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  filter: PeopleFilter,
  /** `after`: a bare id in creation order, or a position (sort value and id) in `sort` order. */
  page: { after?: string | CursorPosition; limit: number; sort?: PeopleSort },
  /** Count at most this many (the console's lists); the result says whether the total is exact. */
  countCap?: number,
): Promise<ListResult<StoredUser>> {
  const where = peopleCondition(filter);
  const search = peopleSearch(filter);
  return rt.store.read(scope, (repos) =>
    repos.users.list({
      ...(where ? { where } : {}),
      ...(search !== undefined ? { search } : {}),
      ...(countCap !== undefined ? { countCap } : {}),
      ...sortOrder(page.sort),
      page: page.after
        ? { kind: 'cursor', after: typeof page.after === 'string' ? { id: page.after, sortValue: null } : page.after, limit: page.limit }
        : { kind: 'cursor', limit: page.limit },
    }),
  );
}

/**
 * Every person matching the filter, a page at a time in the list's own keyset order (by id, the
 * index the list uses), without counting: an export of a large tenant holds one page in memory.
 */
export async function* eachPersonPage(rt: ProvisioningRuntime, scope: TenantScope, filter: PeopleFilter, pageSize = 500): AsyncGenerator<readonly StoredUser[]> {
  const where = peopleCondition(filter);
  const search = peopleSearch(filter);
  let after: string | undefined;
  for (;;) {
    const result = await rt.store.read(scope, (repos) =>
      repos.users.list({
        ...(where ? { where } : {}),
        ...(search !== undefined ? { search } : {}),
        count: false,
        page: after ? { kind: 'cursor', after: { id: after, sortValue: null }, limit: pageSize } : { kind: 'cursor', limit: pageSize },
      }),
    );
    if (result.rows.length > 0) yield result.rows;
    if (!result.next) return;
    after = result.next.id;
  }
}

/** Everything about one person an admin needs on one page. */
export interface PersonOverview {
  readonly user: StoredUser;
  readonly groups: readonly UserGroupRecord[];
  readonly folders: readonly FolderRecord[];
  readonly manager: StoredUser | null;
  readonly reports: readonly StoredUser[];
  /** References this person makes that wait for their target (their manager). */
  readonly pending: readonly PendingReferenceRecord[];
  /** SCIM requests about this person, newest first. */
  readonly history: readonly RequestLogEntry[];
}

export async function personOverview(rt: ProvisioningRuntime, scope: TenantScope, id: string): Promise<PersonOverview> {
  return rt.store.read(scope, async (repos) => {
    const user = await repos.users.findById(id);
    if (!user) throw notFound('User', id);
    const [groups, folders, manager, reports, pending, history] = await Promise.all([
      repos.users.groupsOf([id]).then((m) => m.get(id) ?? []),
      repos.folders.foldersOf([id]).then((m) => m.get(id) ?? []),
      user.managerId ? repos.users.findById(user.managerId).then((m) => m ?? null) : Promise.resolve(null),
      repos.users.reportsOf(id),
      // By the subject's key: a page of the tenant's references filtered here missed this person's
      // once the tenant held more than a page, and counted all of them on every person page.
      repos.pending.forSubject('manager', id),
      repos.requestLog.list({ resourceId: id, limit: 100 }),
    ]);
    return { user, groups, folders, manager, reports, pending, history };
  });
}

/** A person's pushed groups and folders in one read — what a host needs for access decisions. */
export async function membershipsOf(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  id: string,
): Promise<{ user: StoredUser; groups: readonly UserGroupRecord[]; folders: readonly FolderRecord[] }> {
  return rt.store.read(scope, async (repos) => {
    const user = await repos.users.findById(id);
    if (!user) throw notFound('User', id);
    const [groups, folders] = await Promise.all([repos.users.groupsOf([id]), repos.folders.foldersOf([id])]);
    return { user, groups: groups.get(id) ?? [], folders: folders.get(id) ?? [] };
  });
}

/** A folder and how many people are in it (counted up to `MEMBER_COUNT_CAP`). */
export interface FolderSummary {
  readonly folder: FolderRecord;
  readonly memberCount: MemberCount;
}

/** The tenant's folders (of one kind, or all), each with its member count. */
export function listFolders(rt: ProvisioningRuntime, scope: TenantScope, kind?: FolderKind): Promise<FolderSummary[]> {
  return rt.store.read(scope, async (repos) => {
    const folders = await repos.folders.list(kind);
    const counts = await repos.folders.memberCounts(folders.map((f) => f.id));
    return folders.map((folder) => ({ folder, memberCount: counts.get(folder.id) ?? { count: 0, exact: true } }));
  });
}

/** One folder and its member count (an empty folder says so: count 0). */
export function folderSummary(rt: ProvisioningRuntime, scope: TenantScope, id: string): Promise<FolderSummary> {
  return rt.store.read(scope, async (repos) => {
    const folder = await repos.folders.findById(id);
    if (!folder) throw notFound('Folder', id);
    const counts = await repos.folders.memberCounts([id]);
    return { folder, memberCount: counts.get(id) ?? { count: 0, exact: true } };
  });
}

/** Pending references with their age, oldest first. */
export async function listPendingReferences(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  page: { limit: number; offset: number },
): Promise<{ rows: (PendingReferenceRecord & { ageMs: number })[]; total: number }> {
  const now = rt.now();
  const result = await rt.store.read(scope, (repos) => repos.pending.list(page.limit, page.offset));
  return { total: result.total, rows: result.rows.map((r) => ({ ...r, ageMs: Math.max(0, now - r.createdMs) })) };
}

export function listRequestLog(rt: ProvisioningRuntime, scope: TenantScope, query: RequestLogQuery): Promise<RequestLogEntry[]> {
  return rt.store.read(scope, (repos) => repos.requestLog.list(query));
}

/** One page of the log, with whether a bounded text search looked at everything it could match. */
export function searchRequestLog(rt: ProvisioningRuntime, scope: TenantScope, query: RequestLogQuery): Promise<RequestLogPage> {
  return rt.store.read(scope, (repos) => repos.requestLog.search(query));
}

export function findRequestLogEntry(rt: ProvisioningRuntime, scope: TenantScope, id: string): Promise<RequestLogEntry | undefined> {
  return rt.store.read(scope, (repos) => repos.requestLog.findById(id));
}
