import type { MemberCount } from './store.js';

/**
 * Storage for the admin console: the people who sign in to it, their sessions and the sign-in
 * throttle, plus the few aggregate reads the console needs that the SCIM side never does.
 * Kept apart from `store.ts` so the console can grow without touching the provisioning contract.
 */

/** An operator manages every tenant; a tenant admin manages exactly one. */
export type AdminRole = 'operator' | 'tenant';

export interface AdminRecord {
  readonly id: string;
  /** As typed at creation, for display. */
  readonly email: string;
  /** NFKC + lower case: the sign-in key, unique. */
  readonly emailFold: string;
  /** `scrypt$…` (see provisioning/admins/password-hash.ts); never leaves the provisioning layer. */
  readonly passwordHash: string;
  readonly role: AdminRole;
  /** The one tenant of a tenant admin; null for an operator. */
  readonly tenantId: string | null;
  readonly createdMs: number;
  readonly lastSignInMs: number | null;
  /** When an operator disabled the admin (they cannot sign in); null while enabled. */
  readonly disabledMs: number | null;
}

/** A signed-in browser. Only a SHA-256 of the session id is stored, so a database leak signs no one in. */
export interface AdminSessionRecord {
  readonly idHash: string;
  readonly adminId: string;
  readonly createdMs: number;
  readonly lastSeenMs: number;
  /** Absolute end of the session, whatever the activity. */
  readonly expiresMs: number;
}

/** Failed sign-ins for one throttle key (a hash of email and client address). */
export interface SignInFailures {
  readonly failures: number;
  readonly lastFailureMs: number;
}

export interface AdminRepository {
  /** Inserts; answers false (and writes nothing) when the folded email is taken. */
  create(admin: AdminRecord): Promise<boolean>;
  findById(id: string): Promise<AdminRecord | undefined>;
  findByEmailFold(emailFold: string): Promise<AdminRecord | undefined>;
  list(): Promise<AdminRecord[]>;
  recordSignIn(id: string, atMs: number): Promise<void>;
  /** Disables (a time) or enables (null) an admin; answers false when there is no such admin. */
  setDisabled(id: string, disabledMs: number | null): Promise<boolean>;
  /** Replaces the password hash; answers false when there is no such admin. */
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
  /** Removes the admin with their sessions and reset links; answers false when there was none. */
  delete(id: string): Promise<boolean>;
}

/** A one-time password-reset link; only a SHA-256 of its token is stored. */
export interface PasswordResetRecord {
  readonly tokenHash: string;
  readonly adminId: string;
  readonly createdMs: number;
  readonly expiresMs: number;
  readonly usedMs: number | null;
}

export interface PasswordResetRepository {
  /** Stores a new link and drops every earlier one of the same admin: only the newest link works. */
  create(reset: PasswordResetRecord): Promise<void>;
  find(tokenHash: string): Promise<PasswordResetRecord | undefined>;
  /**
   * Marks the link used if it is unused and unexpired at `nowMs`, atomically (two tabs submitting
   * at once: one wins); answers the admin's id, or undefined when the link was not usable.
   */
  consume(tokenHash: string, nowMs: number): Promise<string | undefined>;
}

/** One operator action kept beyond the life of what it acted on (a deleted tenant, a removed admin). */
export interface OperatorAuditEntry {
  readonly id: string;
  readonly atMs: number;
  /** Who: `cli`, or `admin:<id>` for the console's operator API. */
  readonly actor: string;
  /** `tenant.deleted`, `tenant.renamed`, `admin.disabled`, … */
  readonly action: string;
  /** What it acted on, in words that stay meaningful after it is gone (a slug and id, an email). */
  readonly subject: string;
  /** Counts and before/after values, as JSON text. */
  readonly detail: string;
}

export interface OperatorAuditRepository {
  record(entry: OperatorAuditEntry): Promise<void>;
  /** Newest first. */
  latest(limit: number): Promise<OperatorAuditEntry[]>;
}

