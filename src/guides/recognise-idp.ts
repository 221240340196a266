import type { SetupIdp } from '../provisioning/setup/setup-idps.js';

/** Substrings of the User-Agent each IdP sends (Okta: "Okta SCIM Client 1.0.0", idp-behaviors §2). */
const AGENTS: readonly [RegExp, SetupIdp][] = [
  [/okta/i, 'okta'],
  [/azure|microsoft|entra|aad/i, 'entra-id'],
  [/onelogin/i, 'onelogin'],
  [/jumpcloud/i, 'jumpcloud'],
  [/google/i, 'google-workspace'],
  [/ping/i, 'pingone'],
];

/**
 * Which IdP sent a request, from its User-Agent, else from the normalisers that fired (each is
 * named after the IdP whose quirk it repairs) or Entra's `aadOptscim062020` flag in the URL.
 */
export function recogniseIdp(request: { client: string | null; path: string; normalisers: readonly string[] }): SetupIdp | null {
  for (const [pattern, idp] of AGENTS) if (request.client && pattern.test(request.client)) return idp;
  if (request.normalisers.some((n) => n.startsWith('entra-')) || /aadOptscim062020/i.test(request.path)) return 'entra-id';
  if (request.normalisers.some((n) => n.startsWith('okta-'))) return 'okta';
  return null;
}
