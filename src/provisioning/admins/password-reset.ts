import { createHash, randomBytes } from 'node:crypto';
import type { AdminRecord } from '../../storage/admin-store.js';
import { DomainError } from '../errors.js';
import { recordOperatorAction, type Actor } from '../operator/operator-audit.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { findAdminByEmail } from './admin-lifecycle.js';
import { checkPasswordLength } from './manage-admins.js';
import { hashPassword } from './password-hash.js';

/** How long a reset link works unless the operator asks otherwise. */
export const RESET_LINK_TTL_MS = 60 * 60 * 1000;
/** The longest an operator may make a link last: a reset link is as good as a password meanwhile. */
export const RESET_LINK_MAX_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The console page that reads the token from the URL's fragment (never sent to a server or a log). */
export const RESET_PAGE_PATH = '/admin/reset-password';

/** What the database keeps of a reset token: a leaked table resets no one's password. */
export function resetTokenHash(token: string): string {
  return createHash('sha256').update(`roster-password-reset\0${token}`).digest('hex');
}

/** The link an operator hands over; the token is in the fragment so it stays out of access logs and Referer. */
export function resetLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${RESET_PAGE_PATH}#token=${token}`;
}

/**
 * Issues a single-use reset link token for an admin, valid for `ttlMs`; any earlier link of the
 * same admin stops working. A disabled admin gets none (enable them first).
 */
export async function issuePasswordReset(
  rt: ProvisioningRuntime,
  email: string,
  options: { actor: Actor; ttlMs?: number },
): Promise<{ admin: AdminRecord; token: string; expiresMs: number }> {
  const admin = await findAdminByEmail(rt, email);
  if (admin.disabledMs !== null)
    throw new DomainError('preconditionFailed', `${admin.email} is disabled; enable them first (roster admin enable --email ${admin.email})`);
  const ttl = options.ttlMs ?? RESET_LINK_TTL_MS;
  if (!Number.isInteger(ttl) || ttl < 60_000 || ttl > RESET_LINK_MAX_TTL_MS) throw new DomainError('invalidValue', 'a reset link lasts from 1 minute to 7 days');
  const token = randomBytes(32).toString('base64url');
  const now = rt.now();
  await rt.store.admin.passwordResets.create({ tokenHash: resetTokenHash(token), adminId: admin.id, createdMs: now, expiresMs: now + ttl, usedMs: null });
  await recordOperatorAction(rt, options.actor, 'admin.password_reset_issued', admin.email, { id: admin.id, expiresAt: new Date(now + ttl).toISOString() });
  return { admin, token, expiresMs: now + ttl };
}

/** Whether a reset link can still be used, and if not, why. */
export type ResetLinkState = 'usable' | 'expired' | 'used' | 'unknown';

export async function resetLinkState(rt: ProvisioningRuntime, token: string): Promise<ResetLinkState> {
  const found = await rt.store.admin.passwordResets.find(resetTokenHash(token));
  if (!found) return 'unknown';
  if (found.usedMs !== null) return 'used';
  return found.expiresMs <= rt.now() ? 'expired' : 'usable';
}

/**
 * Sets a new password through a reset link: the link is spent first (atomically, so two tabs
 * cannot both use it), then the password is replaced and every session of the admin ends.
 * Answers the link's state when it could not be used, so the page can say why.
 */
export async function resetPasswordWithLink(
  rt: ProvisioningRuntime,
  token: string,
  password: string,
): Promise<{ ok: true; admin: AdminRecord; sessionsEnded: number } | { ok: false; state: Exclude<ResetLinkState, 'usable'> }> {
  checkPasswordLength(password);
  const hash = await hashPassword(password);
  const adminId = await rt.store.admin.passwordResets.consume(resetTokenHash(token), rt.now());
  if (adminId === undefined) {
    const state = await resetLinkState(rt, token);
    return { ok: false, state: state === 'usable' ? 'used' : state };
  }
  const admin = await rt.store.admin.admins.findById(adminId);
  if (!admin || admin.disabledMs !== null) return { ok: false, state: 'unknown' };
  await rt.store.admin.admins.setPasswordHash(admin.id, hash);
  const sessionsEnded = await rt.store.admin.sessions.deleteForAdmin(admin.id);
  await recordOperatorAction(rt, { adminId: admin.id }, 'admin.password_reset', admin.email, { id: admin.id, sessionsEnded });
  return { ok: true, admin, sessionsEnded };
}
