import { SETUP_IDPS, type SetupIdp } from '../provisioning/setup/setup-idps.js';
import type { GuideDefinition } from './guide-types.js';
import { entraIdGuide } from './idp/entra-id.js';
import { genericScimGuide } from './idp/generic-scim.js';
import { googleWorkspaceGuide } from './idp/google-workspace.js';
import { jumpcloudGuide } from './idp/jumpcloud.js';
import { oktaGuide } from './idp/okta.js';
import { oneloginGuide } from './idp/onelogin.js';
import { pingoneGuide } from './idp/pingone.js';

/** Every guided setup, by IdP id (the order of SETUP_IDPS). */
export const GUIDES: Readonly<Record<SetupIdp, GuideDefinition>> = {
  okta: oktaGuide,
  'entra-id': entraIdGuide,
  onelogin: oneloginGuide,
  jumpcloud: jumpcloudGuide,
  'google-workspace': googleWorkspaceGuide,
  pingone: pingoneGuide,
  'generic-scim': genericScimGuide,
};

export function guideFor(idp: SetupIdp): GuideDefinition {
  return GUIDES[idp];
}

export const GUIDE_IDPS = SETUP_IDPS;

/**
 * Where the picture of an IdP's guided setup is kept, relative to docs/idp/: the browser test that
 * takes it and the generated guide that shows it both ask here, so the two cannot drift apart.
 */
export function guideScreenshot(idp: SetupIdp): string {
  return `screenshots/${String(GUIDE_IDPS.indexOf(idp) + 1).padStart(2, '0')}-${idp}.png`;
}
