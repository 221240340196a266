import type { ListQuery, ListResult } from '../../storage/query.js';
import type { GroupRecord, MemberRecord, TenantScope } from '../../storage/store.js';
import { notFound } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** A group, with its members when the caller needs them (Entra never does). */
export interface GroupView {
  readonly group: GroupRecord;
  readonly members?: readonly MemberRecord[];
  /**
   * For a group with more members than one page: the members after `members`, read a page at a
   * time by member id as the caller asks for them, so however large the group, no more than a
   * page is held at once.
   */
  readonly moreMembers?: () => AsyncIterable<readonly MemberRecord[]>;
}

/** How members are read: all at once, or (`pageSize`) in pages when there are more than that. */
export interface MemberReading {
  readonly withMembers: boolean;
  readonly pageSize?: number;
}

export async function getGroup(rt: ProvisioningRuntime, scope: TenantScope, id: string, options: MemberReading): Promise<GroupView> {
  return rt.store.read(scope, async (repos) => {
    const group = await repos.groups.findById(id);
    if (!group) throw notFound('Group', id);
    if (!options.withMembers) return { group };
    if (options.pageSize === undefined) return { group, members: await repos.groups.members(id) };
    // One row past the page tells whether there are more: a group that fits is read in this one
    // statement, as before, and only larger ones are read page by page.
    const first = await repos.groups.membersPage(id, undefined, options.pageSize + 1);
    if (first.length <= options.pageSize) return { group, members: first };
    const { pageSize } = options;
    const members = first.slice(0, pageSize);
    return { group, members, moreMembers: () => memberPages(rt, scope, id, members.at(-1)?.id, pageSize) };
  });
}

/**
 * Pages of a group's members after `afterId`, each read on its own (no transaction is held open
 * while the caller is busy with a page, so a slow reader pins no connection). A change committing
 * meanwhile shows in the pages not read yet: every member listed was a member during the read.
 */
export async function* memberPages(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  groupId: string,
  afterId: string | undefined,
  pageSize: number,
): AsyncGenerator<readonly MemberRecord[]> {
  let after = afterId;
  for (;;) {
    const page = await rt.store.read(scope, (repos) => repos.groups.membersPage(groupId, after, pageSize));
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page.at(-1)?.id;
  }
}

export async function listGroups(rt: ProvisioningRuntime, scope: TenantScope, query: ListQuery, options: MemberReading): Promise<ListResult<GroupView>> {
  return rt.store.read(scope, async (repos) => {
    const page = await repos.groups.list(query);
    if (!options.withMembers) return { ...page, rows: page.rows.map((group): GroupView => ({ group })) };
    const ids = page.rows.map((group) => group.id);
    // The page's members in one read, whatever the page size (not one read per group)…
    const { pageSize } = options;
    const members = pageSize === undefined ? await repos.groups.membersOf(ids) : await repos.groups.membersOf(ids, pageSize);
    if (members || pageSize === undefined) return { ...page, rows: page.rows.map((group): GroupView => ({ group, members: members?.get(group.id) ?? [] })) };
    // …unless together they have more than a page: then they are read when their turn comes to be
    // written, neighbours together up to a page's worth, a larger group a page at a time.
    const counts = await repos.groups.memberCounts(ids);
    return { ...page, rows: inBatches(rt, scope, page.rows, counts, pageSize) };
  });
}

/**
 * Views of a page of groups whose members are read in page order: consecutive groups with a page
 * of members between them in one read (made when the first of them is written, let go after the
 * last), a group with more than a page on its own, a page at a time.
 */
function inBatches(rt: ProvisioningRuntime, scope: TenantScope, groups: readonly GroupRecord[], counts: ReadonlyMap<string, number>, pageSize: number): GroupView[] {
  const views: GroupView[] = [];
  let batch: GroupRecord[] = [];
  let batchMembers = 0;
  const close = () => {
    if (batch.length === 0) return;
    const ids = batch.map((g) => g.id);
    let read: Promise<Map<string, MemberRecord[]>> | undefined;
    let left = ids.length;
    for (const group of batch) {
      views.push({
        group,
        members: [],
        moreMembers: async function* () {
          read ??= rt.store.read(scope, (repos) => repos.groups.membersOf(ids));
          const all = await read;
          const own = all.get(group.id) ?? [];
          // The last group of the batch lets the batch go, so no more than a batch is held.
          if (--left === 0) read = undefined;
          if (own.length > 0) yield own;
        },
      });
    }
    batch = [];
    batchMembers = 0;
  };
  for (const group of groups) {
    const count = counts.get(group.id) ?? 0;
    if (count > pageSize) {
      close();
      views.push({ group, members: [], moreMembers: () => memberPages(rt, scope, group.id, undefined, pageSize) });
      continue;
    }
    if (batchMembers + count > pageSize) close();
    batch.push(group);
    batchMembers += count;
  }
  close();
  return views;
}
