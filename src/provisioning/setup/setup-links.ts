import { createHash, randomBytes } from 'node:crypto';
import type { SetupBranding, SetupLinkRecord, SetupSessionRecord } from '../../storage/admin-store.js';
import type { TenantMode, TenantRecord } from '../../storage/store.js';
import { csrfTokenFor } from '../admins/admin-sessions.js';
import { newCredentialId, hashSecret, newSecret, secretMatches } from '../credentials/secrets.js';
import { DomainError } from '../errors.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { isSetupIdp, SETUP_IDPS } from './setup-idps.js';

/** Recognisable in a log or a paste, like the SCIM tokens' `rst_`. */
export const SETUP_LINK_PREFIX = 'rsl_';
const LINK_SHAPE = /^rsl_([0-9a-f]{16})([A-Za-z0-9_-]{43})$/;

/** A link lives a week unless told otherwise, and never more than 30 days. */
export const DEFAULT_LINK_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
export const MAX_LINK_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** A setup session lasts at most four hours, and ends after an hour without a request. */
export const SETUP_SESSION_MAX_MS = 4 * 60 * 60 * 1000;
export const SETUP_SESSION_IDLE_MS = 60 * 60 * 1000;

/** `30m`, `12h`, `7d` (or plain seconds) as milliseconds; DomainError when it is none of these. */
export function parseLifetime(text: string): number {
  const match = /^\s*(\d{1,6})\s*([smhd]?)\s*$/.exec(text);
  if (!match?.[1]) throw new DomainError('invalidValue', `"${text}" is not a lifetime: write it as 30m, 12h or 7d`);
  const unit = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? ''] ?? 1000;
  return Number(match[1]) * unit;
}

function httpUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DomainError('invalidValue', `${what} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DomainError('invalidValue', `${what} must be an http(s) URL`);
  if (value.length > 500) throw new DomainError('invalidValue', `${what} must be at most 500 characters`);
  return url.href;
}

/** Checks branding once, when the link is made: the console then shows it as it is. */
export function checkBranding(input: SetupBranding): SetupBranding {
  const out: { -readonly [K in keyof SetupBranding]: string } = {};
  if (input.productName !== undefined) {
    const name = input.productName.trim();
    if (name.length === 0 || name.length > 80) throw new DomainError('invalidValue', 'the product name must be 1 to 80 characters');
    out.productName = name;
  }
  if (input.logoUrl !== undefined) {
    // https only: the console's pages are served with a policy that loads no insecure images.
    if (!input.logoUrl.startsWith('https://')) throw new DomainError('invalidValue', 'the logo URL must start with https://');
    out.logoUrl = httpUrl(input.logoUrl, 'the logo URL');
  }
  if (input.accent !== undefined) {
    if (!/^#[0-9a-fA-F]{6}$/.test(input.accent)) throw new DomainError('invalidValue', 'the accent colour must be written #rrggbb');
    out.accent = input.accent.toLowerCase();
  }
  if (input.returnUrl !== undefined) out.returnUrl = httpUrl(input.returnUrl, 'the return URL');
  return out;
}

export interface NewSetupLink {
  readonly tenantId: string;
  readonly lifetimeMs?: number;
  readonly singleUse?: boolean;
  readonly idp?: string;
  readonly branding?: SetupBranding;
  readonly createdBy: string;
  /**
   * Open the tenant in preview (docs/events.md "Preview before go-live"). Unset: a tenant that holds
   * nothing yet is put in preview, one that holds something stays as it is. true: the same, but a
   * live tenant that already holds people, groups or events is refused. false: the mode is left alone.
   */
  readonly preview?: boolean;
}

/** Puts the tenant in preview as the link asks; answers the tenant's mode after. */
async function modeForLink(rt: ProvisioningRuntime, tenantId: string, preview: boolean | undefined): Promise<TenantMode> {
  if (preview !== false && (await rt.store.tenants.enterPreview(tenantId))) return 'preview';
  const tenant = await rt.store.tenants.findById(tenantId);
  if (!tenant) throw new DomainError('notFound', 'tenant not found');
  if (preview === true && tenant.mode !== 'preview') {
    throw new DomainError('tenantMode', `tenant "${tenant.slug}" is live and already holds people, groups or events: a preview is only for a tenant's first sync`);
  }
  return tenant.mode;
}

