import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import { DomainError } from '../errors.js';
import { DEFAULT_EXTENSION_URN, languageKey, type TenantSettings } from '../tenants/tenant-settings.js';

/** The directory's rules on values (README.md#the-directory-model, docs/attributes.md), each named in a flag. */
export const VALUE_RULES = ['iso-date', 'iana-timezone', 'tenant-language', 'iso-country', 'email-address'] as const;
export type ValueRule = (typeof VALUE_RULES)[number];

/**
 * A value that breaks one of the directory's rules, kept exactly as the IdP sent it: the attribute
 * (a SCIM path as the tenant publishes it), the value, the rule and the form the rule accepts.
 */
export interface ValueFlag {
  readonly path: string;
  readonly value: string;
  readonly rule: ValueRule;
  readonly accepted: string;
}

/** One line for a flag: the 400 detail under 'enforce', the provisioning log's warning under 'report'. */
export function flagMessage(flag: ValueFlag): string {
  return `${flag.path} ${JSON.stringify(flag.value)} is not accepted: ${flag.accepted}`;
}

/** `yyyy-MM-dd` naming a real calendar day. */
export function isIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** An IANA time zone name such as Europe/London (the ICU database Node ships). */
export function isIanaZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) return false;
  const known = zoneVerdicts.get(value);
  if (known !== undefined) return known;
  let verdict = true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
  } catch {
    verdict = false;
  }
  // Flags are derived on every read of a person (lists included); a formatter costs far more than a lookup.
  if (zoneVerdicts.size >= 2000) zoneVerdicts.clear();
  zoneVerdicts.set(value, verdict);
  return verdict;
}
const zoneVerdicts = new Map<string, boolean>();

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
/** Codes ICU names that are groupings or reserved, not ISO 3166-1 countries. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB']);

/** An ISO 3166-1 alpha-2 code (upper case, as the standard writes them; `gb` is refused). */
export function isCountryCode(value: string): boolean {
  if (!/^[A-Z]{2}$/.test(value) || NOT_COUNTRIES.has(value)) return false;
  let verdict = countryVerdicts.get(value);
  if (verdict === undefined) {
    verdict = regionNames.of(value) !== value;
    countryVerdicts.set(value, verdict); // at most 26 × 26 entries
  }
  return verdict;
}
const countryVerdicts = new Map<string, boolean>();

/** A tenant's language list as comparison keys, computed once per (cached, frozen) settings object. */
const languageKeys = new WeakMap<readonly string[], ReadonlySet<string>>();
function supportedLanguageKeys(settings: TenantSettings): ReadonlySet<string> {
  let keys = languageKeys.get(settings.supportedLanguages);
  if (!keys) {
    keys = new Set(settings.supportedLanguages.map(languageKey));
    languageKeys.set(settings.supportedLanguages, keys);
  }
  return keys;
}

/** A plausible address: something@something, no spaces, one @. */
export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(value) && !value.endsWith('.') && !value.includes('@.');
}

function each(document: JsonObject, attribute: string): JsonObject[] {
  const list = document[attribute];
  return Array.isArray(list) ? list.filter(isJsonObject) : [];
}

/**
 * Checks what a write changes against the directory's rules. Under 'enforce' the first broken rule
 * is refused (400 invalidValue naming the attribute, the value and the accepted form; nothing is
 * written). Under 'report' (the default) nothing is refused over a value: the flags are returned
 * for the provisioning log and the value is stored exactly as sent, so the IdP reads back what it
 * wrote and never loops on a difference.
 */
export function validatePerson(document: JsonObject, settings: TenantSettings, before?: JsonObject): ValueFlag[] {
  const flags = valueFlags(document, settings, before);
  const first = flags[0];
  if (first && settings.valueRules === 'enforce') throw new DomainError('invalidValue', flagMessage(first));
  return flags;
}

/**
 * The values of a person that break a rule under the tenant's current settings; with `before`,
 * only values that differ from it are judged.
 *
 * Flags are derived, never stored: every view of a person (console, host API, events) computes
 * them from the stored document and the tenant's settings of the moment. So they always agree with
 * the current language list and rules — a value stops being flagged the moment the tenant lists its
 * language — and no migration or backfill is needed. The checks are a few regular expressions and
 * cached lookups per person, cheap enough for list pages.
 */
export function valueFlags(document: JsonObject, settings: TenantSettings, before?: JsonObject): ValueFlag[] {
  const found: ValueFlag[] = [];
  // An empty string is "no value" here: template-driven IdPs (OneLogin) send "" for an unmapped field.
  // Only what changes is judged: a value stored before a rule (or a tenant setting) changed does
  // not block every later update of that person.
  const unchanged = (value: JsonValue | undefined, previous: JsonValue | undefined) => before !== undefined && JSON.stringify(value) === JSON.stringify(previous);
  const extensionOf = (doc: JsonObject | undefined): JsonObject => (doc && isJsonObject(doc[DEFAULT_EXTENSION_URN]) ? (doc[DEFAULT_EXTENSION_URN] as JsonObject) : {});
  const extension = extensionOf(document);
  const hireDate = extension['hireDate'];
  if (typeof hireDate === 'string' && hireDate !== '' && !unchanged(hireDate, extensionOf(before)['hireDate']) && !isIsoDate(hireDate)) {
    found.push({ path: `${settings.extensionUrn}:hireDate`, value: hireDate, rule: 'iso-date', accepted: 'a real date as yyyy-MM-dd, e.g. 2024-03-31' });
  }
  const timezone = document['timezone'];
  if (typeof timezone === 'string' && timezone !== '' && !unchanged(timezone, before?.['timezone']) && !isIanaZone(timezone)) {
    found.push({ path: 'timezone', value: timezone, rule: 'iana-timezone', accepted: 'an IANA time zone such as Europe/London or America/New_York' });
  }
  const language = document['preferredLanguage'];
  if (typeof language === 'string' && language !== '' && !unchanged(language, before?.['preferredLanguage'])) {
    if (!supportedLanguageKeys(settings).has(languageKey(language))) {
      found.push({
        path: 'preferredLanguage',
        value: language,
        rule: 'tenant-language',
        accepted: `one of this tenant's languages: ${settings.supportedLanguages.join(', ')}`,
      });
    }
  }
  const previousAddresses = before ? each(before, 'addresses').map((a) => JSON.stringify(a)) : [];
  const previousEmails = before ? each(before, 'emails').map((e) => JSON.stringify(e)) : [];
  for (const address of each(document, 'addresses')) {
    if (previousAddresses.includes(JSON.stringify(address))) continue;
    const country = address['country'];
    if (typeof country === 'string' && country !== '' && !isCountryCode(country)) {
      found.push({
        path: `${valuePath('addresses', address)}.country`,
        value: country,
        rule: 'iso-country',
        accepted: 'an ISO 3166-1 alpha-2 code such as GB, US or DE',
      });
    }
  }
  for (const email of each(document, 'emails')) {
    if (previousEmails.includes(JSON.stringify(email))) continue;
    const value = email['value'];
    if (typeof value === 'string' && !isEmail(value)) {
      found.push({ path: `${valuePath('emails', email)}.value`, value, rule: 'email-address', accepted: 'an email address such as ada@example.com' });
    }
  }
  return found;
}

/** `emails[type eq "work"]` for a typed value (RFC 7644 §3.10 value filter); the bare attribute otherwise. */
function valuePath(attribute: string, item: JsonObject): string {
  const type = item['type'];
  return typeof type === 'string' && type !== '' ? `${attribute}[type eq ${JSON.stringify(type)}]` : attribute;
}
