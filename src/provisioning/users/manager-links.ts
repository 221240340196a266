import { foldText } from '../../storage/fold.js';
import type { PendingReferenceRecord, ScopedRepositories, StoredUser } from '../../storage/store.js';
import type { EventBuffer } from '../events/event-buffer.js';
import { identifierFolds, managerReference } from './person-document.js';

/**
 * Finds the person a reference names — by id, userName, email, externalId or employeeNumber, in
 * that order of preference — or undefined when nobody (else) matches yet.
 */
export async function resolvePerson(repos: ScopedRepositories, reference: string, exceptId?: string): Promise<StoredUser | undefined> {
  const fold = foldText(reference);
  const candidates = (await repos.users.findByReference(reference, fold)).filter((u) => u.id !== exceptId);
  const rank = (u: StoredUser): number => {
    if (u.id === reference) return 0;
    if (u.userNameFold === fold) return 1;
    if (u.externalId === reference) return 3;
    if (u.employeeNumber === reference) return 4;
    return 2; // an email
  };
  return candidates.sort((a, b) => rank(a) - rank(b))[0];
}

/**
 * Links a person's manager, or keeps the reference pending until that person arrives (no second
 * sync needed). Answers the manager's id, or null.
 */
export async function linkManager(repos: ScopedRepositories, person: StoredUser, nowMs: number): Promise<string | null> {
  await repos.pending.removeForSubject('manager', person.id);
  const reference = managerReference(person.document);
  if (reference === undefined) return null;
  const manager = await resolvePerson(repos, reference, person.id);
  if (manager) return manager.id;
  await repos.pending.add({ kind: 'manager', subjectId: person.id, reference, createdMs: nowMs }, foldText(reference));
  return null;
}

/**
 * Resolves every pending reference that names this person: people waiting for them as manager
 * get linked, groups waiting for them as member get them. `taken`: the references already taken
 * for them (a create takes them with its insert); otherwise they are taken here.
 */
export async function resolveReferencesTo(
  repos: ScopedRepositories,
  person: StoredUser,
  events: EventBuffer,
  nowMs: number,
  taken?: readonly PendingReferenceRecord[],
): Promise<void> {
  const waiting = taken ?? (await repos.pending.takeMatching(identifierFolds(person)));
  const reports = waiting.filter((p) => p.kind === 'manager' && p.subjectId !== person.id);
  if (reports.length > 0) {
    const ids = [...new Set(reports.map((r) => r.subjectId))];
    await repos.users.setManager(ids, person.id);
    for (const r of reports) events.push('user.manager_linked', { user: { id: r.subjectId }, manager: { id: person.id }, reference: r.reference });
  }
  const groupIds = [...new Set(waiting.filter((p) => p.kind === 'member').map((p) => p.subjectId))];
  for (const groupId of groupIds) {
    const added = await repos.groups.addMembers(groupId, [{ id: person.id, type: 'User' }], nowMs);
    if (added.length === 0) continue;
    await repos.groups.touch([groupId], nowMs);
    const group = await repos.groups.findById(groupId);
    events.pushMembers('group.members_added', { id: groupId, displayName: group?.displayName ?? null }, added);
  }
}

/** When a manager is deleted, their reports' links go back to pending, to relink if they return. */
export async function unlinkReports(repos: ScopedRepositories, managerId: string, nowMs: number): Promise<void> {
  const reports = await repos.users.reportsOf(managerId);
  if (reports.length === 0) return;
  await repos.users.setManager(
    reports.map((r) => r.id),
    null,
  );
  for (const report of reports) {
    const reference = managerReference(report.document);
    if (reference !== undefined) {
      await repos.pending.add({ kind: 'manager', subjectId: report.id, reference, createdMs: nowMs }, foldText(reference));
    }
  }
}
