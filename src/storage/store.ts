import type { JsonObject } from '../json/json-value.js';
import type { AdminStore } from './admin-store.js';
import type { Condition, ListQuery, ListResult } from './query.js';
import type { DeliveryStore } from './delivery-store.js';
import type { OperationsStore } from './operations-store.js';
import type { PortabilityRepository } from './portability-store.js';
import type { RateCounters } from './rate-counters.js';

/** Which tenant a unit of work belongs to. Passed to every scoped call, never stored on a shared object. */
export interface TenantScope {
  readonly tenantId: string;
}

/**
 * `live`: the host product hears of every change. `preview`: SCIM is served and stored as usual,
 * but no webhook, feed, snapshot or host read tells the host anything until the tenant goes live.
 */
export type TenantMode = 'live' | 'preview';

export interface TenantRecord {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly provisioningEnabled: boolean;
  readonly settings: JsonObject;
  readonly createdMs: number;
  readonly lastRequestMs: number | null;
  readonly lastChangeMs: number | null;
  readonly mode: TenantMode;
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
  /** Who made the profile: SCIM, or an SSO login / admin / import (adoptable by a SCIM create). */
  readonly source: UserSource;
  readonly employeeNumber: string | null;
  /** The resolved manager, when `manager.value` names a person of the tenant. */
  readonly managerId: string | null;
  /** Recommended attributes the profile lacks (empty when complete). */
  readonly missing: readonly string[];
}

export type UserSource = 'scim' | 'sso' | 'admin' | 'import';

/** A person to write: the stored shape plus the email index rows derived from the document. */
export interface UserRecord extends StoredUser {
  readonly emails: readonly EmailRecord[];
  /** What the people search looks inside, folded (search-text.ts). */
  readonly searchText: string;
  /** Folded "given family" name (name-key.ts), the key of same-name possible duplicates; null when either is missing. */
  readonly nameKey: string | null;
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
  /**
   * Inserts a new person and takes (removes and answers, oldest first) the pending references
   * whose folded reference is one of `referenceFolds`, as one write: a create's usual work in one
   * round trip. Answers undefined, having written and taken nothing, when the folded userName is taken.
   */
  insertTakingReferences(user: UserRecord, referenceFolds: readonly string[]): Promise<PendingReferenceRecord[] | undefined>;
  /** Replaces the stored row; answers false when the folded userName is taken by someone else. */
  update(user: UserRecord, options: { emailsChanged: boolean }): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  list(query: ListQuery): Promise<ListResult<StoredUser>>;
  /** Which of these ids are people of the tenant. */
  existing(ids: readonly string[]): Promise<Set<string>>;
  /** People whose id, folded userName, folded email, externalId or employeeNumber is `reference`. */
  findByReference(reference: string, referenceFold: string): Promise<StoredUser[]>;
  /** People with a work or other email whose folded value is this. */
  findByEmailFold(emailFold: string): Promise<StoredUser[]>;
  findByExternalId(externalId: string): Promise<StoredUser[]>;
  /** Sets the resolved manager of these people. */
  setManager(userIds: readonly string[], managerId: string | null): Promise<void>;
  /** People whose resolved manager is this person. */
  reportsOf(managerId: string): Promise<StoredUser[]>;
  /** Groups each person is a direct member of. */
  groupsOf(userIds: readonly string[]): Promise<Map<string, UserGroupRecord[]>>;
  /** One person with the groups they are a direct member of, read in one statement. */
  findByIdWithGroups(id: string): Promise<UserWithGroups | undefined>;
  /** One page of people, each with their direct groups, read in one statement. */
  listWithGroups(query: ListQuery): Promise<ListResult<UserWithGroups>>;
}

export interface UserWithGroups {
  readonly user: StoredUser;
  /** Ordered by folded display name. */
  readonly groups: readonly UserGroupRecord[];
}

