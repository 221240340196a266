import { z } from 'zod';
import type { JsonObject } from '../../json/json-value.js';
import type { TenantRecord } from '../../storage/store.js';

/** The language tags a tenant accepts by default (the generic setup guide's list). */
export const DEFAULT_LANGUAGES: readonly string[] = [
  'en_gb',
  'en',
  'en-us',
  'nl',
  'ar',
  'es',
  'es-ES',
  'fr',
  'de',
  'it',
  'pl',
  'pt-BR',
  'tr-TR',
  'ru',
  'ja-JP',
  'zh-CN',
  'zh-HK',
  'ko-KR',
];

/** Roster's own user extension; a tenant (or deployment) may publish it under another URN. */
export const DEFAULT_EXTENSION_URN = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';

const URN_SHAPE = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+$/;

/**
 * What an admin can set per tenant: each setting's type, limits, description and default, declared
 * once. The defaults, the CLI's flags, the admin OpenAPI and the console's type
 * (admin-ui/src/types.ts, through the admin API's answer schemas) are all read from here, so a new setting is one entry.
 * The description comes before the default so that the change schema (which drops the default)
 * keeps it.
 */
export const settingsSchema = z.object({
  supportedLanguages: z
    .array(z.string().regex(/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/, 'a language tag such as en, en-GB or pt_BR'))
    .min(1)
    .max(200)
    .describe("Language tags a person's preferredLanguage may take (`_` and `-` alike, any case).")
    // A function, so that every parse gets a list of its own.
    .default(() => [...DEFAULT_LANGUAGES]),
  matchingField: z
    .enum(['userName', 'email', 'externalId'])
    .describe('Which field identifies a person when a create arrives for someone who may already exist.')
    .default('userName'),
  extensionUrn: z
    .string()
    .regex(URN_SHAPE, 'a URN such as urn:ietf:params:scim:schemas:extension:acme:2.0:User')
    .max(200)
    .describe("The URN Roster's user extension is published under.")
    .default(DEFAULT_EXTENSION_URN),
  ssoMayUpdate: z.boolean().describe('Whether an SSO login may overwrite attributes SCIM manages (false: SCIM is the source of truth).').default(false),
  // The default is what customers run: refusing a person over a secondary value stops provisioning
  // of someone the IdP considers valid (docs/attributes.md "Value rules"). In either mode a person
  // is refused when unidentifiable or unsafe (no userName, a clash, a malformed document).
  valueRules: z
    .enum(['enforce', 'report'])
    .describe(
      'report: a value breaking a rule (hireDate, timezone, language, country, email) is stored as sent and flagged on the person and in the provisioning log; ' +
        'enforce: it is refused with 400 invalidValue and nothing is written.',
    )
    .default('report'),
  massChangeGuard: z
    .enum(['on', 'off'])
    .describe('on: deactivations, deletions and emptied groups past the mass-change limits are held for an admin to approve or discard instead of applied.')
    .default('on'),
  massChangePercent: z
    .number()
    .min(1)
    .max(100)
    .describe('Percent of the active people that may be deactivated or deleted within the window; further removals are held.')
    .default(20),
  massChangeWindowMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .describe('The window, in minutes, that the mass-change percent counts removals over.')
    .default(10),
  massChangeMinActive: z.number().int().min(1).describe('The percent limit guards tenants with at least this many active people.').default(20),
  massChangeGroupSize: z.number().int().min(1).describe('A request that would empty a group of more members than this is held.').default(50),
  // At least a day: the mass-change guard counts the last 24 hours' removals from the outbox.
  logRetentionDays: z.number().int().min(1).max(3650).describe('Days the provisioning log keeps an entry; older ones are deleted in the background.').default(30),
  eventRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .describe('Days the outbox keeps an event once every webhook endpoint has received it; the feed then answers a cursor from before the oldest kept event with 410.')
    .default(90),
});

type ParsedSettings = z.output<typeof settingsSchema>;

