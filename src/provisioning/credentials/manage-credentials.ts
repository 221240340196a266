import type { CredentialKind, CredentialRecord } from '../../storage/store.js';
import { DomainError } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { formatBasicKey, formatBearerToken, hashSecret, newCredentialId, newSecret } from './secrets.js';

/** A credential just made: the only moment its secret exists outside the client. */
export interface IssuedCredential {
  readonly credential: CredentialRecord;
  /** Bearer: the token. Basic: the password. Shown once. */
  readonly secret: string;
  /** Basic: the username (key). */
  readonly key?: string;
}

function cleanLabel(label: string): string {
  const trimmed = label.trim();
  if (trimmed.length === 0 || trimmed.length > 200) {
    throw new DomainError('invalidValue', 'a credential label must be 1 to 200 characters');
  }
  return trimmed;
}

/** Issues a bearer token or a key/secret pair for a tenant; any number may be live at once (rotation). */
export async function issueCredential(rt: ProvisioningRuntime, tenantId: string, kind: CredentialKind, label: string): Promise<IssuedCredential> {
  const tenant = await rt.store.tenants.findById(tenantId);
  if (!tenant) throw new DomainError('notFound', `tenant ${tenantId} not found`);
  const id = newCredentialId();
  const secret = newSecret();
  const credential: CredentialRecord = {
    id,
    tenantId,
    kind,
    label: cleanLabel(label),
    secretHash: hashSecret(secret),
    createdMs: rt.now(),
    lastUsedMs: null,
    revokedMs: null,
  };
  await rt.store.credentials.create(credential);
  return kind === 'bearer' ? { credential, secret: formatBearerToken(id, secret) } : { credential, secret, key: formatBasicKey(id) };
}

/** Revokes a credential; the next request that presents it is refused. */
export async function revokeCredential(rt: ProvisioningRuntime, tenantId: string, credentialId: string): Promise<void> {
  const revoked = await rt.store.credentials.revoke(tenantId, credentialId, rt.now());
  if (!revoked) {
    const existing = await rt.store.credentials.findById(credentialId);
    if (!existing || existing.tenantId !== tenantId) throw new DomainError('notFound', `credential ${credentialId} not found`);
    // Already revoked: revoking again is harmless.
  }
}

export function listCredentials(rt: ProvisioningRuntime, tenantId: string): Promise<CredentialRecord[]> {
  return rt.store.credentials.listForTenant(tenantId);
}
