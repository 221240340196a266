import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminRecord, AdminSessionRecord, SignInFailures } from '../../storage/admin-store.js';
import { foldText } from '../../storage/fold.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { verifyAgainstDecoy, verifyPassword } from './password-hash.js';

/** How long a session lives at most, and how long it survives without a request. */
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** Last-seen is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60 * 1000;

/**
 * Sign-in throttling per email and client address: three failures are free, then each further
 * failure locks that pair for twice as long as the one before (1 s, 2 s, 4 s … capped at 15 min).
 * A run of failures is forgotten an hour after the last one; a success clears it.
 */
export const THROTTLE = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 15 * 60 * 1000, forgetAfterMs: 60 * 60 * 1000 } as const;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What the database keeps of a session id. */
export function sessionIdHash(sessionId: string): string {
  return sha256(`roster-admin-session\0${sessionId}`);
}

/**
 * The CSRF token of a session: an HMAC keyed by the session id, so it needs no storage, cannot be
 * derived from what the database keeps, and changes with every sign-in.
 */
export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('roster-admin-csrf').digest('base64url');
}

export function csrfTokenMatches(sessionId: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(sessionId));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Throttle keys are hashed: the table holds neither emails nor addresses. */
function throttleKey(emailFold: string, clientAddress: string): string {
  return sha256(`roster-sign-in\0${emailFold}\0${clientAddress}`);
}

/** When a run of failures unlocks (0: not locked). */
export function lockedUntil(state: SignInFailures): number {
  const over = state.failures - THROTTLE.freeFailures;
  if (over <= 0) return 0;
  return state.lastFailureMs + Math.min(THROTTLE.baseDelayMs * 2 ** (over - 1), THROTTLE.maxDelayMs);
}

export type SignInResult =
  | { readonly ok: true; readonly admin: AdminRecord; readonly sessionId: string; readonly csrfToken: string; readonly expiresMs: number }
  | { readonly ok: false; readonly reason: 'invalid' }
  | { readonly ok: false; readonly reason: 'disabled' }
  | { readonly ok: false; readonly reason: 'throttled'; readonly retryAfterMs: number; readonly scope: 'email' | 'address' };

/** The window of SIGN_IN_ATTEMPTS_PER_ADDRESS. */
export const ADDRESS_WINDOW_MS = 60_000;

/**
 * Checks an email and password and opens a session; wrong email and wrong password look the same.
 *
 * The attempt is counted before the password is hashed (which takes tens of milliseconds), so
 * attempts sent at once are cut off as sequential ones are: each reserves its place in the run of
 * failures with one atomic upsert, and only the first `freeFailures + 1` places of a run that is
 * not locked are evaluated (places taken while others hash count as failures made now). A success clears the run; a refused attempt gives its place back.
 * Across emails, one client address may try `attemptsPerAddress` sign-ins a minute (counted in
 * the database on PostgreSQL, so every node shares the count).
 */
export async function signIn(
  rt: ProvisioningRuntime,
  input: { email: string; password: string; clientAddress: string; attemptsPerAddress?: number },
): Promise<SignInResult> {
  const { admins, sessions, throttle } = rt.store.admin;
  if (input.attemptsPerAddress && input.attemptsPerAddress > 0) {
    const limit = { key: `sign-in:${sha256(input.clientAddress)}`, limit: input.attemptsPerAddress, windowMs: ADDRESS_WINDOW_MS };
    const [wait = 0] = await rt.store.rateCounters.take([limit], rt.now());
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfterMs: wait * 1000, scope: 'address' };
  }
  const emailFold = foldText(input.email.trim());
  const key = throttleKey(emailFold, input.clientAddress);
  const prior = await throttle.find(key);
  const now = rt.now();
  const live = prior && prior.lastFailureMs > now - THROTTLE.forgetAfterMs ? prior : undefined;
  if (live) {
    const until = lockedUntil(live);
    if (until > now) return { ok: false, reason: 'throttled', retryAfterMs: until - now, scope: 'email' };
  }
  // Reserve: counted as a failure until it proves otherwise.
  const reserved = await throttle.recordFailure(key, now, now - THROTTLE.forgetAfterMs);
  const before = reserved.failures - 1;
  // Nobody reserved since `find`: the run was as read, and not locked. Otherwise attempts in
  // flight (their hashes not done) stand before this one, as failures made just now.
  const raced = before !== (live?.failures ?? 0);
  const until = raced ? lockedUntil({ failures: before, lastFailureMs: now }) : 0;
  if (until > now) {
    await throttle.release(key);
    return { ok: false, reason: 'throttled', retryAfterMs: until - now, scope: 'email' };
  }
  const admin = await admins.findByEmailFold(emailFold);
  const matches = admin ? await verifyPassword(input.password, admin.passwordHash) : await verifyAgainstDecoy(input.password);
  if (!admin || !matches) return { ok: false, reason: 'invalid' };
  await throttle.clear(key);
  // Said only to someone who knew the password: a disabled admin learns why, a guesser learns nothing.
  if (admin.disabledMs !== null) return { ok: false, reason: 'disabled' };
  const sessionId = randomBytes(32).toString('base64url');
  const at = rt.now();
  const session: AdminSessionRecord = { idHash: sessionIdHash(sessionId), adminId: admin.id, createdMs: at, lastSeenMs: at, expiresMs: at + SESSION_MAX_MS };
  await sessions.create(session);
  await admins.recordSignIn(admin.id, at);
  await sessions.deleteExpired(at);
  return { ok: true, admin, sessionId, csrfToken: csrfTokenFor(sessionId), expiresMs: session.expiresMs };
}

/** The admin behind a session id, while the session is neither expired nor idle too long. */
export async function resumeSession(rt: ProvisioningRuntime, sessionId: string): Promise<{ admin: AdminRecord; session: AdminSessionRecord } | undefined> {
  const { sessions } = rt.store.admin;
  const idHash = sessionIdHash(sessionId);
  const found = await sessions.findWithAdmin(idHash);
  if (!found) return undefined;
  const now = rt.now();
  // Disabling deletes the admin's sessions; the check here also covers a session created by a
  // sign-in that raced the disable.
  if (found.session.expiresMs <= now || found.session.lastSeenMs + SESSION_IDLE_MS <= now || found.admin.disabledMs !== null) {
    await sessions.delete(idHash);
    return undefined;
  }
  if (now - found.session.lastSeenMs >= TOUCH_EVERY_MS) await sessions.touch(idHash, now);
  return found;
}

/** Ends a session; the cookie is worthless afterwards even if it was copied. */
export async function signOut(rt: ProvisioningRuntime, sessionId: string): Promise<void> {
  await rt.store.admin.sessions.delete(sessionIdHash(sessionId));
}
