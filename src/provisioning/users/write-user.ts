import type { JsonObject } from '../../json/json-value.js';
import { foldText } from '../../storage/fold.js';
import type { ScopedRepositories, StoredUser, TenantScope, UserRecord, UserSource } from '../../storage/store.js';
import { DomainError, notFound } from '../errors.js';
import { EventBuffer } from '../events/event-buffer.js';
import { guardActive, holdChange, removalExceedsThreshold, type GuardOptions, type HeldInfo } from '../guard/mass-change-guard.js';
import { checkIfMatch, type VersionPrecondition } from '../preconditions.js';
import type { ProvisioningRuntime } from '../runtime.js';
import type { TenantSettings } from '../tenants/tenant-settings.js';
import { placeInFolders } from './folder-placement.js';
import { linkManager, resolvePerson, resolveReferencesTo, unlinkReports } from './manager-links.js';
import { type AttributeChange, diffDocuments, identifierFolds, managerReference, workEmail } from './person-document.js';
import { sameEmails, userRecordFrom } from './user-record.js';
import { flagMessage, validatePerson, valueFlags } from './validate-person.js';

/** The outcome of a write: the person as stored now and whether anything changed. */
export interface UserWriteResult {
  readonly user: StoredUser;
  readonly changed: boolean;
  /** A profile made by SSO, an admin or an import that this SCIM create took over. */
  readonly adopted?: boolean;
  /** Attributes that changed (for the provisioning log). */
  readonly changes?: readonly string[];
  /** The same, with each attribute's value before and after. */
  readonly diff?: readonly AttributeChange[];
  /** Values this write changed that break a rule, stored anyway because the tenant reports rather than enforces them. */
  readonly warnings?: readonly string[];
  /** Set when the mass-change guard held the change instead of applying it. */
  readonly held?: HeldInfo;
}

const taken = (userName: string) => new DomainError('uniqueness', `userName "${userName}" is already taken in this tenant`);

const summary = (u: StoredUser) => ({ id: u.id, userName: u.userName });

/** The profile a create is about, by the tenant's matching field (README.md#the-directory-model, "Matching"). */
async function findMatch(repos: ScopedRepositories, document: JsonObject, settings: TenantSettings): Promise<StoredUser | undefined> {
  const userName = typeof document['userName'] === 'string' ? document['userName'] : '';
  const byUserName = await repos.users.findByUserNameFold(foldText(userName));
  if (settings.matchingField === 'userName' || byUserName?.source === 'scim') return byUserName;
  const candidates =
    settings.matchingField === 'email'
      ? await (async () => {
          const email = workEmail(document);
          return email ? repos.users.findByEmailFold(foldText(email)) : [];
        })()
      : typeof document['externalId'] === 'string'
        ? await repos.users.findByExternalId(document['externalId'])
        : [];
  return candidates.find((c) => c.source === 'scim') ?? candidates[0] ?? byUserName;
}

/**
 * Creates a person, or adopts the matching profile an SSO login, admin or import made. A match
 * that SCIM already manages is a uniqueness conflict. Links the manager (or keeps the reference
 * pending), files the person in folders, and resolves references that were waiting for them.
 */
export async function createUser(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  document: JsonObject,
  settings: TenantSettings,
  source: UserSource = 'scim',
): Promise<UserWriteResult> {
  // A create judges every value, so these are also all of the new person's flags.
  const flags = validatePerson(document, settings);
  const warnings = flags.map(flagMessage);
  return rt.store.transaction(scope, async (repos) => {
    const now = rt.now();
    const events = new EventBuffer(rt, now);
    const adoptOrRefuse = async (match: StoredUser): Promise<UserWriteResult> => {
      if (match.source === 'scim' || source !== 'scim') throw taken(match.userName);
      const adopted = await rewrite(rt, repos, match, document, 'scim', events, now);
      events.push('user.updated', {
        user: summary(adopted),
        adopted: true,
        changes: diffDocuments(match.document, document),
        valueFlags: flags,
      });
      await events.flush(repos);
      const diff = diffDocuments(match.document, document);
      return { user: adopted, changed: true, adopted: true, warnings, changes: diff.map((c) => c.attribute), diff };
    };
    // Matching by userName needs no lookup first: the insert itself finds the clash (unique
    // userName), and only then is the existing profile read. Other matching fields look first.
    const matchFirst = settings.matchingField !== 'userName';
    const match = matchFirst ? await findMatch(repos, document, settings) : undefined;
    if (match) return adoptOrRefuse(match);
    const reference = managerReference(document);
    const manager = reference === undefined ? undefined : await resolvePerson(repos, reference);
    const managerId = manager?.id ?? null;
    const user = userRecordFrom(document, { id: rt.newId(), version: 1, createdMs: now, modifiedMs: now, source, managerId });
    // The references waiting for this person are taken with the insert, in one round trip.
    const ownFolds = identifierFolds(user);
    const waiting = await repos.users.insertTakingReferences(user, ownFolds);
    if (!waiting) {
      const clash = matchFirst ? undefined : await findMatch(repos, document, settings);
      if (clash) return adoptOrRefuse(clash);
      throw taken(user.userName);
    }
    // A manager reference naming the person themselves links nothing and waits for no one.
    if (reference !== undefined && !manager && !ownFolds.includes(foldText(reference))) {
      await repos.pending.add({ kind: 'manager', subjectId: user.id, reference, createdMs: now }, foldText(reference));
    }
    events.push('user.created', {
      user: { id: user.id, userName: user.userName, externalId: user.externalId, active: user.active, managerId, attributes: document },
      valueFlags: flags,
    });
    await placeInFolders(rt, repos, user.id, undefined, document, events, now);
    await resolveReferencesTo(repos, user, events, now, waiting);
    await events.flush(repos);
    return { user, changed: true, warnings };
  });
}

