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
}

export interface AdminSessionRepository {
  create(session: AdminSessionRecord): Promise<void>;
  /** The session and its admin in one query. */
  findWithAdmin(idHash: string): Promise<{ session: AdminSessionRecord; admin: AdminRecord } | undefined>;
  touch(idHash: string, lastSeenMs: number): Promise<void>;
  delete(idHash: string): Promise<void>;
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
  /** Direct member count of each of these groups of the tenant (absent groups count 0). */
  groupMemberCounts(tenantId: string, groupIds: readonly string[]): Promise<Map<string, number>>;
}

export interface AdminStore {
  readonly admins: AdminRepository;
  readonly sessions: AdminSessionRepository;
  readonly throttle: SignInThrottleRepository;
  readonly consoleReads: ConsoleReads;
}
