import type { DuplicateCursor, DuplicateDismissal, DuplicateSet, TenantScope } from '../../storage/store.js';
import { DomainError, notFound } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** Sets counted per reason before the count says "at least". */
export const DUPLICATE_COUNT_CAP = 1000;

/** Most people one decision names: every pair among them is stored (50 people, 1,225 pairs, in one statement). */
export const MAX_PEOPLE_PER_DECISION = 50;

/** One page of possible duplicates, with the count of all sets. */
export interface DuplicatesPage {
  readonly sets: readonly DuplicateSet[];
  /** Sets in the tenant; a lower bound when `totalExact` is false. */
  readonly total: number;
  readonly totalExact: boolean;
  /** Where the next page starts; null on the last page. A page may hold fewer sets than asked and still have a next (see DuplicateRepository.page). */
  readonly next: DuplicateCursor | null;
}

/** A page of sets after `after`: people sharing an email, then people with the same given and family name. */
export function listPossibleDuplicates(rt: ProvisioningRuntime, scope: TenantScope, page: { after?: DuplicateCursor; limit: number }): Promise<DuplicatesPage> {
  return rt.store.read(scope, async (repos) => {
    const { sets, next } = await repos.duplicates.page(page.after, page.limit);
    const count = await repos.duplicates.count(DUPLICATE_COUNT_CAP);
    return { sets, total: count.sets, totalExact: count.exact, next };
  });
}

/** Every pair among these people, each ordered low < high. */
function pairsOf(userIds: readonly string[]): { userLow: string; userHigh: string }[] {
  const ids = [...new Set(userIds)].sort();
  if (ids.length < 2) throw new DomainError('invalidValue', 'name at least two different people');
  if (ids.length > MAX_PEOPLE_PER_DECISION) throw new DomainError('invalidValue', `name at most ${MAX_PEOPLE_PER_DECISION} people`);
  const pairs: { userLow: string; userHigh: string }[] = [];
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) pairs.push({ userLow: ids[i]!, userHigh: ids[j]! });
  return pairs;
}

/**
 * Records that these people are not duplicates of one another: every pair among them stops
 * making a set, whatever they share, until the decision is undone or one of them is deleted.
 * The decision is written to the tenant's audit log in the same transaction.
 */
export async function dismissDuplicates(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  userIds: readonly string[],
  decidedBy: string,
): Promise<{ pairs: number; added: number }> {
  const pairs = pairsOf(userIds);
  const ids = [...new Set(userIds)].sort();
  const now = rt.now();
  return rt.store.transaction(scope, async (repos) => {
    const existing = await repos.users.existing(ids);
    const unknown = ids.find((id) => !existing.has(id));
    if (unknown !== undefined) throw notFound('User', unknown);
    const decisions: DuplicateDismissal[] = pairs.map((p) => ({ ...p, decidedBy, decidedMs: now }));
    const added = await repos.duplicates.dismiss(decisions);
    if (added > 0) await repos.audit.record({ id: rt.newId(), atMs: now, action: 'duplicates.dismissed', resourceType: 'User', resourceId: ids.join(',') });
    return { pairs: pairs.length, added };
  });
}

/** Forgets the "not a duplicate" decisions among these people, so they can make a set again. */
export async function undoDuplicateDismissals(rt: ProvisioningRuntime, scope: TenantScope, userIds: readonly string[]): Promise<{ removed: number }> {
  const pairs = pairsOf(userIds);
  const ids = [...new Set(userIds)].sort();
  const now = rt.now();
  return rt.store.transaction(scope, async (repos) => {
    const removed = await repos.duplicates.undo(pairs);
    if (removed > 0) await repos.audit.record({ id: rt.newId(), atMs: now, action: 'duplicates.restored', resourceType: 'User', resourceId: ids.join(',') });
    return { removed };
  });
}
