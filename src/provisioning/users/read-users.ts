import type { ListQuery, ListResult } from '../../storage/query.js';
import type { StoredUser, TenantScope, UserGroupRecord } from '../../storage/store.js';
import { notFound } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** A person with the groups they are a direct member of. */
export interface UserView {
  readonly user: StoredUser;
  readonly groups?: readonly UserGroupRecord[];
}

export async function getUser(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  id: string,
  options: { withGroups: boolean },
): Promise<UserView> {
  return rt.store.read(scope, async (repos) => {
    const user = await repos.users.findById(id);
    if (!user) throw notFound('User', id);
    if (!options.withGroups) return { user };
    const groups = (await repos.users.groupsOf([id])).get(id) ?? [];
    return { user, groups };
  });
}

/** One page of people matching a query, with their groups when asked. */
export async function listUsers(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  query: ListQuery,
  options: { withGroups: boolean },
): Promise<ListResult<UserView>> {
  return rt.store.read(scope, async (repos) => {
    const page = await repos.users.list(query);
    const groups = options.withGroups ? await repos.users.groupsOf(page.rows.map((u) => u.id)) : undefined;
    return { ...page, rows: page.rows.map((user) => ({ user, ...(groups ? { groups: groups.get(user.id) ?? [] } : {}) })) };
  });
}
