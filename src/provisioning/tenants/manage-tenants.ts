import type { JsonObject } from '../../json/json-value.js';
import type { TenantRecord } from '../../storage/store.js';
import { mergeSettings, type TenantSettings } from './tenant-settings.js';
import { DomainError } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Creates a tenant with a URL-safe slug (lower-case letters, digits and inner hyphens, ≤63). */
export async function createTenant(rt: ProvisioningRuntime, input: { slug: string; name?: string }): Promise<TenantRecord> {
  if (!SLUG.test(input.slug)) {
    throw new DomainError('invalidValue', `slug "${input.slug}" must be 1-63 lower-case letters, digits or inner hyphens`);
  }
  const tenant: TenantRecord = {
    id: rt.newId(),
    slug: input.slug,
    name: input.name?.trim() || input.slug,
    provisioningEnabled: true,
    settings: {},
    createdMs: rt.now(),
    lastRequestMs: null,
    lastChangeMs: null,
  };
  if (!(await rt.store.tenants.create(tenant))) throw new DomainError('uniqueness', `a tenant with slug "${input.slug}" exists`);
  return tenant;
}

export async function findTenantBySlug(rt: ProvisioningRuntime, slug: string): Promise<TenantRecord> {
  const tenant = await rt.store.tenants.findBySlug(slug);
  if (!tenant) throw new DomainError('notFound', `tenant "${slug}" not found`);
  return tenant;
}

export function listTenants(rt: ProvisioningRuntime): Promise<TenantRecord[]> {
  return rt.store.tenants.list();
}

/** Changes a tenant's settings; every problem with the change is reported at once. */
export async function updateTenantSettings(rt: ProvisioningRuntime, slug: string, change: JsonObject): Promise<TenantSettings> {
  const tenant = await findTenantBySlug(rt, slug);
  const merged = mergeSettings(tenant, change);
  if (!merged.ok) throw new DomainError('invalidValue', `invalid settings: ${merged.problems.join('; ')}`);
  const { supportedLanguages, ...rest } = merged.stored;
  await rt.store.tenants.updateSettings(tenant.id, { ...rest, ...(supportedLanguages ? { supportedLanguages: [...supportedLanguages] } : {}) });
  return merged.settings;
}

/** Switches SCIM provisioning off (requests get 403) or on, keeping credentials. */
export async function setProvisioningEnabled(rt: ProvisioningRuntime, slug: string, enabled: boolean): Promise<TenantRecord> {
  const tenant = await findTenantBySlug(rt, slug);
  await rt.store.tenants.setProvisioningEnabled(tenant.id, enabled);
  return { ...tenant, provisioningEnabled: enabled };
}