/** Groups of one tenant and their memberships, changed as sets. */
export interface GroupRepository {
  findById(id: string, options?: { forUpdate?: boolean }): Promise<GroupRecord | undefined>;
  /**
   * The group locked for a change (as `findById` with `forUpdate`), with its member count when
   * asked: in the same statement, so a change that needs the count pays no round trip for it.
   */
  lockForChange(id: string, options: { countMembers: boolean }): Promise<{ group: GroupRecord; memberCount?: number } | undefined>;
  insert(group: GroupRecord): Promise<boolean>;
  update(group: GroupRecord): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  list(query: ListQuery): Promise<ListResult<GroupRecord>>;
  existing(ids: readonly string[]): Promise<Set<string>>;
  members(groupId: string): Promise<MemberRecord[]>;
  /**
   * The members of each of these groups, read together (a page of groups); every id is a key.
   * With `limit`, undefined when the groups have more members than that in all (read them by
   * `membersPage` then), so a page of large groups is never read whole.
   */
  membersOf(groupIds: readonly string[]): Promise<Map<string, MemberRecord[]>>;
  membersOf(groupIds: readonly string[], limit: number): Promise<Map<string, MemberRecord[]> | undefined>;
  /** How many members each of these groups has (a group with none is left out). */
  memberCounts(groupIds: readonly string[]): Promise<Map<string, number>>;
  /** Up to `limit` members of the group with ids after `afterId`, in id order (keyset paging). */
  membersPage(groupId: string, afterId: string | undefined, limit: number): Promise<MemberRecord[]>;
  /** Adds members, ignoring those already in; answers the ids really added. */
  addMembers(groupId: string, members: readonly { id: string; type: MemberType; display?: string }[], nowMs: number): Promise<string[]>;
  /** Removes these members; answers the ids really removed. */
  removeMembers(groupId: string, ids: readonly string[]): Promise<string[]>;
  /** Removes every member not in `keep`; answers the ids removed. */
  retainMembers(groupId: string, keep: readonly string[]): Promise<string[]>;
  /** Removes members matching a condition over `value`, `type` and `display`; answers the ids removed. */
  removeMembersWhere(groupId: string, condition: Condition): Promise<string[]>;
  memberCount(groupId: string): Promise<number>;
  /** Removes every member; answers the ids removed. */
  removeAllMembers(groupId: string): Promise<string[]>;
  /** Removes a member from every group (when the member is deleted); answers the group ids touched. */
  removeMemberEverywhere(memberId: string): Promise<string[]>;
  /** Bumps version and lastModified of groups whose membership changed as a side effect. */
  touch(groupIds: readonly string[], nowMs: number): Promise<void>;
}

export type FolderKind = 'department' | 'division' | 'organization';

export interface FolderRecord {
  readonly id: string;
  readonly kind: FolderKind;
  readonly value: string;
  readonly createdMs: number;
}

/**
 * Counts of members stop here: counting every member of a folder or group of a million people
 * reads a million index entries, for a figure the console shows as "10,000+". Past the cap the
 * count is the cap and `exact` is false.
 */
export const MEMBER_COUNT_CAP = 10_000;

/** A member count that stopped at `MEMBER_COUNT_CAP` when `exact` is false. */
export interface MemberCount {
  readonly count: number;
  readonly exact: boolean;
}

/** Attribute folders: one per distinct department / division / organization value, kept by Roster. */
export interface FolderRepository {
  /** The folder for a value, created when new (case-insensitively the same value is the same folder). */
  ensure(kind: FolderKind, value: string, id: string, nowMs: number): Promise<{ folder: FolderRecord; created: boolean }>;
  /** Puts a person in `folderId` for that kind (or in none); answers the folder left and the folder joined. */
  place(userId: string, kind: FolderKind, folderId: string | null): Promise<{ left: string | null; joined: string | null }>;
  list(kind?: FolderKind): Promise<FolderRecord[]>;
  findById(id: string): Promise<FolderRecord | undefined>;
  /** Each folder's member count up to `MEMBER_COUNT_CAP` (absent folders count 0); a long read (read workers / read pool). */
  memberCounts(folderIds: readonly string[]): Promise<Map<string, MemberCount>>;
  memberIds(folderId: string, limit: number, offset: number): Promise<string[]>;
  foldersOf(userIds: readonly string[]): Promise<Map<string, FolderRecord[]>>;
}

