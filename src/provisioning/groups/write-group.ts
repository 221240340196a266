import type { JsonObject } from '../../json/json-value.js';
import { foldText } from '../../storage/fold.js';
import type { GroupRecord, MemberType, Savepoint, ScopedRepositories, TenantScope } from '../../storage/store.js';
import { DomainError, notFound } from '../errors.js';
import { EventBuffer } from '../events/event-buffer.js';
import { emptyingExceedsThreshold, emptyingPossible, guardActive, holdChange, type Guard, type HeldInfo } from '../guard/mass-change-guard.js';
import { checkIfMatch, type VersionPrecondition } from '../preconditions.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { diffDocuments } from '../users/person-document.js';
import { groupRecordFrom } from './group-record.js';
import { MembershipDelta, type GroupChangeStep, type MemberInput } from './membership-change.js';

/** The outcome of a group write: the group as stored, whether it changed, and the member delta. */
export interface GroupWriteResult {
  readonly group: GroupRecord;
  readonly changed: boolean;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Member references held until a person with that identifier arrives. */
  readonly pending: readonly string[];
  /** Set when the mass-change guard held the change instead of applying it. */
  readonly held?: HeldInfo;
}

const taken = (name: string) => new DomainError('uniqueness', `a group named "${name}" already exists in this tenant`);
const summary = (g: GroupRecord) => ({ id: g.id, displayName: g.displayName });

/**
 * Members named above which a group write is large (Store.transaction's `large`): on PostgreSQL it
 * then runs in a transaction of its own rather than in a group-commit batch, where the writes
 * batched after it would wait for it. A change of this many members takes tens of milliseconds.
 */
const LARGE_MEMBER_CHANGE = 500;
/** Steps whose cost follows the group's size, whatever they name. */
const SIZED_BY_GROUP: ReadonlySet<GroupChangeStep['kind']> = new Set(['removeMembersWhere', 'removeAllMembers', 'replaceMembers']);
const membersNamed = (step: GroupChangeStep): number => ('members' in step ? step.members.length : 'ids' in step ? step.ids.length : 0);
const isLargeChange = (steps: readonly GroupChangeStep[]): boolean =>
  steps.some((step) => SIZED_BY_GROUP.has(step.kind)) || steps.reduce((named, step) => named + membersNamed(step), 0) > LARGE_MEMBER_CHANGE;

/**
 * Gives each named member its type with at most two set queries (people, then groups). Ids that
 * are neither are answered separately: they are held as pending references, not refused.
 */
async function resolveMembers(
  repos: ScopedRepositories,
  groupId: string,
  members: readonly MemberInput[],
): Promise<{ known: { id: string; type: MemberType; display?: string }[]; unknown: string[] }> {
  const ids = [...new Set(members.map((m) => m.id))];
  if (ids.includes(groupId)) throw new DomainError('invalidValue', 'a group cannot be a member of itself');
  const users = await repos.users.existing(ids);
  const rest = ids.filter((id) => !users.has(id));
  const groups = rest.length > 0 ? await repos.groups.existing(rest) : new Set<string>();
  const displays = new Map(members.filter((m) => m.display !== undefined).map((m) => [m.id, m.display]));
  return {
    known: ids
      .filter((id) => users.has(id) || groups.has(id))
      .map((id) => {
        const display = displays.get(id);
        return { id, type: users.has(id) ? 'User' : 'Group', ...(display === undefined ? {} : { display }) };
      }),
    unknown: rest.filter((id) => !groups.has(id)),
  };
}

/** Holds unknown member ids until someone with that identifier arrives: one statement for all of them. */
async function holdPending(repos: ScopedRepositories, groupId: string, references: readonly string[], now: number): Promise<void> {
  await repos.pending.addAll(
    'member',
    groupId,
    references.map((reference) => ({ reference, fold: foldText(reference) })),
    now,
  );
}

/** Creates a group with its initial members (unknown ones held pending). */
export async function createGroup(rt: ProvisioningRuntime, scope: TenantScope, document: JsonObject, members: readonly MemberInput[]): Promise<GroupWriteResult> {
  const now = rt.now();
  const record = groupRecordFrom(document, { id: rt.newId(), version: 1, createdMs: now, modifiedMs: now });
  return rt.store.transaction(
    scope,
    async (repos) => {
      if (!(await repos.groups.insert(record))) throw taken(record.displayName);
      const events = new EventBuffer(rt, now);
      const { known, unknown } = await resolveMembers(repos, record.id, members);
      const added = await repos.groups.addMembers(record.id, known, now);
      await holdPending(repos, record.id, unknown, now);
      events.push('group.created', { group: { ...summary(record), externalId: record.externalId } });
      events.pushMembers('group.members_added', summary(record), added);
      await events.flush(repos);
      return { group: record, changed: true, added, removed: [], pending: unknown };
    },
    { large: members.length > LARGE_MEMBER_CHANGE },
  );
}

