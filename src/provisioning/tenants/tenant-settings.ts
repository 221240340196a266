import { z } from 'zod';
import type { JsonObject } from '../../json/json-value.js';
import type { TenantRecord } from '../../storage/store.js';

/** The language tags a tenant accepts by default (the generic setup guide's list). */
export const DEFAULT_LANGUAGES: readonly string[] = [
  'en_gb', 'en', 'en-us', 'nl', 'ar', 'es', 'es-ES', 'fr', 'de', 'it', 'pl', 'pt-BR', 'tr-TR', 'ru', 'ja-JP', 'zh-CN', 'zh-HK', 'ko-KR',
];

/** Roster's own user extension; a tenant (or deployment) may publish it under another URN. */
export const DEFAULT_EXTENSION_URN = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';

export type MatchingField = 'userName' | 'email' | 'externalId';

/** What an admin can set per tenant. */
export interface TenantSettings {
  readonly supportedLanguages: readonly string[];
  /** Which field identifies a person when a create arrives for someone who may already exist. */
  readonly matchingField: MatchingField;
  readonly extensionUrn: string;
  /** Whether an SSO login may overwrite attributes SCIM manages (off: SCIM is the source of truth). */
  readonly ssoMayUpdate: boolean;
  /**
   * 'report' (default): a value breaking a rule (hireDate, timezone, language, country, email) is
   * stored exactly as sent and flagged on the person (console, host API, events) and in the
   * provisioning log; a person is refused only when unidentifiable or unsafe (no userName, a clash,
   * a malformed document). 'enforce': such a value is refused with 400 invalidValue and nothing is
   * written — for a tenant that wants its IdP to fix the source first.
   */
  readonly valueRules: 'enforce' | 'report';
  /**
   * The mass-change guard: when more than `massChangePercent` % of active people are deactivated or
   * deleted within `massChangeWindowMinutes` (in a tenant of at least `massChangeMinActive`), or a
   * request would empty a group of more than `massChangeGroupSize` members, the excess is held for
   * an admin to approve or discard instead of being applied.
   */
  readonly massChangeGuard: 'on' | 'off';
  readonly massChangePercent: number;
  readonly massChangeWindowMinutes: number;
  readonly massChangeMinActive: number;
  readonly massChangeGroupSize: number;
  /** Days the provisioning log keeps an entry; older ones are deleted in the background. */
  readonly logRetentionDays: number;
  /**
   * Days the outbox keeps an event once every webhook endpoint has received it; the feed then
   * answers a cursor from before the oldest kept event with 410 and the snapshot to read instead.
   */
  readonly eventRetentionDays: number;
}

const URN_SHAPE = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+$/;

export const settingsSchema = z.object({
  supportedLanguages: z.array(z.string().regex(/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/, 'a language tag such as en, en-GB or pt_BR')).min(1).max(200),
  matchingField: z.enum(['userName', 'email', 'externalId']),
  extensionUrn: z.string().regex(URN_SHAPE, 'a URN such as urn:ietf:params:scim:schemas:extension:acme:2.0:User').max(200),
  ssoMayUpdate: z.boolean(),
  valueRules: z.enum(['enforce', 'report']),
  massChangeGuard: z.enum(['on', 'off']),
  massChangePercent: z.number().min(1).max(100),
  massChangeWindowMinutes: z.number().int().min(1).max(24 * 60),
  massChangeMinActive: z.number().int().min(1),
  massChangeGroupSize: z.number().int().min(1),
  // At least a day: the mass-change guard counts the last 24 hours' removals from the outbox.
  logRetentionDays: z.number().int().min(1).max(3650),
  eventRetentionDays: z.number().int().min(1).max(3650),
});

export const DEFAULT_SETTINGS: TenantSettings = {
  supportedLanguages: DEFAULT_LANGUAGES,
  matchingField: 'userName',
  extensionUrn: DEFAULT_EXTENSION_URN,
  ssoMayUpdate: false,
  // Defaults are what customers run: refusing a person over a secondary value stops provisioning
  // of someone the IdP considers valid (docs/attributes.md "Value rules").
  valueRules: 'report',
  massChangeGuard: 'on',
  massChangePercent: 20,
  massChangeWindowMinutes: 10,
  massChangeMinActive: 20,
  massChangeGroupSize: 50,
  logRetentionDays: 30,
  eventRetentionDays: 90,
};

const partialSettings = settingsSchema.partial();
const changeSchema = settingsSchema.partial().strict();

/** Parsed settings by their stored JSON: every SCIM request needs them, they rarely change. */
const parsedCache = new Map<string, TenantSettings>();

/** A tenant's settings with defaults for what it never set (stored settings were validated on write). */
export function tenantSettings(tenant: Pick<TenantRecord, 'settings'>): TenantSettings {
  const key = JSON.stringify(tenant.settings);
  const cached = parsedCache.get(key);
  if (cached) return cached;
  const parsed = partialSettings.safeParse(tenant.settings);
  const settings = parsed.success ? { ...DEFAULT_SETTINGS, ...stripUndefined(parsed.data) } : DEFAULT_SETTINGS;
  if (parsedCache.size > 1000) parsedCache.clear();
  parsedCache.set(key, settings);
  return settings;
}

function stripUndefined<T extends object>(value: T): Partial<TenantSettings> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<TenantSettings>;
}

/**
 * Validates a change to settings; answers the full new settings and what to store, or the list of
 * problems. Only what an admin set is stored, so a setting never chosen follows the default of the
 * running version (saving the language list does not pin today's value rules).
 */
export function mergeSettings(
  tenant: Pick<TenantRecord, 'settings'>,
  change: JsonObject,
): { ok: true; settings: TenantSettings; stored: Partial<TenantSettings> } | { ok: false; problems: string[] } {
  const parsed = changeSchema.safeParse(change);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`) };
  }
  const previous = partialSettings.safeParse(tenant.settings);
  const stored = { ...(previous.success ? stripUndefined(previous.data) : {}), ...stripUndefined(parsed.data) };
  return { ok: true, settings: { ...DEFAULT_SETTINGS, ...stored }, stored };
}

/** Language tags compare case-insensitively with `_` and `-` alike (`en_GB` = `en-gb`). */
export function languageKey(tag: string): string {
  return tag.toLowerCase().replace(/_/g, '-');
}
