import type { Condition } from '../../storage/query.js';
import type { PendingReferenceRecord, TenantScope } from '../../storage/store.js';
import { listPendingReferences } from '../directory/read-directory.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** A pending reference with the name of the person or group waiting on it. */
export type PendingWithSubject = PendingReferenceRecord & { readonly ageMs: number; readonly subjectName: string | null };

const anyId = (ids: readonly string[]): Condition | undefined =>
  ids
    .map((id): Condition => ({ kind: 'compare', field: { path: ['id'], type: 'string', caseExact: true }, op: 'eq', value: id }))
    .reduce<Condition | undefined>((acc, c) => (acc ? { kind: 'or', left: acc, right: c } : c), undefined);

/**
 * A page of pending references, oldest first, each with who is waiting: the person whose manager
 * has not arrived, or the group whose member has not. Names come from two reads, not one per row.
 */
export async function listPendingWithSubjects(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  page: { limit: number; offset: number },
): Promise<{ rows: PendingWithSubject[]; total: number }> {
  const pending = await listPendingReferences(rt, scope, page);
  const userIds = [...new Set(pending.rows.filter((p) => p.kind === 'manager').map((p) => p.subjectId))];
  const groupIds = [...new Set(pending.rows.filter((p) => p.kind === 'member').map((p) => p.subjectId))];
  const names = new Map<string, string>();
  await rt.store.read(scope, async (repos) => {
    const userWhere = anyId(userIds);
    if (userWhere) {
      const users = await repos.users.list({ where: userWhere, page: { kind: 'index', offset: 0, limit: userIds.length }, count: false });
      for (const u of users.rows) names.set(u.id, u.userName);
    }
    const groupWhere = anyId(groupIds);
    if (groupWhere) {
      const groups = await repos.groups.list({ where: groupWhere, page: { kind: 'index', offset: 0, limit: groupIds.length }, count: false });
      for (const g of groups.rows) names.set(g.id, g.displayName);
    }
  });
  return { total: pending.total, rows: pending.rows.map((p) => ({ ...p, subjectName: names.get(p.subjectId) ?? null })) };
}
