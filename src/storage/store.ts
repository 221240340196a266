import type { JsonObject } from '../json/json-value.js';
import type { Condition, ListQuery, ListResult } from './query.js';

/** Which tenant a unit of work belongs to. Passed to every scoped call, never stored on a shared object. */
export interface TenantScope {
  readonly tenantId: string;
}

export interface TenantRecord {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly provisioningEnabled: boolean;
  readonly settings: JsonObject;
  readonly createdMs: number;
  readonly lastRequestMs: number | null;
  readonly lastChangeMs: number | null;
}

export type CredentialKind = 'bearer' | 'basic';

export interface CredentialRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: CredentialKind;
  readonly label: string;
  readonly secretHash: string;
  readonly createdMs: number;
  readonly lastUsedMs: number | null;
  readonly revokedMs: number | null;
}

export interface EmailRecord {
  readonly value: string;
  readonly valueFold: string;
  readonly type: string | null;
  readonly primary: boolean;
}

/** A person as stored: indexed columns beside the full attribute document. */
export interface StoredUser {
  readonly id: string;
  readonly userName: string;
  readonly userNameFold: string;
  readonly externalId: string | null;
  readonly displayNameFold: string | null;
  readonly active: boolean;
  readonly document: JsonObject;
  readonly version: number;
  readonly createdMs: number;
  readonly modifiedMs: number;
}

/** A person to write: the stored shape plus the email index rows derived from the document. */
export interface UserRecord extends StoredUser {
  readonly emails: readonly EmailRecord[];
}

export interface GroupRecord {
  readonly id: string;
  readonly displayName: string;
  readonly displayNameFold: string;
  readonly externalId: string | null;
  readonly document: JsonObject;
  readonly version: number;
  readonly createdMs: number;
  readonly modifiedMs: number;
}

export type MemberType = 'User' | 'Group';

export interface MemberRecord {
  readonly id: string;
  readonly type: MemberType;
  /** userName / displayName of the member, for `members[].display`. */
  readonly display: string | null;
}

export interface UserGroupRecord {
  readonly groupId: string;
  readonly displayName: string;
}

/** People of one tenant. */
export interface UserRepository {
  findById(id: string, options?: { forUpdate?: boolean }): Promise<StoredUser | undefined>;
  findByUserNameFold(userNameFold: string): Promise<StoredUser | undefined>;
  /** Inserts; answers false (and writes nothing) when the folded userName is taken. */
  insert(user: UserRecord): Promise<boolean>;
  /** Replaces the stored row; answers false when the folded userName is taken by someone else. */
  update(user: UserRecord, options: { emailsChanged: boolean }): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  list(query: ListQuery): Promise<ListResult<StoredUser>>;
  /** Which of these ids are people of the tenant. */
  existing(ids: readonly string[]): Promise<Set<string>>;
  /** Groups each person is a direct member of. */
  groupsOf(userIds: readonly string[]): Promise<Map<string, UserGroupRecord[]>>;
}

/** Groups of one tenant and their memberships, changed as sets. */
export interface GroupRepository {
  findById(id: string, options?: { forUpdate?: boolean }): Promise<GroupRecord | undefined>;
  insert(group: GroupRecord): Promise<boolean>;
  update(group: GroupRecord): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  list(query: ListQuery): Promise<ListResult<GroupRecord>>;
  existing(ids: readonly string[]): Promise<Set<string>>;
  members(groupId: string): Promise<MemberRecord[]>;
  /** Adds members, ignoring those already in; answers the ids really added. */
  addMembers(groupId: string, members: readonly { id: string; type: MemberType }[], nowMs: number): Promise<string[]>;
  /** Removes these members; answers the ids really removed. */
  removeMembers(groupId: string, ids: readonly string[]): Promise<string[]>;
  /** Removes every member not in `keep`; answers the ids removed. */
  retainMembers(groupId: string, keep: readonly string[]): Promise<string[]>;
  /** Removes members matching a condition over `value`, `type` and `display`; answers the ids removed. */
  removeMembersWhere(groupId: string, condition: Condition): Promise<string[]>;
  /** Removes every member; answers the ids removed. */
  removeAllMembers(groupId: string): Promise<string[]>;
  /** Removes a member from every group (when the member is deleted); answers the group ids touched. */
  removeMemberEverywhere(memberId: string): Promise<string[]>;
  /** Bumps version and lastModified of groups whose membership changed as a side effect. */
  touch(groupIds: readonly string[], nowMs: number): Promise<void>;
}

export interface ScopedRepositories {
  readonly users: UserRepository;
  readonly groups: GroupRepository;
}

export interface TenantRepository {
  create(tenant: TenantRecord): Promise<boolean>;
  findById(id: string): Promise<TenantRecord | undefined>;
  findBySlug(slug: string): Promise<TenantRecord | undefined>;
  list(): Promise<TenantRecord[]>;
  setProvisioningEnabled(id: string, enabled: boolean): Promise<boolean>;
  /** Coalesced bookkeeping: moves the timestamps forward (never back). */
  recordActivity(activity: readonly { tenantId: string; lastRequestMs?: number; lastChangeMs?: number }[]): Promise<void>;
}

export interface CredentialRepository {
  create(credential: CredentialRecord): Promise<void>;
  findById(id: string): Promise<CredentialRecord | undefined>;
  /** The credential with its tenant, in one query (every SCIM request authenticates). */
  findWithTenant(id: string): Promise<{ credential: CredentialRecord; tenant: TenantRecord } | undefined>;
  listForTenant(tenantId: string): Promise<CredentialRecord[]>;
  revoke(tenantId: string, id: string, nowMs: number): Promise<boolean>;
  /** Coalesced bookkeeping: moves last-used forward (never back). */
  recordUse(uses: readonly { id: string; lastUsedMs: number }[]): Promise<void>;
}

/** Failure of the database itself (connection lost, timeout): the request may be retried. */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/** The storage contract the domain depends on; one implementation serves SQLite and PostgreSQL. */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Runs `work` in one transaction scoped to a tenant; commits when it resolves, rolls back when it throws. */
  transaction<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>): Promise<T>;
  /** Reads outside a transaction, scoped to a tenant. */
  read<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>): Promise<T>;
  readonly tenants: TenantRepository;
  readonly credentials: CredentialRepository;
  ping(): Promise<void>;
  close(): Promise<void>;
}
