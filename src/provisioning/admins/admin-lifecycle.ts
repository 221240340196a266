import type { AdminRecord } from '../../storage/admin-store.js';
import { foldText } from '../../storage/fold.js';
import { DomainError } from '../errors.js';
import { recordOperatorAction, type Actor } from '../operator/operator-audit.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** The admin with this email (any case), or notFound. */
export async function findAdminByEmail(rt: ProvisioningRuntime, email: string): Promise<AdminRecord> {
  const admin = await rt.store.admin.admins.findByEmailFold(foldText(email.trim()));
  if (!admin) throw new DomainError('notFound', `no admin with email ${email.trim()}`);
  return admin;
}

/**
 * Refuses to take away the last operator who can sign in: without one, only the command line can
 * manage tenants again.
 */
async function keepOneOperator(rt: ProvisioningRuntime, admin: AdminRecord, doing: string): Promise<void> {
  if (admin.role !== 'operator' || admin.disabledMs !== null) return;
  const others = (await rt.store.admin.admins.list()).filter((a) => a.role === 'operator' && a.disabledMs === null && a.id !== admin.id);
  if (others.length === 0) {
    throw new DomainError('preconditionFailed', `cannot ${doing} ${admin.email}: it is the last enabled operator (create another operator first)`);
  }
}

/** Disables an admin: they can no longer sign in, and every session of theirs ends now. Answers how many ended. */
export async function disableAdmin(rt: ProvisioningRuntime, email: string, actor: Actor): Promise<{ admin: AdminRecord; sessionsEnded: number }> {
  const admin = await findAdminByEmail(rt, email);
  await keepOneOperator(rt, admin, 'disable');
  const at = admin.disabledMs ?? rt.now();
  await rt.store.admin.admins.setDisabled(admin.id, at);
  const sessionsEnded = await rt.store.admin.sessions.deleteForAdmin(admin.id);
  if (admin.disabledMs === null) await recordOperatorAction(rt, actor, 'admin.disabled', admin.email, { id: admin.id, sessionsEnded });
  return { admin: { ...admin, disabledMs: at }, sessionsEnded };
}

/** Lets a disabled admin sign in again (with the password they had). */
export async function enableAdmin(rt: ProvisioningRuntime, email: string, actor: Actor): Promise<AdminRecord> {
  const admin = await findAdminByEmail(rt, email);
  if (admin.disabledMs !== null) {
    await rt.store.admin.admins.setDisabled(admin.id, null);
    await recordOperatorAction(rt, actor, 'admin.enabled', admin.email, { id: admin.id });
  }
  return { ...admin, disabledMs: null };
}

/** Removes an admin with their sessions and reset links. */
export async function removeAdmin(rt: ProvisioningRuntime, email: string, actor: Actor): Promise<AdminRecord> {
  const admin = await findAdminByEmail(rt, email);
  await keepOneOperator(rt, admin, 'remove');
  if (!(await rt.store.admin.admins.delete(admin.id))) throw new DomainError('notFound', `no admin with email ${admin.email}`);
  await recordOperatorAction(rt, actor, 'admin.removed', admin.email, { id: admin.id, role: admin.role, tenantId: admin.tenantId });
  return admin;
}