export type PendingKind = 'manager' | 'member';

export interface PendingReferenceRecord {
  readonly kind: PendingKind;
  /** The person whose manager is pending, or the group whose member is pending. */
  readonly subjectId: string;
  readonly reference: string;
  readonly createdMs: number;
}

/** References to people who are not there yet, resolved the moment they arrive. */
export interface PendingReferenceRepository {
  add(reference: PendingReferenceRecord, referenceFold: string): Promise<void>;
  /** Holds several references of one subject at once (those already held are kept as they are). */
  addAll(kind: PendingKind, subjectId: string, references: readonly { reference: string; fold: string }[], createdMs: number): Promise<void>;
  removeForSubject(kind: PendingKind, subjectId: string): Promise<void>;
  /** Drops these references of one subject (a pending member removed before it arrived). */
  removeReferences(kind: PendingKind, subjectId: string, referenceFolds: readonly string[]): Promise<void>;
  /** Removes and answers every pending reference whose folded reference is one of these. */
  takeMatching(referenceFolds: readonly string[]): Promise<PendingReferenceRecord[]>;
  list(limit: number, offset: number): Promise<{ rows: PendingReferenceRecord[]; total: number }>;
  /** One subject's references of one kind, oldest first (from the primary key, whatever the tenant holds). */
  forSubject(kind: PendingKind, subjectId: string): Promise<PendingReferenceRecord[]>;
}

/** An event to append to the outbox; storage gives it the tenant's next sequence number when its change commits. */
export interface EventDraft {
  readonly id: string;
  readonly type: string;
  readonly occurredMs: number;
  readonly data: JsonObject;
}

export interface StoredEvent extends EventDraft {
  readonly tenantId: string;
  readonly seq: number;
}

