import type { AdminRecord } from '../../storage/admin-store.js';
import type { Actor } from '../operator/operator-audit.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { createAdmin, generatePassword } from './manage-admins.js';
import { issuePasswordReset, RESET_LINK_MAX_TTL_MS } from './password-reset.js';

/** How long an invitation link lasts unless asked otherwise: long enough for a mail to be read. */
export const INVITE_LINK_TTL_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * Invites an admin by a one-time link: the account is made with a random password nobody ever sees,
 * and the link is a password-reset link, so the invited person sets the first password themselves
 * (the same single-use, hashed, expiring token, and the same page). Nobody else learns a password.
 */
export async function inviteAdmin(
  rt: ProvisioningRuntime,
  input: { email: string; tenantSlug?: string; ttlMs?: number },
  actor: Actor,
): Promise<{ admin: AdminRecord; token: string; expiresMs: number }> {
  const admin = await createAdmin(rt, { email: input.email, password: generatePassword(), ...(input.tenantSlug === undefined ? {} : { tenantSlug: input.tenantSlug }) });
  const issued = await issuePasswordReset(rt, admin.email, { actor, ttlMs: Math.min(input.ttlMs ?? INVITE_LINK_TTL_MS, RESET_LINK_MAX_TTL_MS) });
  return { admin, token: issued.token, expiresMs: issued.expiresMs };
}