async function audit(rt: ProvisioningRuntime, tenantId: string, action: string, linkId: string): Promise<void> {
  await rt.store.transaction({ tenantId }, (repos) => repos.audit.record({ id: rt.newId(), atMs: rt.now(), action, resourceType: 'SetupLink', resourceId: linkId }));
}

/** Makes a link for one tenant; the token (the secret part of the URL) exists only in the answer. */
export async function createSetupLink(rt: ProvisioningRuntime, input: NewSetupLink): Promise<{ link: SetupLinkRecord; token: string; tenantMode: TenantMode }> {
  const lifetime = input.lifetimeMs ?? DEFAULT_LINK_LIFETIME_MS;
  if (!Number.isInteger(lifetime) || lifetime < 60_000 || lifetime > MAX_LINK_LIFETIME_MS) {
    throw new DomainError('invalidValue', 'a setup link lives between 1 minute and 30 days');
  }
  if (input.idp !== undefined && !isSetupIdp(input.idp)) {
    throw new DomainError('invalidValue', `unknown identity provider "${input.idp}"; one of ${SETUP_IDPS.join(', ')}`);
  }
  const branding = checkBranding(input.branding ?? {});
  const tenantMode = await modeForLink(rt, input.tenantId, input.preview);
  const id = newCredentialId();
  const secret = newSecret();
  const now = rt.now();
  const link: SetupLinkRecord = {
    id,
    tenantId: input.tenantId,
    secretHash: hashSecret(secret),
    createdMs: now,
    expiresMs: now + lifetime,
    singleUse: input.singleUse ?? false,
    idp: input.idp ?? null,
    branding,
    createdBy: input.createdBy,
    uses: 0,
    lastUsedMs: null,
    revokedMs: null,
  };
  await rt.store.admin.setupLinks.create(link);
  await audit(rt, input.tenantId, 'setup_link.created', id);
  return { link, token: `${SETUP_LINK_PREFIX}${id}${secret}`, tenantMode };
}

export function listSetupLinks(rt: ProvisioningRuntime, tenantId: string): Promise<SetupLinkRecord[]> {
  return rt.store.admin.setupLinks.listForTenant(tenantId);
}

/** Revokes a link of the tenant and signs out every browser it opened. */
export async function revokeSetupLink(rt: ProvisioningRuntime, tenantId: string, id: string): Promise<void> {
  if (!(await rt.store.admin.setupLinks.revoke(tenantId, id, rt.now()))) throw new DomainError('notFound', `setup link ${id} not found`);
  await audit(rt, tenantId, 'setup_link.revoked', id);
}

/** What a link is now, as the person holding it should be told. */
export type LinkState = 'open' | 'unknown' | 'expired' | 'used' | 'revoked';

export function linkState(link: SetupLinkRecord | undefined, nowMs: number): LinkState {
  if (!link) return 'unknown';
  if (link.revokedMs !== null) return 'revoked';
  if (link.singleUse && link.uses > 0) return 'used';
  if (link.expiresMs <= nowMs) return 'expired';
  return 'open';
}

/** Looks a presented link token up without using it (a link preview or a mail scanner must not spend it). */
export async function inspectSetupLink(rt: ProvisioningRuntime, token: string): Promise<{ state: LinkState; link?: SetupLinkRecord; tenant?: TenantRecord }> {
  const match = LINK_SHAPE.exec(token);
  if (!match?.[1] || !match[2]) return { state: 'unknown' };
  const link = await rt.store.admin.setupLinks.findById(match[1]);
  if (!link || !secretMatches(match[2], link.secretHash)) return { state: 'unknown' };
  const tenant = await rt.store.tenants.findById(link.tenantId);
  if (!tenant) return { state: 'unknown' };
  return { state: linkState(link, rt.now()), link, tenant };
}