export interface EventRepository {
  /**
   * Appends in order. Each tenant's events are numbered 1, 2, 3… with no gaps, in commit order, and
   * keeping one change's events together. No reader sees an event before it is numbered; in the
   * process that made the change, reads that start after its `transaction` resolved see it
   * (PostgreSQL numbers events just after commit: other processes see them a moment later, and
   * should numbering fail, the store numbers them later by itself).
   */
  append(events: readonly EventDraft[]): Promise<void>;
  /** Events after `afterSeq`, in order. */
  after(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  lastSeq(): Promise<number>;
  /** The last seq retention has deleted (0 while none): the outbox holds every event after it. */
  prunedThrough(): Promise<number>;
  /**
   * Deletes up to `limit` of the oldest events, stopping at the first that occurred at or after
   * `beforeMs` or that a webhook endpoint of the tenant has not received yet, so what stays is
   * always `prunedThrough() + 1 … lastSeq()`. Answers how many were deleted. Run in a transaction.
   */
  prune(beforeMs: number, limit: number): Promise<number>;
}

/** Why people make a set of possible duplicates: they share a folded email, or a folded given and family name. */
export type DuplicateReason = 'email' | 'name';

/**
 * Where a page of possible-duplicate sets starts (sets are ordered by reason, email first, then
 * key): after this key, or at it when `inclusive` (a page that stopped at its work budget).
 */
export interface DuplicateCursor {
  readonly reason: DuplicateReason;
  readonly key: string;
  readonly inclusive?: boolean;
}

/** People who share a key, leaving out anyone whose every pair in the set was decided "not a duplicate". */
export interface DuplicateSet {
  readonly reason: DuplicateReason;
  readonly key: string;
  /** Ordered by id; the first PEOPLE_SHOWN_PER_SET of the set (storage/sql/duplicates.repo.ts). */
  readonly users: readonly StoredUser[];
  /** More people share the key than `users` holds. */
  readonly more: boolean;
}

/** Two people an admin decided are not the same person; `userLow` < `userHigh`. */
export interface DuplicateDismissal {
  readonly userLow: string;
  readonly userHigh: string;
  readonly decidedBy: string;
  readonly decidedMs: number;
}

/** Possible duplicates of one tenant, read from indexes kept on write, and the pairs decided not to be. */
export interface DuplicateRepository {
  /**
   * Up to `limit` sets from `after`, each with at least one undecided pair, and where the next page
   * starts (null after the last set). A page reads a bounded number of index entries, so in a large
   * tenant with few duplicates it may hold fewer than `limit` sets, or none, and still have a next.
   */
  page(after: DuplicateCursor | undefined, limit: number): Promise<{ sets: DuplicateSet[]; next: DuplicateCursor | null }>;
  /**
   * How many sets there are, counting at most `cap` of each reason and reading a bounded number of
   * index entries; when `exact` is false there are at least `sets`.
   */
  count(cap: number): Promise<{ sets: number; exact: boolean }>;
  /** Records the pairs (already ordered low < high); answers how many were new. */
  dismiss(pairs: readonly DuplicateDismissal[]): Promise<number>;
  /** Forgets the decisions on these pairs; answers how many there were. */
  undo(pairs: readonly { userLow: string; userHigh: string }[]): Promise<number>;
}

/** One entry of a tenant's audit log: what was done to which resource, and when. */
export interface AuditEntry {
  readonly id: string;
  readonly atMs: number;
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
}

export interface AuditRepository {
  record(entry: AuditEntry): Promise<void>;
  /** The latest entries, newest first. */
  latest(limit: number): Promise<AuditEntry[]>;
}

/** One SCIM request as the provisioning log keeps it. Never holds a credential or a body. */
export interface RequestLogEntry {
  readonly tenantId: string;
  readonly id: string;
  readonly atMs: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** The client's User-Agent. */
  readonly client: string | null;
  readonly credentialId: string | null;
  readonly resourceType: string | null;
  readonly resourceId: string | null;
  readonly changed: boolean;
  /** What was ignored (with suggestions), which IdP normalisers fired, what changed. */
  readonly notes: JsonObject;
  readonly error: string | null;
  /** The event type of the change the request made (`user.created`, …), when it made one. */
  readonly event?: string | null;
  /** The request and response bodies as logged: secrets redacted, cut at REQUEST_LOG_BODY_LIMIT. */
  readonly requestBody?: string | null;
  readonly responseBody?: string | null;
  /** Lower-cased path, ignored attribute names and normaliser names: what `text` search matches. */
  readonly searchText?: string | null;
}

export interface RequestLogQuery {
  /**
   * Substring of the path, an ignored attribute's name or a normaliser's name. A bounded scan: only
   * the newest `textWindow` entries (within the other bounds) are looked at.
   */
  readonly text?: string;
  readonly textWindow?: number;
  /** Time range, inclusive, in epoch milliseconds (bounds on the time-ordered id). */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly resourceType?: 'User' | 'Group';
  readonly event?: string;
  readonly method?: string;
  /** 'error' for ≥400, 'ok' for <400, or an exact status. */
  readonly status?: 'error' | 'ok' | number;
  readonly resourceId?: string;
  readonly changedOnly?: boolean;
  /** Entries strictly older than this id (cursor for the next page). */
  readonly before?: string;
  /** Entries strictly newer than this id, oldest first (the live connection check). */
  readonly after?: string;
  readonly limit: number;
}

/** A page of the log; `complete` is false when a text search stopped at its window before filling the page. */
export interface RequestLogPage {
  readonly entries: RequestLogEntry[];
  readonly complete: boolean;
}

export interface RequestLogRepository {
  list(query: RequestLogQuery): Promise<RequestLogEntry[]>;
  /** As list, and says whether a bounded text search looked at every entry it could match. */
  search(query: RequestLogQuery): Promise<RequestLogPage>;
  findById(id: string): Promise<RequestLogEntry | undefined>;
  /** Deletes up to `limit` entries written before `beforeMs`, oldest first; answers how many. */
  prune(beforeMs: number, limit: number): Promise<number>;
}

export type HeldChangeKind = 'user.deactivate' | 'user.delete' | 'group.empty';
export type HeldChangeStatus = 'held' | 'approved' | 'discarded';

/** A change the mass-change guard did not apply, waiting for an admin. */
export interface HeldChangeRecord {
  readonly id: string;
  readonly kind: HeldChangeKind;
  readonly resourceId: string;
  /** The resource's version when the change was held. */
  readonly baseVersion: number;
  /** What to apply on approval (e.g. the target document). */
  readonly payload: JsonObject;
  readonly reason: string;
  readonly status: HeldChangeStatus;
  readonly createdMs: number;
  readonly decidedMs: number | null;
}

export interface HeldChangeRepository {
  add(change: HeldChangeRecord): Promise<void>;
  list(status: HeldChangeStatus | undefined, limit: number): Promise<HeldChangeRecord[]>;
  findById(id: string, options?: { forUpdate?: boolean }): Promise<HeldChangeRecord | undefined>;
  decide(id: string, status: 'approved' | 'discarded', nowMs: number): Promise<boolean>;
  /** How many people were deactivated or deleted since `sinceMs` (from the outbox). */
  recentRemovals(sinceMs: number): Promise<number>;
  /** Active people now. */
  activeCount(): Promise<number>;
}

/** A point inside a write transaction that later writes can be undone back to (an SQL savepoint). */
export interface Savepoint {
  /** Undoes every write made since the savepoint; the transaction goes on and may still commit. */
  rollback(): Promise<void>;
}

export interface ScopedRepositories {
  /**
   * Marks a savepoint, inside `Store.transaction` only: a use case that judges a change by its
   * effect can undo it and commit something else (a held change) in the same transaction.
   */
  savepoint(): Promise<Savepoint>;
  readonly users: UserRepository;
  readonly groups: GroupRepository;
  readonly folders: FolderRepository;
  readonly pending: PendingReferenceRepository;
  readonly events: EventRepository;
  readonly audit: AuditRepository;
  readonly duplicates: DuplicateRepository;
  readonly requestLog: RequestLogRepository;
  readonly held: HeldChangeRepository;
  /** Restore-only writes for `roster import` (portability-store.ts). */
  readonly portability: PortabilityRepository;
}

/** A tenant to create: live unless `mode` says preview. */
export type NewTenant = Omit<TenantRecord, 'mode'> & { readonly mode?: TenantMode };

export interface TenantRepository {
  create(tenant: NewTenant): Promise<boolean>;
  findById(id: string): Promise<TenantRecord | undefined>;
  findBySlug(slug: string): Promise<TenantRecord | undefined>;
  list(): Promise<TenantRecord[]>;
  setProvisioningEnabled(id: string, enabled: boolean): Promise<boolean>;
  updateSettings(id: string, settings: JsonObject): Promise<boolean>;
  /** Changes the slug and/or display name; `slugTaken` (nothing written) when another tenant has the slug. */
  rename(id: string, change: { slug?: string; name?: string }): Promise<'renamed' | 'slugTaken' | 'notFound'>;
  /**
   * Deletes at most `limit` of the tenant's rows from one table, as one short statement (its own
   * transaction); answers how many. Called table by table in TENANT_PURGE_ORDER until each answers
   * 0, so a large tenant is removed in bounded steps that other tenants' writes interleave with.
   */
  purgeRows(id: string, table: TenantTable, limit: number): Promise<number>;
  /** Deletes the tenant row and whatever of it remains (foreign keys cascade); false when there was none. */
  delete(id: string): Promise<boolean>;
  /**
   * Puts a live tenant that holds nothing yet (no person, group or event) in preview; false when it
   * holds something or is already in preview. A tenant serving its host is never taken back.
   */
  enterPreview(id: string): Promise<boolean>;
  /** Coalesced bookkeeping: moves the timestamps forward (never back). */
  recordActivity(activity: readonly { tenantId: string; lastRequestMs?: number; lastChangeMs?: number }[]): Promise<void>;
}

/**
 * Every table holding a tenant's rows, children before their parents so that no single delete
 * cascades into an unbounded number of rows.
 */
export const TENANT_PURGE_ORDER = [
  'group_members',
  'folder_members',
  'duplicate_dismissals',
  'user_emails',
  'pending_references',
  'users',
  'groups',
  'folders',
  'held_changes',
  'request_log',
  'audit_log',
  'events',
  'event_sequences',
  'webhook_dead_letters',
  'webhook_streams',
  'webhook_endpoints',
  'host_keys',
  'credentials',
  'admins',
] as const;

export type TenantTable = (typeof TENANT_PURGE_ORDER)[number];

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

/**
 * The database could not write for lack of space (SQLITE_FULL, PostgreSQL's 53100 disk_full);
 * what was being written was not applied. Reads still work; writes resume once space returns.
 */
export class StorageFullError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageFullError';
  }
}

