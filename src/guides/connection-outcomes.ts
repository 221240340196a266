import type { SetupIdp } from '../provisioning/setup/setup-idps.js';

/** What happened to one request from an IdP, as the live connection check tells it. */
export type ConnectionOutcome = 'ok' | 'scim-error' | 'wrong-token' | 'revoked-token' | 'other-tenant-token' | 'wrong-url' | 'provisioning-off';

/** The names each IdP's admin screen gives the fields the guide talks about. */
export interface IdpTerms {
  readonly url: string;
  readonly token: string;
  readonly test: string;
}

export const IDP_TERMS: Readonly<Record<SetupIdp, IdpTerms>> = {
  okta: { url: 'SCIM connector base URL', token: 'API Token (Bearer)', test: 'Test API Credentials / Test Connector Configuration' },
  'entra-id': { url: 'Tenant URL', token: 'Secret Token', test: 'Test Connection' },
  onelogin: { url: 'SCIM Base URL', token: 'SCIM Bearer Token', test: 'Enable (API Connection)' },
  jumpcloud: { url: 'Base URL', token: 'Token Key', test: 'Test Connection' },
  'google-workspace': { url: 'Endpoint URL', token: 'Access token', test: 'Continue (Google checks the connection)' },
  pingone: { url: 'SCIM Base URL', token: 'OAuth 2 Bearer Token', test: 'Test Connection' },
  'generic-scim': { url: 'base URL', token: 'bearer token', test: 'first request' },
};

/**
 * Why a request failed and what to do, in the words of the IdP's own screen. The same sentences
 * are the guides' "If this step fails" and the live check's explanation of each refused request.
 */
export function explainOutcome(outcome: ConnectionOutcome, idp: SetupIdp, detail: { status?: number; error?: string | null } = {}): string {
  const t = IDP_TERMS[idp];
  switch (outcome) {
    case 'ok':
      return 'Roster accepted the request.';
    case 'scim-error':
      return `The token and URL are right; Roster refused this request itself${detail.error ? `: ${detail.error}` : ''}.`;
    case 'wrong-token':
      return `Roster does not know the token in ${t.token}. Paste the token again — all of it, starting with rst_, without spaces — or generate a new one in step 1.`;
    case 'revoked-token':
      return `The token in ${t.token} is one of this tenant's, but it was revoked. Generate a new token in step 1 and paste it into ${t.token}.`;
    case 'other-tenant-token':
      return `The token in ${t.token} belongs to another Roster tenant, and the ${t.url} names this one. Use the token generated here for this tenant.`;
    case 'wrong-url':
      return `The token is right but the ${t.url} is not: it must end in /scim/v2/ (for example the SCIM base URL shown in step 1), with nothing after it but what the IdP adds itself.`;
    case 'provisioning-off':
      return `The token and URL are right, but provisioning is switched off for this tenant in Roster. Ask whoever runs Roster for this product to switch it on, then run ${t.test} again.`;
  }
}

/** The outcomes the guides list under "If this step fails", in that order, with what the IdP shows. */
export const FAILURE_OUTCOMES: readonly { outcome: ConnectionOutcome; shows: string }[] = [
  { outcome: 'wrong-token', shows: 'HTTP 401, the token is not known' },
  { outcome: 'revoked-token', shows: 'HTTP 401, the token was revoked' },
  { outcome: 'other-tenant-token', shows: "HTTP 401, another tenant's token" },
  { outcome: 'wrong-url', shows: 'HTTP 404, the URL is not a SCIM endpoint' },
  { outcome: 'provisioning-off', shows: 'HTTP 403, provisioning is switched off' },
];
