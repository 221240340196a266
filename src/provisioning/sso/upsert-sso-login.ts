import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import { foldText } from '../../storage/fold.js';
import type { ScopedRepositories, StoredUser, TenantRecord } from '../../storage/store.js';
import { DomainError } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { tenantSettings, type TenantSettings } from '../tenants/tenant-settings.js';
import { createUser, modifyUser } from '../users/write-user.js';

/** What the host knows about someone signing in, from the identity provider's assertion. */
export interface SsoLogin {
  readonly userName: string;
  readonly email?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly displayName?: string;
  readonly externalId?: string;
}

/** The person after the login, and what the login did; `active: false` tells the host to refuse. */
export interface SsoLoginResult {
  readonly person: StoredUser;
  readonly active: boolean;
  readonly created: boolean;
  readonly updated: boolean;
}

/** The profile a login is about: by the tenant's matching field, else by userName (unique per tenant). */
async function findPerson(repos: ScopedRepositories, login: SsoLogin, settings: TenantSettings): Promise<StoredUser | undefined> {
  const prefer = (candidates: StoredUser[]) => candidates.find((c) => c.source === 'scim') ?? candidates[0];
  let match: StoredUser | undefined;
  if (settings.matchingField === 'email' && login.email) match = prefer(await repos.users.findByEmailFold(foldText(login.email)));
  if (settings.matchingField === 'externalId' && login.externalId) match = prefer(await repos.users.findByExternalId(login.externalId));
  return match ?? (await repos.users.findByUserNameFold(foldText(login.userName)));
}

/** A new profile from a login: the attributes the assertion carried, active. */
function documentFrom(login: SsoLogin): JsonObject {
  const document: JsonObject = { userName: login.userName, active: true };
  const name: JsonObject = {};
  if (login.givenName) name['givenName'] = login.givenName;
  if (login.familyName) name['familyName'] = login.familyName;
  if (Object.keys(name).length > 0) document['name'] = name;
  if (login.displayName) document['displayName'] = login.displayName;
  if (login.email) document['emails'] = [{ value: login.email, type: 'work', primary: true }];
  if (login.externalId) document['externalId'] = login.externalId;
  return document;
}

/**
 * The login's details written over a profile: names, display name, work email, externalId.
 * userName is the sign-in identity and is never changed by a login; `active` is never touched
 * (a login does not reactivate anyone).
 */
function applyLogin(current: JsonObject, login: SsoLogin): JsonObject {
  const next: JsonObject = structuredClone(current);
  if (login.givenName || login.familyName) {
    const name: JsonObject = isJsonObject(next['name']) ? { ...next['name'] } : {};
    if (login.givenName) name['givenName'] = login.givenName;
    if (login.familyName) name['familyName'] = login.familyName;
    next['name'] = name;
  }
  if (login.displayName) next['displayName'] = login.displayName;
  if (login.externalId) next['externalId'] = login.externalId;
  if (login.email) next['emails'] = withWorkEmail(next['emails'], login.email);
  return next;
}

function withWorkEmail(emails: JsonValue | undefined, value: string): JsonValue {
  const list = Array.isArray(emails) ? emails.filter(isJsonObject).map((e) => ({ ...e })) : [];
  const work = list.find((e) => typeof e['type'] === 'string' && e['type'].toLowerCase() === 'work');
  if (work) work['value'] = value;
  else list.unshift({ value, type: 'work', ...(list.some((e) => e['primary'] === true) ? {} : { primary: true }) });
  return list;
}

/**
 * Just-in-time upsert at sign-in (README.md#the-host-products-side): finds the person by the tenant's
 * matching field, creates them if absent (source `sso`: not SCIM-managed, so a later SCIM create adopts the
 * profile), and updates their details only when the tenant lets logins do so or SCIM does not manage the
 * person. SCIM stays the source of truth otherwise.
 */
export async function upsertSsoLogin(rt: ProvisioningRuntime, tenant: TenantRecord, login: SsoLogin): Promise<SsoLoginResult> {
  const scope = { tenantId: tenant.id };
  const settings = tenantSettings(tenant);
  for (let round = 0; ; round++) {
    const existing = await rt.store.read(scope, (repos) => findPerson(repos, login, settings));
    if (!existing) {
      try {
        const { user } = await createUser(rt, scope, documentFrom(login), settings, 'sso');
        return { person: user, active: user.active, created: true, updated: false };
      } catch (error) {
        // Two first logins at once: the other one created the profile; find it on the next round.
        if (round === 0 && error instanceof DomainError && error.kind === 'uniqueness') continue;
        throw error;
      }
    }
    const mayUpdate = settings.ssoMayUpdate || existing.source !== 'scim';
    if (!mayUpdate) return { person: existing, active: existing.active, created: false, updated: false };
    const result = await modifyUser(rt, scope, existing.id, (current) => applyLogin(current, login), settings);
    return { person: result.user, active: result.user.active, created: false, updated: result.changed };
  }
}
