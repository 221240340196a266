import type { JsonObject } from '../../json/json-value.js';
import type { ScopedRepositories, StoredUser, TenantScope } from '../../storage/store.js';
import { DomainError, notFound } from '../errors.js';
import { checkIfMatch, type VersionPrecondition } from '../preconditions.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { sameEmails, userRecordFrom } from './user-record.js';

/** The outcome of a write: the person as stored now and whether anything changed. */
export interface UserWriteResult {
  readonly user: StoredUser;
  readonly changed: boolean;
}

const taken = (userName: string) => new DomainError('uniqueness', `userName "${userName}" is already taken in this tenant`);

/** Creates a person; a folded userName already in the tenant is a uniqueness conflict. */
export async function createUser(rt: ProvisioningRuntime, scope: TenantScope, document: JsonObject): Promise<UserWriteResult> {
  const now = rt.now();
  const record = userRecordFrom(document, { id: rt.newId(), version: 1, createdMs: now, modifiedMs: now });
  return rt.store.transaction(scope, async (repos) => {
    if (!(await repos.users.insert(record))) throw taken(record.userName);
    return { user: record, changed: true };
  });
}

/**
 * Changes a person in one transaction: lock the row, let `transform` compute the new document
 * (PUT replaces it, PATCH applies operations), write only if it differs.
 */
export async function modifyUser(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  id: string,
  transform: (current: JsonObject) => JsonObject,
  ifMatch?: VersionPrecondition,
): Promise<UserWriteResult> {
  return rt.store.transaction(scope, (repos) => modifyUserIn(rt, repos, id, transform, ifMatch));
}

async function modifyUserIn(
  rt: ProvisioningRuntime,
  repos: ScopedRepositories,
  id: string,
  transform: (current: JsonObject) => JsonObject,
  ifMatch: VersionPrecondition | undefined,
): Promise<UserWriteResult> {
  const current = await repos.users.findById(id, { forUpdate: true });
  if (!current) throw notFound('User', id);
  checkIfMatch(current.version, ifMatch);
  const document = transform(current.document);
  if (JSON.stringify(document) === JSON.stringify(current.document)) return { user: current, changed: false };
  const record = userRecordFrom(document, {
    id,
    version: current.version + 1,
    createdMs: current.createdMs,
    modifiedMs: Math.max(rt.now(), current.modifiedMs),
  });
  if (!(await repos.users.update(record, { emailsChanged: !sameEmails(current, record) }))) throw taken(record.userName);
  return { user: record, changed: true };
}

/** Deletes a person and their memberships; groups that lost them get a new version. */
export async function deleteUser(
  rt: ProvisioningRuntime,
  scope: TenantScope,
  id: string,
  ifMatch?: VersionPrecondition,
): Promise<void> {
  await rt.store.transaction(scope, async (repos) => {
    const current = await repos.users.findById(id, { forUpdate: true });
    if (!current) throw notFound('User', id);
    checkIfMatch(current.version, ifMatch);
    const touched = await repos.groups.removeMemberEverywhere(id);
    await repos.groups.touch(touched, rt.now());
    await repos.users.delete(id);
  });
}