/** Writes a new document for an existing person: manager, folders, pending references, all in step. */
async function rewrite(
  rt: ProvisioningRuntime,
  repos: ScopedRepositories,
  current: StoredUser,
  document: JsonObject,
  source: UserSource,
  events: EventBuffer,
  now: number,
): Promise<UserRecord> {
  let record = userRecordFrom(document, {
    id: current.id,
    version: current.version + 1,
    createdMs: current.createdMs,
    modifiedMs: Math.max(now, current.modifiedMs),
    source,
    managerId: current.managerId,
  });
  if (managerReference(current.document) !== managerReference(document)) {
    record = { ...record, managerId: await linkManager(repos, record, now) };
  }
  if (!(await repos.users.update(record, { emailsChanged: !sameEmails(current, record) }))) throw taken(record.userName);
  await placeInFolders(rt, repos, record.id, current.document, document, events, now);
  const before = new Set(identifierFolds(current));
  if (identifierFolds(record).some((f) => !before.has(f))) await resolveReferencesTo(repos, record, events, now);
  return record;
}

/**
 * Changes a person in one transaction: lock the row, let `transform` compute the new document
 * (PUT replaces it, PATCH applies operations), validate what changed, write only if it differs.
 */
export async function modifyUser(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  id: string,
  transform: (current: JsonObject) => JsonObject,
  settings: TenantSettings,
  ifMatch?: VersionPrecondition,
  options: GuardOptions = {},
): Promise<UserWriteResult> {
  return rt.store.transaction(scope, async (repos) => {
    const current = await repos.users.findById(id, { forUpdate: true });
    if (!current) throw notFound('User', id);
    checkIfMatch(current.version, ifMatch);
    const document = transform(current.document);
    const changes = diffDocuments(current.document, document);
    if (changes.length === 0) return { user: current, changed: false };
    const warnings = validatePerson(document, settings, current.document).map(flagMessage);
    const now = rt.now();
    // Judged before anything is written, so a held deactivation has nothing to undo.
    if (current.active && document['active'] === false && guardActive({ settings, ...options })) {
      const reason = await removalExceedsThreshold(repos, settings, now);
      if (reason) {
        const held = await holdChange(rt, repos, { kind: 'user.deactivate', resourceId: id, baseVersion: current.version, payload: { document }, reason });
        return { user: current, changed: false, held };
      }
    }
    const events = new EventBuffer(rt, now);
    const record = await rewrite(rt, repos, current, document, current.source, events, now);
    const others = changes.filter((c) => c.attribute !== 'active');
    if (others.length > 0) {
      events.push('user.updated', { user: summary(record), changes: others, valueFlags: valueFlags(document, settings) });
    }
    if (current.active !== record.active) events.push(record.active ? 'user.reactivated' : 'user.deactivated', { user: summary(record) });
    await events.flush(repos);
    return { user: record, changed: true, warnings, changes: changes.map((c) => c.attribute), diff: changes };
  });
}

/**
 * Deletes a person: they leave every group (which get a new version), their reports' links go
 * back to pending, and an audit record without personal data remains.
 */
export async function deleteUser(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  id: string,
  ifMatch?: VersionPrecondition,
  settings?: TenantSettings,
  options: GuardOptions = {},
): Promise<{ held?: HeldInfo }> {
  return rt.store.transaction(scope, async (repos) => {
    const current = await repos.users.findById(id, { forUpdate: true });
    if (!current) throw notFound('User', id);
    checkIfMatch(current.version, ifMatch);
    const now = rt.now();
    const guard = settings && { settings, ...options };
    if (current.active && guardActive(guard)) {
      const reason = await removalExceedsThreshold(repos, guard.settings, now);
      if (reason) return { held: await holdChange(rt, repos, { kind: 'user.delete', resourceId: id, baseVersion: current.version, payload: {}, reason }) };
    }
    const events = new EventBuffer(rt, now);
    const touched = await repos.groups.removeMemberEverywhere(id);
    await repos.groups.touch(touched, now);
    for (const groupId of touched) events.pushMembers('group.members_removed', { id: groupId }, [id]);
    await unlinkReports(repos, id, now);
    await repos.pending.removeForSubject('manager', id);
    await repos.users.delete(id);
    await repos.audit.record({ id: rt.newId(), atMs: now, action: 'user.deleted', resourceType: 'User', resourceId: id });
    events.push('user.deleted', { user: { id } });
    await events.flush(repos);
    return {};
  });
}
