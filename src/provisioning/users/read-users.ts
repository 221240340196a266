import type { ListQuery, ListResult } from '../../storage/query.js';
import type { StoredUser, TenantScope, UserGroupRecord } from '../../storage/store.js';
import { notFound } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** A person with the groups they are a direct member of. */
export interface UserView {
  readonly user: StoredUser;
  readonly groups?: readonly UserGroupRecord[];
}

export async function getUser(rt: ProvisioningRuntime, scope: TenantScope, id: string, options: { withGroups: boolean }): Promise<UserView> {
  return rt.store.read(scope, async (repos) => {
    if (options.withGroups) {
      const found = await repos.users.findByIdWithGroups(id);
      if (!found) throw notFound('User', id);
      return found;
    }
    const user = await repos.users.findById(id);
    if (!user) throw notFound('User', id);
    return { user };
  });
}

/** One page of people matching a query, with their groups when asked. */
export async function listUsers(rt: ProvisioningRuntime, scope: TenantScope, query: ListQuery, options: { withGroups: boolean }): Promise<ListResult<UserView>> {
  return rt.store.read(scope, async (repos) => {
    if (options.withGroups) return repos.users.listWithGroups(query);
    const page = await repos.users.list(query);
    return { ...page, rows: page.rows.map((user) => ({ user })) };
  });
}
