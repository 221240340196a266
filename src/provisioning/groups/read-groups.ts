import type { ListQuery, ListResult } from '../../storage/query.js';
import type { GroupRecord, MemberRecord, TenantScope } from '../../storage/store.js';
import { notFound } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** A group, with its members when the caller needs them (Entra never does). */
export interface GroupView {
  readonly group: GroupRecord;
  readonly members?: readonly MemberRecord[];
}

export async function getGroup(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  id: string,
  options: { withMembers: boolean },
): Promise<GroupView> {
  return rt.store.read(scope, async (repos) => {
    const group = await repos.groups.findById(id);
    if (!group) throw notFound('Group', id);
    return options.withMembers ? { group, members: await repos.groups.members(id) } : { group };
  });
}

export async function listGroups(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  query: ListQuery,
  options: { withMembers: boolean },
): Promise<ListResult<GroupView>> {
  return rt.store.read(scope, async (repos) => {
    const page = await repos.groups.list(query);
    if (!options.withMembers) return { ...page, rows: page.rows.map((group): GroupView => ({ group })) };
    // The page's members in one read, whatever the page size (not one read per group).
    const members = await repos.groups.membersOf(page.rows.map((group) => group.id));
    return { ...page, rows: page.rows.map((group): GroupView => ({ group, members: members.get(group.id) ?? [] })) };
  });
}
