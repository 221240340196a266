import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import type { CursorPosition } from '../storage/query.js';
import type { FolderRecord, GroupRecord, MemberRecord, ScopedRepositories, StoredUser, TenantScope } from '../storage/store.js';

/** A tenant's whole directory at one point of its event sequence. */
export interface TenantSnapshot {
  /** The last event seq included: follow the feed with `after=seq` and nothing is missed or seen twice. */
  readonly seq: number;
  readonly people: readonly StoredUser[];
  readonly groups: readonly { group: GroupRecord; members: readonly MemberRecord[] }[];
  readonly folders: readonly { folder: FolderRecord; memberIds: readonly string[] }[];
}

const PAGE = 1000;

async function allPages<T extends { id: string }>(list: (after: CursorPosition | undefined) => Promise<{ rows: readonly T[]; next?: CursorPosition }>): Promise<T[]> {
  const out: T[] = [];
  let after: CursorPosition | undefined;
  do {
    const page = await list(after);
    out.push(...page.rows);
    after = page.next;
  } while (after);
  return out;
}

async function folderMembers(repos: ScopedRepositories, folderId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await repos.folders.memberIds(folderId, PAGE, offset);
    ids.push(...page);
    if (page.length < PAGE) return ids;
  }
}

/**
 * Reads people, groups with members, folders with members and the last event seq in one
 * read-only transaction at one point in time (`Store.snapshot`), so the state is exactly the sum
 * of events 1…seq.
 */
export async function tenantSnapshot(rt: ProvisioningRuntime, scope: TenantScope): Promise<TenantSnapshot> {
  return rt.store.snapshot(scope, async (repos) => {
    const seq = await repos.events.lastSeq();
    const page = (after: CursorPosition | undefined) => (after ? { kind: 'cursor' as const, after, limit: PAGE } : { kind: 'cursor' as const, limit: PAGE });
    const people = await allPages((after) => repos.users.list({ page: page(after), count: false }));
    const groupRecords = await allPages((after) => repos.groups.list({ page: page(after), count: false }));
    const groups: { group: GroupRecord; members: MemberRecord[] }[] = [];
    for (const group of groupRecords) groups.push({ group, members: await repos.groups.members(group.id) });
    const folders: { folder: FolderRecord; memberIds: string[] }[] = [];
    for (const folder of await repos.folders.list()) folders.push({ folder, memberIds: await folderMembers(repos, folder.id) });
    return { seq, people, groups, folders };
  });
}
