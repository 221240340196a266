import type { HostKeyRecord } from '../../storage/delivery-store.js';
import type { TenantRecord } from '../../storage/store.js';
import { hashSecret, newCredentialId, newSecret, secretMatches } from '../credentials/secrets.js';
import { DomainError } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { findTenantBySlug } from '../tenants/manage-tenants.js';

/** Recognisable prefix of a host API key; SCIM tokens (`rst_`) are a different kind and never match. */
export const HOST_KEY_PREFIX = 'rhk_';

const HOST_KEY_SHAPE = /^rhk_([0-9a-f]{16})([A-Za-z0-9_-]{43})$/;

/** A host key as admins see it. */
export interface HostKeyView {
  readonly id: string;
  /** The tenant's slug, or null for a key that reads every tenant. */
  readonly tenant: string | null;
  readonly label: string;
  readonly createdMs: number;
  readonly lastUsedMs: number | null;
  readonly revokedMs: number | null;
}

/** Who a host key lets in: every tenant, or one. */
export interface HostAccess {
  readonly keyId: string;
  readonly tenantId: string | null;
}

function toView(key: HostKeyRecord, slugs: Map<string, string>): HostKeyView {
  return {
    id: key.id,
    tenant: key.tenantId === null ? null : (slugs.get(key.tenantId) ?? key.tenantId),
    label: key.label,
    createdMs: key.createdMs,
    lastUsedMs: key.lastUsedMs,
    revokedMs: key.revokedMs,
  };
}

/** Mints a host API key for one tenant or all of them; the key is answered here once, only its hash is kept. */
export async function issueHostKey(rt: ProvisioningRuntime, input: { tenantSlug?: string; label?: string }): Promise<{ key: HostKeyView; secret: string }> {
  const tenant: TenantRecord | undefined = input.tenantSlug === undefined ? undefined : await findTenantBySlug(rt, input.tenantSlug);
  const label = (input.label ?? '').trim() || 'host API key';
  if (label.length > 200) throw new DomainError('invalidValue', 'a host key label must be at most 200 characters');
  const id = newCredentialId();
  const secret = newSecret();
  const record: HostKeyRecord = { id, tenantId: tenant?.id ?? null, label, secretHash: hashSecret(secret), createdMs: rt.now(), lastUsedMs: null, revokedMs: null };
  await rt.store.delivery.createHostKey(record);
  return { key: toView(record, new Map(tenant ? [[tenant.id, tenant.slug]] : [])), secret: `${HOST_KEY_PREFIX}${id}${secret}` };
}

export async function listHostKeys(rt: ProvisioningRuntime): Promise<HostKeyView[]> {
  const slugs = new Map((await rt.store.tenants.list()).map((t) => [t.id, t.slug]));
  return (await rt.store.delivery.listHostKeys()).map((k) => toView(k, slugs));
}

/** Revokes a host key; the next request presenting it is refused. Revoking twice is harmless. */
export async function revokeHostKey(rt: ProvisioningRuntime, id: string): Promise<void> {
  if (await rt.store.delivery.revokeHostKey(id, rt.now())) return;
  if (!(await rt.store.delivery.findHostKey(id))) throw new DomainError('notFound', `host key ${id} not found`);
}

/**
 * Finds the key by its public id and compares the secret's SHA-256 in constant time. Answers
 * undefined for anything else (unknown, revoked, malformed, a SCIM token): one indistinct 401.
 */
export async function authenticateHostKey(rt: ProvisioningRuntime, token: string): Promise<HostAccess | undefined> {
  const match = HOST_KEY_SHAPE.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  const key = await rt.store.delivery.findHostKey(match[1]);
  if (!key || !secretMatches(match[2], key.secretHash) || key.revokedMs !== null) return undefined;
  // Bookkeeping must never fail a read: at most one write a minute per key.
  void rt.store.delivery.touchHostKey(key.id, rt.now()).catch(() => {});
  return { keyId: key.id, tenantId: key.tenantId };
}
