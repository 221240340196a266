/** The identity providers Roster has a guided setup for, by the id used in links, URLs and docs/idp/. */
export const SETUP_IDPS = ['okta', 'entra-id', 'onelogin', 'jumpcloud', 'google-workspace', 'pingone', 'generic-scim'] as const;

export type SetupIdp = (typeof SETUP_IDPS)[number];

export function isSetupIdp(value: string): value is SetupIdp {
  return (SETUP_IDPS as readonly string[]).includes(value);
}
