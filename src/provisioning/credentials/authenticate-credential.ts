import type { CredentialRecord, TenantRecord } from '../../storage/store.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { parseBasicKey, parseBearerToken, secretMatches } from './secrets.js';

/** What the client presented, as parsed from the Authorization header by the http layer. */
export type PresentedCredential = { readonly scheme: 'bearer'; readonly token: string } | { readonly scheme: 'basic'; readonly key: string; readonly secret: string };

export type AuthenticationResult =
  | { readonly ok: true; readonly credential: CredentialRecord; readonly tenant: TenantRecord }
  | {
      readonly ok: false;
      readonly reason: 'malformed' | 'unknown' | 'revoked';
      /**
       * For a revoked credential, whose it was: the live connection check tells the tenant that its
       * IdP still sends a revoked token. Never set when the secret did not match.
       */
      readonly revoked?: { readonly credential: CredentialRecord; readonly tenant: TenantRecord };
    };

/**
 * Finds the credential by its public id, then compares the secret's hash in constant time.
 * The reason is for logs; clients get one indistinct 401.
 */
export async function authenticateCredential(rt: ProvisioningRuntime, presented: PresentedCredential): Promise<AuthenticationResult> {
  const parts =
    presented.scheme === 'bearer'
      ? parseBearerToken(presented.token)
      : (() => {
          const id = parseBasicKey(presented.key);
          return id ? { id, secret: presented.secret } : undefined;
        })();
  if (!parts) return { ok: false, reason: 'malformed' };
  const found = await rt.store.credentials.findWithTenant(parts.id);
  if (!found || found.credential.kind !== presented.scheme || !secretMatches(parts.secret, found.credential.secretHash)) {
    return { ok: false, reason: 'unknown' };
  }
  if (found.credential.revokedMs !== null) return { ok: false, reason: 'revoked', revoked: found };
  return { ok: true, credential: found.credential, tenant: found.tenant };
}