export interface AdminSessionRepository {
  create(session: AdminSessionRecord): Promise<void>;
  /** The session and its admin in one query. */
  findWithAdmin(idHash: string): Promise<{ session: AdminSessionRecord; admin: AdminRecord } | undefined>;
  touch(idHash: string, lastSeenMs: number): Promise<void>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of an admin, except `keepIdHash` when given; answers how many ended. */
  deleteForAdmin(adminId: string, keepIdHash?: string): Promise<number>;
  /** Removes sessions whose absolute expiry has passed; answers how many. */
  deleteExpired(nowMs: number): Promise<number>;
}

export interface SignInThrottleRepository {
  find(key: string): Promise<SignInFailures | undefined>;
  /** Counts one more failure atomically (several processes may race); answers the new state. */
  recordFailure(key: string, nowMs: number, forgetBeforeMs: number): Promise<SignInFailures>;
  /** Takes back one counted failure (an attempt that reserved its place but was refused). */
  release(key: string): Promise<void>;
  clear(key: string): Promise<void>;
}

/** Aggregates the console shows and SCIM never asks for; every call names its tenant. */
export interface ConsoleReads {
  /** Direct member count of each of these groups of the tenant up to `MEMBER_COUNT_CAP` (absent groups count 0). */
  groupMemberCounts(tenantId: string, groupIds: readonly string[]): Promise<Map<string, MemberCount>>;
}

export interface AdminStore {
  readonly admins: AdminRepository;
  readonly sessions: AdminSessionRepository;
  readonly throttle: SignInThrottleRepository;
  readonly consoleReads: ConsoleReads;
  readonly passwordResets: PasswordResetRepository;
  readonly audit: OperatorAuditRepository;
  /** Setup links and the sessions they open (setup-links.repo.ts). */
  readonly setupLinks: SetupLinkRepository;
}

/** How a setup link presents itself to the customer: all optional, checked when the link is made. */
export interface SetupBranding {
  readonly productName?: string;
  readonly logoUrl?: string;
  /** `#rrggbb`. */
  readonly accent?: string;
  /** Where the customer goes when they are done (the host product's own page). */
  readonly returnUrl?: string;
}

/**
 * A link that lets someone without a Roster account set up provisioning for one tenant. Only a
 * SHA-256 of its secret is stored, so a database leak opens nothing.
 */
export interface SetupLinkRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly secretHash: string;
  readonly createdMs: number;
  readonly expiresMs: number;
  /** Opens one session only (the first use ends it). */
  readonly singleUse: boolean;
  /** The IdP the guided setup starts with, or null for the customer to choose. */
  readonly idp: string | null;
  readonly branding: SetupBranding;
  /** Who made it: `admin:<id>`, `host-key:<id>` or `cli`. */
  readonly createdBy: string;
  readonly uses: number;
  readonly lastUsedMs: number | null;
  readonly revokedMs: number | null;
}

/** A browser signed in through a setup link: it may do the tenant's provisioning setup and nothing else. */
export interface SetupSessionRecord {
  readonly idHash: string;
  readonly linkId: string;
  readonly tenantId: string;
  readonly createdMs: number;
  readonly lastSeenMs: number;
  readonly expiresMs: number;
}

export interface SetupLinkRepository {
  create(link: SetupLinkRecord): Promise<void>;
  findById(id: string): Promise<SetupLinkRecord | undefined>;
  /** The tenant's links, newest first. */
  listForTenant(tenantId: string): Promise<SetupLinkRecord[]>;
  /** Revokes a link of the tenant and ends the sessions it opened; false when there is no such link. */
  revoke(tenantId: string, id: string, nowMs: number): Promise<boolean>;
  /**
   * Counts one use, atomically: only while the link is neither revoked nor expired and, for a
   * single-use link, not used yet. False when another browser got there first or the link lapsed.
   */
  recordUse(id: string, nowMs: number): Promise<boolean>;
  createSession(session: SetupSessionRecord): Promise<void>;
  /** The session with its link, in one query. */
  findSession(idHash: string): Promise<{ session: SetupSessionRecord; link: SetupLinkRecord } | undefined>;
  touchSession(idHash: string, lastSeenMs: number): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  deleteExpiredSessions(nowMs: number): Promise<number>;
}
