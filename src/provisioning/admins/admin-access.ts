import type { AdminRecord } from '../../storage/admin-store.js';
import type { TenantRecord } from '../../storage/store.js';
import { DomainError } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** Whether an admin may see and change a tenant: operators every one, tenant admins their own. */
export function mayManageTenant(admin: AdminRecord, tenantId: string): boolean {
  return admin.role === 'operator' || admin.tenantId === tenantId;
}

/**
 * The tenant an admin asked for by slug. A tenant the admin may not manage is reported exactly
 * like one that does not exist, so a tenant admin cannot even learn which slugs are taken.
 */
export async function tenantForAdmin(rt: ProvisioningRuntime, admin: AdminRecord, slug: string): Promise<TenantRecord> {
  const tenant = await rt.store.tenants.findBySlug(slug);
  if (!tenant || !mayManageTenant(admin, tenant.id)) throw new DomainError('notFound', `tenant "${slug}" not found`);
  return tenant;
}

/** The tenants an admin manages, by slug. */
export async function tenantsForAdmin(rt: ProvisioningRuntime, admin: AdminRecord): Promise<TenantRecord[]> {
  if (admin.role === 'operator') return rt.store.tenants.list();
  if (admin.tenantId === null) return [];
  const own = await rt.store.tenants.findById(admin.tenantId);
  return own ? [own] : [];
}