/** A tenant's settings, every one present. Parsed settings are shared (cached), so they are read-only. */
export type TenantSettings = {
  readonly [K in keyof ParsedSettings]: ParsedSettings[K] extends readonly (infer E)[] ? readonly E[] : ParsedSettings[K];
};

/** The name of one tenant setting. */
export type SettingName = keyof TenantSettings;

export type MatchingField = TenantSettings['matchingField'];

/** Some settings, as an admin set them. */
export type SettingsChange = { -readonly [K in SettingName]?: TenantSettings[K] };

/** Every setting at its default: the schema's answer for a tenant that set nothing. */
export const DEFAULT_SETTINGS: TenantSettings = Object.freeze(settingsSchema.parse({}));

/** Whether `name` is a tenant setting. */
export function isSettingName(name: string): name is SettingName {
  return Object.hasOwn(settingsSchema.shape, name);
}

type ChangeShape = { [K in SettingName]: z.ZodOptional<ReturnType<(typeof settingsSchema.shape)[K]['unwrap']>> };

function changeShape(): ChangeShape {
  const entries = Object.entries(settingsSchema.shape).map(([name, field]) => [name, field.unwrap().optional()]);
  // Object.fromEntries forgets the names; each entry is the field without its default, as ChangeShape says.
  return Object.fromEntries(entries) as ChangeShape;
}

/**
 * A change to some settings as an admin sends it: known names only, each value valid, and nothing
 * filled in — a setting left out stays as it was (parsing `settingsSchema.partial()` would fill
 * in every default).
 */
export const settingsChangeSchema = z.object(changeShape()).strict();

/** Parsed settings by their stored JSON: every SCIM request needs them, they rarely change. */
const parsedCache = new Map<string, TenantSettings>();

/** A tenant's settings with defaults for what it never set (stored settings were validated on write). */
export function tenantSettings(tenant: Pick<TenantRecord, 'settings'>): TenantSettings {
  const key = JSON.stringify(tenant.settings);
  const cached = parsedCache.get(key);
  if (cached) return cached;
  const parsed = settingsSchema.safeParse(tenant.settings);
  const settings: TenantSettings = parsed.success ? Object.freeze(parsed.data) : DEFAULT_SETTINGS;
  if (parsedCache.size > 1000) parsedCache.clear();
  parsedCache.set(key, settings);
  return settings;
}

/** Stored settings: validated on write; a name an older version stored and this one lacks is ignored. */
const storedSettings = settingsChangeSchema.strip();

/** The settings a tenant chose itself (stored settings that no longer parse count as none, as in tenantSettings). */
function chosen(tenant: Pick<TenantRecord, 'settings'>): SettingsChange {
  const parsed = storedSettings.safeParse(tenant.settings);
  return parsed.success ? withoutUndefined(parsed.data) : {};
}

function withoutUndefined(change: SettingsChange): SettingsChange {
  const out: SettingsChange = {};
  for (const name of Object.keys(change)) if (isSettingName(name) && change[name] !== undefined) copySetting(out, change, name);
  return out;
}

function copySetting<K extends SettingName>(to: SettingsChange, from: SettingsChange, name: K): void {
  to[name] = from[name];
}

/**
 * Validates a change to settings; answers the full new settings and what to store, or the list of
 * problems. Only what an admin set is stored, so a setting never chosen follows the default of the
 * running version (saving the language list does not pin today's value rules).
 */
export function mergeSettings(
  tenant: Pick<TenantRecord, 'settings'>,
  change: JsonObject,
): { ok: true; settings: TenantSettings; stored: SettingsChange } | { ok: false; problems: string[] } {
  const parsed = settingsChangeSchema.safeParse(change);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`) };
  }
  const stored = { ...chosen(tenant), ...withoutUndefined(parsed.data) };
  return { ok: true, settings: Object.freeze(settingsSchema.parse(stored)), stored };
}

/** Language tags compare case-insensitively with `_` and `-` alike (`en_GB` = `en-gb`). */
export function languageKey(tag: string): string {
  return tag.toLowerCase().replace(/_/g, '-');
}
