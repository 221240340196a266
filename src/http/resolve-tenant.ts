import { authenticateCredential, type AuthenticationResult } from '../provisioning/credentials/authenticate-credential.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import { ScimError } from '../scim/errors.js';
import { parseAuthorization } from './authorization-header.js';

/** The one 401 every authentication failure gets: it never says which part was wrong. */
export function unauthorized(): ScimError {
  return new ScimError(
    401,
    undefined,
    'Authentication failed: send a valid, unrevoked Roster token as "Authorization: Bearer rst_…" (or a key and secret with HTTP Basic).',
  );
}

/**
 * The tenant a SCIM request acts for, from the credential in its Authorization header (the tenant
 * is never taken from the URL: under `/t/{slug}` the slug must only agree with it). Undefined when
 * no credential was presented in a form Roster reads.
 */
export async function resolveTenant(rt: ProvisioningRuntime, authorization: string | undefined): Promise<AuthenticationResult | undefined> {
  const presented = parseAuthorization(authorization);
  return presented ? authenticateCredential(rt, presented) : undefined;
}