const sessionHash = (sessionId: string) => createHash('sha256').update(`roster-setup-session\0${sessionId}`).digest('hex');

export type OpenedSetupLink =
  | {
      readonly ok: true;
      readonly sessionId: string;
      readonly csrfToken: string;
      readonly expiresMs: number;
      readonly link: SetupLinkRecord;
      readonly tenant: TenantRecord;
    }
  | { readonly ok: false; readonly state: Exclude<LinkState, 'open'> };

/** Uses a link: counts the use (once only for a single-use link), opens a setup session and audits it. */
export async function openSetupLink(rt: ProvisioningRuntime, token: string): Promise<OpenedSetupLink> {
  const found = await inspectSetupLink(rt, token);
  if (found.state !== 'open' || !found.link || !found.tenant) return { ok: false, state: found.state === 'open' ? 'unknown' : found.state };
  const now = rt.now();
  if (!(await rt.store.admin.setupLinks.recordUse(found.link.id, now))) {
    // Another browser used it a moment ago, or it lapsed since it was read.
    const again = await rt.store.admin.setupLinks.findById(found.link.id);
    const state = linkState(again, now);
    return { ok: false, state: state === 'open' ? 'used' : state };
  }
  const sessionId = randomBytes(32).toString('base64url');
  const session: SetupSessionRecord = {
    idHash: sessionHash(sessionId),
    linkId: found.link.id,
    tenantId: found.tenant.id,
    createdMs: now,
    lastSeenMs: now,
    expiresMs: Math.min(now + SETUP_SESSION_MAX_MS, Math.max(found.link.expiresMs, now + SETUP_SESSION_IDLE_MS)),
  };
  await rt.store.admin.setupLinks.createSession(session);
  await rt.store.admin.setupLinks.deleteExpiredSessions(now);
  await audit(rt, found.tenant.id, 'setup_link.opened', found.link.id);
  return { ok: true, sessionId, csrfToken: csrfTokenFor(sessionId), expiresMs: session.expiresMs, link: found.link, tenant: found.tenant };
}

/** A setup session that is still good: not expired, not idle too long, its link not revoked, its tenant there. */
export async function resumeSetupSession(
  rt: ProvisioningRuntime,
  sessionId: string,
): Promise<{ session: SetupSessionRecord; link: SetupLinkRecord; tenant: TenantRecord } | undefined> {
  const idHash = sessionHash(sessionId);
  const found = await rt.store.admin.setupLinks.findSession(idHash);
  if (!found) return undefined;
  const now = rt.now();
  if (found.session.expiresMs <= now || found.session.lastSeenMs + SETUP_SESSION_IDLE_MS <= now || found.link.revokedMs !== null) {
    await rt.store.admin.setupLinks.deleteSession(idHash);
    return undefined;
  }
  const tenant = await rt.store.tenants.findById(found.session.tenantId);
  if (!tenant) return undefined;
  if (now - found.session.lastSeenMs >= 60_000) await rt.store.admin.setupLinks.touchSession(idHash, now);
  return { ...found, tenant };
}

/** Ends a setup session (the "I'm done" button). */
export async function endSetupSession(rt: ProvisioningRuntime, sessionId: string): Promise<void> {
  await rt.store.admin.setupLinks.deleteSession(sessionHash(sessionId));
}

/** Records in the tenant's audit trail something done through a setup link (a token generated). */
export function auditSetupUse(rt: ProvisioningRuntime, tenantId: string, action: string, linkId: string): Promise<void> {
  return audit(rt, tenantId, action, linkId);
}
