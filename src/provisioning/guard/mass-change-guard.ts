import type { HeldChangeKind, Savepoint, ScopedRepositories } from '../../storage/store.js';
import type { JsonObject } from '../../json/json-value.js';
import type { ProvisioningRuntime } from '../runtime.js';
import type { TenantSettings } from '../tenants/tenant-settings.js';

/** What a held change answers the client: the id to approve it by and why it was held. */
export interface HeldInfo {
  readonly id: string;
  readonly reason: string;
}

/** Options of the write use cases that the guard concerns. */
export interface GuardOptions {
  /** Approving a held change applies it without asking the guard again. */
  readonly bypassGuard?: boolean;
}

/** What a write use case consults the guard with: the tenant's settings at the time of the change. */
export interface Guard extends GuardOptions {
  readonly settings: TenantSettings;
}

/** Whether the guard judges a write at all: on for the tenant, and not an approval. */
export function guardActive(guard: Guard | undefined): guard is Guard {
  return guard !== undefined && !guard.bypassGuard && guard.settings.massChangeGuard !== 'off';
}

/**
 * Whether one more deactivation or deletion would take the tenant past its threshold: more than
 * `massChangePercent` % of the people active at the start of the window removed within it.
 * Answers the reason to hold, or undefined to let it through.
 */
export async function removalExceedsThreshold(repos: ScopedRepositories, settings: TenantSettings, nowMs: number): Promise<string | undefined> {
  if (settings.massChangeGuard === 'off') return undefined;
  const since = nowMs - settings.massChangeWindowMinutes * 60_000;
  const [recent, active] = await Promise.all([repos.held.recentRemovals(since), repos.held.activeCount()]);
  // People removed in the window were active at its start.
  const population = active + recent;
  if (population < settings.massChangeMinActive) return undefined;
  const limit = Math.floor((settings.massChangePercent / 100) * population);
  if (recent + 1 <= limit) return undefined;
  return `${recent} of ${population} people were deactivated or deleted in the last ${settings.massChangeWindowMinutes} minutes; one more would exceed this tenant's limit of ${settings.massChangePercent}%`;
}

/**
 * Whether a change to a group of `membersBefore` members could be held for emptying it: a change
 * removes (net) only members that were there before it, so a group at or under the limit cannot.
 */
export function emptyingPossible(settings: TenantSettings, membersBefore: number): boolean {
  return settings.massChangeGuard !== 'off' && membersBefore > settings.massChangeGroupSize;
}

/** Whether removing `removed` members that leaves a group empty is a mass change. */
export function emptyingExceedsThreshold(settings: TenantSettings, removed: number, remaining: number): string | undefined {
  if (settings.massChangeGuard === 'off' || remaining > 0 || removed <= settings.massChangeGroupSize) return undefined;
  return `this change would empty a group of ${removed} members (the limit is ${settings.massChangeGroupSize})`;
}

/**
 * The one way a write use case holds a change: in its own transaction, it records the change for
 * an admin and then returns a held outcome instead of writing it (so no event is emitted). A use
 * case that judged the change by applying it (a group's emptying is known only then) passes the
 * savepoint it took before, and what it applied is undone first.
 */
export async function holdChange(
  rt: ProvisioningRuntime,
  repos: ScopedRepositories,
  change: { kind: HeldChangeKind; resourceId: string; baseVersion: number; payload: JsonObject; reason: string },
  undo?: Savepoint,
): Promise<HeldInfo> {
  await undo?.rollback();
  const id = rt.newId();
  await repos.held.add({ id, ...change, status: 'held', createdMs: rt.now(), decidedMs: null });
  return { id, reason: change.reason };
}
