import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { issueHostKey } from '../provisioning/host-keys/host-keys.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import { createTenant, findTenantBySlug } from '../provisioning/tenants/manage-tenants.js';

/**
 * What a host's own code does with an embedded Roster (the CLI's `tenant create`, `token create`,
 * `hostkey create` and `admin create`, as calls): set up a customer when it turns provisioning on.
 * Secrets are answered once; only their hashes are kept.
 */
export interface RosterAdmin {
  /**
   * A new tenant; its slug names it in URLs (lower-case letters, digits, inner hyphens). With
   * `preview: true` its first sync is received and checked but kept from the host until it goes live.
   */
  createTenant(input: { slug: string; name?: string; preview?: boolean }): Promise<{ id: string; slug: string; name: string; mode: 'live' | 'preview' }>;
  /** A SCIM bearer token for the tenant, to paste into the identity provider. */
  issueScimToken(tenantSlug: string, label?: string): Promise<string>;
  /** A host API key (`rhk_…`) for one tenant, or for every tenant without `tenantSlug`. */
  issueHostKey(input?: { tenantSlug?: string; label?: string }): Promise<string>;
  /** An admin of the console: an operator, or a tenant's admin with `tenantSlug`. */
  createConsoleAdmin(input: { email: string; password: string; tenantSlug?: string }): Promise<{ id: string; email: string }>;
}

export function rosterAdmin(rt: ProvisioningRuntime): RosterAdmin {
  return {
    async createTenant(input) {
      const tenant = await createTenant(rt, {
        slug: input.slug,
        ...(input.name !== undefined ? { name: input.name } : {}),
        mode: input.preview === true ? 'preview' : 'live',
      });
      return { id: tenant.id, slug: tenant.slug, name: tenant.name, mode: tenant.mode };
    },
    async issueScimToken(tenantSlug, label = 'SCIM token') {
      const tenant = await findTenantBySlug(rt, tenantSlug);
      return (await issueCredential(rt, tenant.id, 'bearer', label)).secret;
    },
    async issueHostKey(input = {}) {
      return (await issueHostKey(rt, input)).secret;
    },
    async createConsoleAdmin(input) {
      const admin = await createAdmin(rt, input);
      return { id: admin.id, email: admin.email };
    },
  };
}
