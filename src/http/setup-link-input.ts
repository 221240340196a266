import { z } from 'zod';
import { parseLifetime, linkState, type NewSetupLink } from '../provisioning/setup/setup-links.js';
import { SETUP_IDPS } from '../provisioning/setup/setup-idps.js';
import type { SetupLinkRecord } from '../storage/admin-store.js';

/** The body that makes a setup link, the same in the host API and the admin API. */
export const setupLinkBody = z
  .strictObject({
    expiresIn: z.string().max(20).optional(),
    singleUse: z.boolean().optional(),
    idp: z.enum(SETUP_IDPS).optional(),
    productName: z.string().max(200).optional(),
    logoUrl: z.string().max(600).optional(),
    accent: z.string().max(20).optional(),
    returnUrl: z.string().max(600).optional(),
    /** Open the tenant in preview (default: when it holds nothing yet); false leaves its mode alone. */
    preview: z
      .boolean()
      .optional()
      .describe(
        "Open the tenant in preview (default: when it holds nothing yet); false leaves it live. While in preview the tenant's host reads answer 409 tenant_in_preview.",
      ),
  })
  .meta({ id: 'NewSetupLink' });

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
const time = z.iso.datetime().nullable();

/** How the customer's product names and dresses the setup page. */
export const setupBrandingSchema = z
  .strictObject({ productName: z.string().optional(), logoUrl: z.string().optional(), accent: z.string().optional(), returnUrl: z.string().optional() })
  .meta({ id: 'SetupBranding' });

/** A link as the admin and host APIs show it (declared once for both). */
export const setupLinkSchema = z
  .strictObject({
    id: z.string(),
    state: z.enum(['open', 'expired', 'used', 'revoked', 'unknown']),
    createdAt: time,
    expiresAt: time,
    singleUse: z.boolean(),
    idp: z.string().nullable(),
    branding: setupBrandingSchema,
    createdBy: z.string().describe('admin:<id>, host-key:<id> or cli.'),
    uses: z.number().int().min(0),
    lastUsedAt: time,
    revokedAt: time,
  })
  .meta({ id: 'SetupLink' });

/** The answer that makes a link: the only one with its URL (only a hash of the secret is stored). */
export const madeSetupLinkSchema = z.strictObject({
  link: setupLinkSchema,
  url: z.string(),
  tenantMode: z.enum(['live', 'preview']).describe("The tenant's mode once the link was made: preview keeps its first sync from the host until Go live."),
});

/** A link as the APIs show it: never its secret or hash (the URL is only in the answer that made it). */
export function setupLinkView(link: SetupLinkRecord, nowMs: number): z.infer<typeof setupLinkSchema> {
  return {
    id: link.id,
    state: linkState(link, nowMs),
    createdAt: iso(link.createdMs),
    expiresAt: iso(link.expiresMs),
    singleUse: link.singleUse,
    idp: link.idp,
    branding: { ...link.branding },
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
