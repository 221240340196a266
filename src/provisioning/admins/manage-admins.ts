import { randomBytes } from 'node:crypto';
import type { AdminRecord } from '../../storage/admin-store.js';
import { foldText } from '../../storage/fold.js';
import { DomainError } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { hashPassword } from './password-hash.js';

/** Shortest password an admin may choose (NIST SP 800-63B asks for at least 8; we ask for 12). */
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

/** A password to print once when the operator did not bring one: 144 bits, copy-paste safe. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Refuses a password outside the allowed length, with the rule in the message. */
export function checkPasswordLength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new DomainError('invalidValue', `a password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
}

/**
 * Creates an admin: an operator (every tenant) when no tenant is named, else a tenant admin of
 * that tenant. The password is stored only as a scrypt hash.
 */
export async function createAdmin(rt: ProvisioningRuntime, input: { email: string; password: string; tenantSlug?: string }): Promise<AdminRecord> {
  const email = input.email.trim();
  if (!EMAIL.test(email) || email.length > 254) throw new DomainError('invalidValue', `"${email}" is not an email address`);
  checkPasswordLength(input.password);
  let tenantId: string | null = null;
  if (input.tenantSlug !== undefined) {
    const tenant = await rt.store.tenants.findBySlug(input.tenantSlug);
    if (!tenant) throw new DomainError('notFound', `tenant "${input.tenantSlug}" not found`);
    tenantId = tenant.id;
  }
  const admin: AdminRecord = {
    id: rt.newId(),
    email,
    emailFold: foldText(email),
    passwordHash: await hashPassword(input.password),
    role: tenantId === null ? 'operator' : 'tenant',
    tenantId,
    createdMs: rt.now(),
    lastSignInMs: null,
    disabledMs: null,
  };
  if (!(await rt.store.admin.admins.create(admin))) throw new DomainError('uniqueness', `an admin with email ${email} exists`);
  return admin;
}

export function listAdmins(rt: ProvisioningRuntime): Promise<AdminRecord[]> {
  return rt.store.admin.admins.list();
}
