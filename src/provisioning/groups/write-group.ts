import type { JsonObject } from '../../json/json-value.js';
import type { GroupRecord, GroupRepository, MemberType, ScopedRepositories, TenantScope } from '../../storage/store.js';
import { DomainError, notFound } from '../errors.js';
import { checkIfMatch, type VersionPrecondition } from '../preconditions.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { groupRecordFrom } from './group-record.js';
import { MembershipDelta, type GroupChangeStep, type MemberInput } from './membership-change.js';

/** The outcome of a group write: the group as stored, whether it changed, and the member delta. */
export interface GroupWriteResult {
  readonly group: GroupRecord;
  readonly changed: boolean;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

const taken = (name: string) => new DomainError('uniqueness', `a group named "${name}" already exists in this tenant`);

/**
 * Gives each member its type with at most two set queries (people, then groups); an id that is
 * neither is refused with the list of unknown ids.
 */
async function resolveMembers(
  repos: ScopedRepositories,
  groupId: string,
  members: readonly MemberInput[],
): Promise<{ id: string; type: MemberType }[]> {
  const ids = [...new Set(members.map((m) => m.id))];
  if (ids.includes(groupId)) throw new DomainError('invalidValue', 'a group cannot be a member of itself');
  const users = await repos.users.existing(ids);
  const rest = ids.filter((id) => !users.has(id));
  const groups = rest.length > 0 ? await repos.groups.existing(rest) : new Set<string>();
  const unknown = rest.filter((id) => !groups.has(id));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).map((id) => `"${id}"`).join(', ');
    throw new DomainError(
      'invalidValue',
      `members[].value must name a person or group of this tenant; unknown: ${shown}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}`,
    );
  }
  return ids.map((id) => ({ id, type: users.has(id) ? 'User' : 'Group' }));
}

/** Creates a group with its initial members. */
export async function createGroup(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  document: JsonObject,
  members: readonly MemberInput[],
): Promise<GroupWriteResult> {
  const now = rt.now();
  const record = groupRecordFrom(document, { id: rt.newId(), version: 1, createdMs: now, modifiedMs: now });
  return rt.store.transaction(scope, async (repos) => {
    if (!(await repos.groups.insert(record))) throw taken(record.displayName);
    const resolved = await resolveMembers(repos, record.id, members);
    const added = await repos.groups.addMembers(record.id, resolved, now);
    return { group: record, changed: true, added, removed: [] };
  });
}

async function applyMemberStep(
  groups: GroupRepository,
  repos: ScopedRepositories,
  groupId: string,
  step: Exclude<GroupChangeStep, { kind: 'attributes' }>,
  delta: MembershipDelta,
  now: number,
): Promise<void> {
  switch (step.kind) {
    case 'addMembers':
      delta.added(await groups.addMembers(groupId, await resolveMembers(repos, groupId, step.members), now));
      return;
    case 'removeMembers':
      delta.removed(await groups.removeMembers(groupId, step.ids));
      return;
    case 'removeMembersWhere':
      delta.removed(await groups.removeMembersWhere(groupId, step.condition));
      return;
    case 'removeAllMembers':
      delta.removed(await groups.removeAllMembers(groupId));
      return;
    case 'replaceMembers': {
      const resolved = await resolveMembers(repos, groupId, step.members);
      delta.removed(await groups.retainMembers(groupId, resolved.map((m) => m.id)));
      delta.added(await groups.addMembers(groupId, resolved, now));
      return;
    }
  }
}

/**
 * Applies the steps of a group change in order, in one transaction, with the group row locked.
 * Membership steps are set statements whose cost follows the members named, not the group's size.
 */
export async function modifyGroup(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  id: string,
  steps: readonly GroupChangeStep[],
  ifMatch?: VersionPrecondition,
): Promise<GroupWriteResult> {
  return rt.store.transaction(scope, async (repos) => {
    const current = await repos.groups.findById(id, { forUpdate: true });
    if (!current) throw notFound('Group', id);
    checkIfMatch(current.version, ifMatch);
    const now = rt.now();
    const delta = new MembershipDelta();
    let document = current.document;
    for (const step of steps) {
      if (step.kind === 'attributes') document = step.transform(document);
      else await applyMemberStep(repos.groups, repos, id, step, delta, now);
    }
    const attributesChanged = JSON.stringify(document) !== JSON.stringify(current.document);
    if (!attributesChanged && delta.empty) return { group: current, changed: false, added: [], removed: [] };
    const record = groupRecordFrom(document, {
      id,
      version: current.version + 1,
      createdMs: current.createdMs,
      modifiedMs: Math.max(now, current.modifiedMs),
    });
    if (!(await repos.groups.update(record))) throw taken(record.displayName);
    return { group: record, changed: true, added: delta.addedIds, removed: delta.removedIds };
  });
}

/** Deletes a group; its memberships go with it. */
export async function deleteGroup(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  id: string,
  ifMatch?: VersionPrecondition,
): Promise<void> {
  await rt.store.transaction(scope, async (repos) => {
    const current = await repos.groups.findById(id, { forUpdate: true });
    if (!current) throw notFound('Group', id);
    checkIfMatch(current.version, ifMatch);
    const touched = await repos.groups.removeMemberEverywhere(id);
    await repos.groups.touch(touched, rt.now());
    await repos.groups.delete(id);
  });
}
