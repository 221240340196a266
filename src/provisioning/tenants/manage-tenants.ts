import type { JsonObject } from '../../json/json-value.js';
import type { TenantMode, TenantRecord } from '../../storage/store.js';
import { mergeSettings, type TenantSettings } from './tenant-settings.js';
import { DomainError } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { recordOperatorAction, type Actor } from '../operator/operator-audit.js';

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Creates a tenant with a URL-safe slug (lower-case letters, digits and inner hyphens, ≤63), live
 * unless `mode` is 'preview' (docs/events.md "Preview before go-live").
 */
export async function createTenant(rt: ProvisioningRuntime, input: { slug: string; name?: string; mode?: TenantMode }): Promise<TenantRecord> {
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
    mode: input.mode ?? 'live',
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

/** What a rename changed, and what the IdP must change with it. */
export interface TenantRename {
  readonly before: { readonly slug: string; readonly name: string };
  readonly after: TenantRecord;
}

/**
 * Renames a tenant: its display name, its slug, or both. A new slug changes the tenant's SCIM URL
 * under `/t/<slug>/scim/v2` (and the host API's `/host/v1/tenants/<slug>`); `/scim/v2`, where the
 * credential names the tenant, is unaffected.
 */
export async function renameTenant(rt: ProvisioningRuntime, slug: string, change: { slug?: string; name?: string }, actor: Actor): Promise<TenantRename> {
  const tenant = await findTenantBySlug(rt, slug);
  if (change.slug === undefined && change.name === undefined) throw new DomainError('invalidValue', 'name a new slug, a new display name, or both');
  if (change.slug !== undefined && !SLUG.test(change.slug)) {
    throw new DomainError('invalidValue', `slug "${change.slug}" must be 1-63 lower-case letters, digits or inner hyphens`);
  }
  const name = change.name?.trim();
  if (name !== undefined && (name === '' || name.length > 200)) throw new DomainError('invalidValue', 'a display name is 1 to 200 characters');
  const outcome = await rt.store.tenants.rename(tenant.id, { ...(change.slug !== undefined ? { slug: change.slug } : {}), ...(name !== undefined ? { name } : {}) });
  if (outcome === 'slugTaken') throw new DomainError('uniqueness', `a tenant with slug "${change.slug}" exists`);
  if (outcome === 'notFound') throw new DomainError('notFound', `tenant "${slug}" not found`);
  const after: TenantRecord = { ...tenant, slug: change.slug ?? tenant.slug, name: name ?? tenant.name };
  await recordOperatorAction(rt, actor, 'tenant.renamed', `${after.slug} (${tenant.id})`, {
    before: { slug: tenant.slug, name: tenant.name },
    after: { slug: after.slug, name: after.name },
  });
  return { before: { slug: tenant.slug, name: tenant.name }, after };
}