/** Applies one membership step; answers the references it left pending. */
async function applyMemberStep(
  repos: ScopedRepositories,
  groupId: string,
  step: Exclude<GroupChangeStep, { kind: 'attributes' }>,
  delta: MembershipDelta,
  now: number,
): Promise<string[]> {
  const { groups } = repos;
  switch (step.kind) {
    case 'addMembers': {
      const { known, unknown } = await resolveMembers(repos, groupId, step.members);
      delta.added(await groups.addMembers(groupId, known, now));
      await holdPending(repos, groupId, unknown, now);
      return unknown;
    }
    case 'removeMembers':
      delta.removed(await groups.removeMembers(groupId, step.ids));
      await repos.pending.removeReferences('member', groupId, step.ids.map(foldText));
      return [];
    case 'removeMembersWhere':
      delta.removed(await groups.removeMembersWhere(groupId, step.condition));
      return [];
    case 'removeAllMembers':
      delta.removed(await groups.removeAllMembers(groupId));
      await repos.pending.removeForSubject('member', groupId);
      return [];
    case 'replaceMembers': {
      const { known, unknown } = await resolveMembers(repos, groupId, step.members);
      delta.removed(
        await groups.retainMembers(
          groupId,
          known.map((m) => m.id),
        ),
      );
      delta.added(await groups.addMembers(groupId, known, now));
      await repos.pending.removeForSubject('member', groupId);
      await holdPending(repos, groupId, unknown, now);
      return unknown;
    }
  }
}

/** The steps that can take members out of a group, and so empty it. */
const REMOVES: ReadonlySet<GroupChangeStep['kind']> = new Set(['removeMembers', 'removeMembersWhere', 'removeAllMembers', 'replaceMembers']);

/** Whether the emptying rule can hold this change at all: the guard is on, not bypassed, and a step removes. */
const mayEmpty = (steps: readonly GroupChangeStep[], guard: Guard | undefined): guard is Guard => guardActive(guard) && steps.some((step) => REMOVES.has(step.kind));

/**
 * What the emptying rule needs to judge a change by its effect: the members before it, and a
 * savepoint to undo it back to if it is held. Nothing when the group is within the limit (it
 * cannot be held), so such a change costs no statement more.
 */
async function watchEmptying(repos: ScopedRepositories, guard: Guard, before: number): Promise<{ guard: Guard; before: number; undo: Savepoint } | undefined> {
  return emptyingPossible(guard.settings, before) ? { guard, before, undo: await repos.savepoint() } : undefined;
}

/**
 * Applies the steps of a group change in order, in one transaction, with the group row locked.
 * Membership steps are set statements whose cost follows the members named, not the group's size.
 * A change the mass-change guard holds is undone and recorded in the same transaction, and the
 * result says so (`held`).
 */
export async function modifyGroup(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  id: string,
  steps: readonly GroupChangeStep[],
  ifMatch?: VersionPrecondition,
  guard?: Guard,
): Promise<GroupWriteResult> {
  return rt.store.transaction(
    scope,
    async (repos) => {
      // The member count comes with the lock, in one statement, when the guard may need it.
      const judged = mayEmpty(steps, guard) ? guard : undefined;
      const locked = await repos.groups.lockForChange(id, { countMembers: judged !== undefined });
      if (!locked) throw notFound('Group', id);
      const current = locked.group;
      checkIfMatch(current.version, ifMatch);
      const now = rt.now();
      const watch = judged && locked.memberCount !== undefined ? await watchEmptying(repos, judged, locked.memberCount) : undefined;
      const delta = new MembershipDelta();
      const pending: string[] = [];
      let document = current.document;
      for (const step of steps) {
        if (step.kind === 'attributes') document = step.transform(document);
        else pending.push(...(await applyMemberStep(repos, id, step, delta, now)));
      }
      const changes = diffDocuments(current.document, document);
      if (changes.length === 0 && delta.empty) return { group: current, changed: false, added: [], removed: [], pending };
      if (watch) {
        // The real delta says what is left: the members before, plus those added, less those removed.
        const remaining = watch.before + delta.addedIds.length - delta.removedIds.length;
        const reason = emptyingExceedsThreshold(watch.guard.settings, delta.removedIds.length, remaining);
        if (reason) {
          const change = { kind: 'group.empty' as const, resourceId: id, baseVersion: current.version, payload: { document }, reason };
          const held = await holdChange(rt, repos, change, watch.undo);
          return { group: current, changed: false, added: [], removed: [], pending: [], held };
        }
      }
      const record = groupRecordFrom(document, {
        id,
        version: current.version + 1,
        createdMs: current.createdMs,
        modifiedMs: Math.max(now, current.modifiedMs),
      });
      if (!(await repos.groups.update(record))) throw taken(record.displayName);
      const events = new EventBuffer(rt, now);
      if (changes.length > 0) events.push('group.updated', { group: summary(record), changes });
      events.pushMembers('group.members_added', summary(record), delta.addedIds);
      events.pushMembers('group.members_removed', summary(record), delta.removedIds);
      await events.flush(repos);
      return { group: record, changed: true, added: delta.addedIds, removed: delta.removedIds, pending };
    },
    { large: isLargeChange(steps) },
  );
}

/** Deletes a group; its memberships and pending members go with it. */
export async function deleteGroup(rt: ProvisioningRuntime, scope: TenantScope, id: string, ifMatch?: VersionPrecondition): Promise<void> {
  await rt.store.transaction(
    scope,
    async (repos) => {
      const current = await repos.groups.findById(id, { forUpdate: true });
      if (!current) throw notFound('Group', id);
      checkIfMatch(current.version, ifMatch);
      const now = rt.now();
      const events = new EventBuffer(rt, now);
      const touched = await repos.groups.removeMemberEverywhere(id);
      await repos.groups.touch(touched, now);
      for (const parent of touched) events.pushMembers('group.members_removed', { id: parent }, [id]);
      await repos.pending.removeForSubject('member', id);
      await repos.groups.delete(id);
      events.push('group.deleted', { group: { id, displayName: current.displayName } });
      await events.flush(repos);
    },
    { large: true },
  );
}
