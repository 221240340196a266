import { z } from 'zod';
import { parseLifetime, linkState, type NewSetupLink } from '../provisioning/setup/setup-links.js';
import { SETUP_IDPS } from '../provisioning/setup/setup-idps.js';
import type { SetupLinkRecord } from '../storage/admin-store.js';

/** The body that makes a setup link, the same in the host API and the admin API. */
export const setupLinkBody = z.strictObject({
  expiresIn: z.string().max(20).optional(),
  singleUse: z.boolean().optional(),
  idp: z.enum(SETUP_IDPS).optional(),
  productName: z.string().max(200).optional(),
  logoUrl: z.string().max(600).optional(),
  accent: z.string().max(20).optional(),
  returnUrl: z.string().max(600).optional(),
  /** Open the tenant in preview (default: when it holds nothing yet); false leaves its mode alone. */
  preview: z.boolean().optional(),
});

/** The body as the provisioning use case takes it (the lifetime and branding are checked there). */
export function newSetupLink(body: z.infer<typeof setupLinkBody>, tenantId: string, createdBy: string): NewSetupLink {
  const branding = {
    ...(body.productName !== undefined ? { productName: body.productName } : {}),
    ...(body.logoUrl !== undefined ? { logoUrl: body.logoUrl } : {}),
    ...(body.accent !== undefined ? { accent: body.accent } : {}),
    ...(body.returnUrl !== undefined ? { returnUrl: body.returnUrl } : {}),
  };
  return {
    tenantId,
    createdBy,
    branding,
    ...(body.expiresIn !== undefined ? { lifetimeMs: parseLifetime(body.expiresIn) } : {}),
    ...(body.singleUse !== undefined ? { singleUse: body.singleUse } : {}),
    ...(body.idp !== undefined ? { idp: body.idp } : {}),
    ...(body.preview !== undefined ? { preview: body.preview } : {}),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A link as the APIs show it: never its secret or hash (the URL is only in the answer that made it). */
export function setupLinkView(link: SetupLinkRecord, nowMs: number) {
  return {
    id: link.id,
    state: linkState(link, nowMs),
    createdAt: iso(link.createdMs),
    expiresAt: iso(link.expiresMs),
    singleUse: link.singleUse,
    idp: link.idp,
    branding: link.branding,
    createdBy: link.createdBy,
    uses: link.uses,
    lastUsedAt: iso(link.lastUsedMs),
    revokedAt: iso(link.revokedMs),
  };
}

/** Where a link opens: the console's setup page on this server. */
export function setupLinkUrl(base: string, token: string): string {
  return `${base.replace(/\/+$/, '')}/admin/setup/${token}`;
}