/**
 * A statement ran past the database's deadline (PostgreSQL's statement_timeout) and was cancelled;
 * nothing it was part of was applied. Usually a read that would have to examine too much.
 */
export class StorageDeadlineError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageDeadlineError';
  }
}

export interface TransactionOptions {
  /**
   * The write's cost follows its input or a group's size (an import, a change naming hundreds of
   * members, emptying or replacing a group's members), not one person's few rows. PostgreSQL runs
   * it in a transaction of its own instead of a group-commit batch, where the writes batched after
   * it would wait for it to finish. SQLite has one writer: it waits its turn either way.
   */
  readonly large?: boolean;
}

/** The storage contract the domain depends on; one implementation serves SQLite and PostgreSQL. */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Runs `work` in one transaction scoped to a tenant; commits when it resolves, rolls back when it throws. */
  transaction<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Reads outside a transaction, scoped to a tenant. */
  read<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>): Promise<T>;
  /**
   * Reads in one read-only transaction that sees a single committed state (repeatable read), in
   * which the tenant's events are all numbered: the state is exactly the sum of events 1…lastSeq().
   */
  snapshot<T>(scope: TenantScope, work: (repos: ScopedRepositories) => Promise<T>): Promise<T>;
  /**
   * Ends a tenant's preview as one step: appends the event `event(seq)` makes, numbered `seq`: after
   * every event committed before it and before any committed after. Deletes the outbox before it
   * (the preview's events, which no host receives one by one), records `audit` and switches the
   * tenant live. Answers the seq, or undefined, having written nothing, when the tenant is not in preview.
   */
  goLive(scope: TenantScope, event: (seq: number) => EventDraft, audit: AuditEntry): Promise<number | undefined>;
  /**
   * While the tenant is in preview: deletes its outbox (the counter goes on from where it was, so a
   * webhook cursor never points past a later event) and records `audit`; false when not in preview.
   * The rest of what a preview stored is removed table by table with `tenants.purgeRows`.
   */
  clearPreviewOutbox(scope: TenantScope, audit: AuditEntry): Promise<boolean>;
  /** Webhook endpoints, delivery streams, dead letters and host keys (`delivery-store.ts`). */
  readonly delivery: DeliveryStore;
  readonly tenants: TenantRepository;
  readonly credentials: CredentialRepository;
  /** The admin console's admins, sessions and sign-in throttle (admin-store.ts). */
  readonly admin: AdminStore;
  /** Cross-tenant counts, pool state and migrations for metrics and `roster doctor` (operations-store.ts). */
  readonly operations: OperationsStore;
  /** Rate-limit counters: in this process on SQLite, shared through the database on PostgreSQL (rate-counters.ts). */
  readonly rateCounters: RateCounters;
  /**
   * Resolves once the events this process has committed for the tenant so far are numbered (they
   * are on SQLite before the transaction resolves; PostgreSQL numbers them just after the commit).
   */
  eventsSettled(scope: TenantScope): Promise<void>;
  /**
   * Calls `listener` with the tenant's id each time a transaction of this process that appended
   * events has committed and its events are numbered, so readable; answers how to stop.
   */
  onEventsNumbered(listener: (tenantId: string) => void): () => void;
  /** Appends provisioning-log entries of any tenants in one statement (written in batches). */
  appendRequestLog(entries: readonly RequestLogEntry[]): Promise<void>;
  ping(): Promise<void>;
  /**
   * Whether the database can write: true until a write fails for lack of space (StorageFullError);
   * from then on each call tries a small write of its own and answers true once one succeeds again.
   */
  canWrite(): Promise<boolean>;
  close(): Promise<void>;
}
