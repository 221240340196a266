import type { Condition } from '../../storage/query.js';
import type { GroupRecord, MemberCount, TenantScope } from '../../storage/store.js';
import { listGroups } from '../groups/read-groups.js';
import type { ProvisioningRuntime } from '../runtime.js';

const NONE: MemberCount = { count: 0, exact: true };

/** A pushed group as the console lists it: the group and how many direct members it has (counted up to `MEMBER_COUNT_CAP`). */
export interface GroupSummary {
  readonly group: GroupRecord;
  readonly memberCount: MemberCount;
}

/**
 * A page of pushed groups in creation order (cursor pages), optionally those whose name contains `text`, with
 * member counts from one grouped count (members themselves are never loaded for the list).
 */
export async function listGroupSummaries(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  options: { text?: string; after?: string; limit: number },
): Promise<{ rows: GroupSummary[]; total: number; next?: string }> {
  const text = options.text?.trim();
  const where: Condition | undefined = text ? { kind: 'compare', field: { path: ['displayName'], type: 'string', caseExact: false }, op: 'co', value: text } : undefined;
  const page = await listGroups(
    rt,
    scope,
    {
      ...(where ? { where } : {}),
      page: options.after ? { kind: 'cursor', after: { id: options.after, sortValue: null }, limit: options.limit } : { kind: 'cursor', limit: options.limit },
    },
    { withMembers: false },
  );
  const counts = await rt.store.admin.consoleReads.groupMemberCounts(
    scope.tenantId,
    page.rows.map((r) => r.group.id),
  );
  return {
    rows: page.rows.map((r) => ({ group: r.group, memberCount: counts.get(r.group.id) ?? NONE })),
    total: page.total ?? page.rows.length,
    ...(page.next ? { next: page.next.id } : {}),
  };
}

/** One group with its direct member count (members are paged as people by the caller). */
export async function groupSummary(rt: ProvisioningRuntime, scope: TenantScope, group: GroupRecord): Promise<GroupSummary> {
  const counts = await rt.store.admin.consoleReads.groupMemberCounts(scope.tenantId, [group.id]);
  return { group, memberCount: counts.get(group.id) ?? NONE };
}
