import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import { DomainError } from '../errors.js';
import { DEFAULT_EXTENSION_URN, languageKey, type TenantSettings } from '../tenants/tenant-settings.js';

const invalid = (attribute: string, value: JsonValue, accepted: string) =>
  new DomainError('invalidValue', `${attribute} ${JSON.stringify(value)} is not accepted: ${accepted}`);

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
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
/** Codes ICU names that are groupings or reserved, not ISO 3166-1 countries. */
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB']);

/** An ISO 3166-1 alpha-2 code (upper case, as the standard writes them; `gb` is refused). */
export function isCountryCode(value: string): boolean {
  if (!/^[A-Z]{2}$/.test(value) || NOT_COUNTRIES.has(value)) return false;
  return regionNames.of(value) !== value;
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
 * The directory's rules on values (seed guides, SPEC §4): a violation names the attribute, the
 * value and the accepted form, and nothing is written.
 */
export function validatePerson(document: JsonObject, settings: TenantSettings, before?: JsonObject): string[] {
  const violations = ruleViolations(document, settings, before);
  if (violations.length > 0 && settings.valueRules === 'enforce') throw violations[0];
  return violations.map((v) => v.message);
}

function ruleViolations(document: JsonObject, settings: TenantSettings, before?: JsonObject): DomainError[] {
  const found: DomainError[] = [];
  // An empty string is "no value" here: template-driven IdPs (OneLogin) send "" for an unmapped field.
  // Only what changes is judged: a value stored before a rule (or a tenant setting) changed does
  // not block every later update of that person.
  const unchanged = (value: JsonValue | undefined, previous: JsonValue | undefined) => before !== undefined && JSON.stringify(value) === JSON.stringify(previous);
  const extensionOf = (doc: JsonObject | undefined): JsonObject =>
    doc && isJsonObject(doc[DEFAULT_EXTENSION_URN]) ? (doc[DEFAULT_EXTENSION_URN] as JsonObject) : {};
  const extension = extensionOf(document);
  const hireDate = extension['hireDate'];
  if (typeof hireDate === 'string' && hireDate !== '' && !unchanged(hireDate, extensionOf(before)['hireDate']) && !isIsoDate(hireDate)) {
    found.push(invalid('hireDate', hireDate, 'use a real date as yyyy-MM-dd, e.g. 2024-03-31'));
  }
  const timezone = document['timezone'];
  if (typeof timezone === 'string' && timezone !== '' && !unchanged(timezone, before?.['timezone']) && !isIanaZone(timezone)) {
    found.push(invalid('timezone', timezone, 'use an IANA time zone such as Europe/London or America/New_York'));
  }
  const language = document['preferredLanguage'];
  if (typeof language === 'string' && language !== '' && !unchanged(language, before?.['preferredLanguage'])) {
    const supported = settings.supportedLanguages.map(languageKey);
    if (!supported.includes(languageKey(language))) {
      found.push(invalid('preferredLanguage', language, `use one of this tenant's languages: ${settings.supportedLanguages.join(', ')}`));
    }
  }
  const previousAddresses = before ? each(before, 'addresses').map((a) => JSON.stringify(a)) : [];
  const previousEmails = before ? each(before, 'emails').map((e) => JSON.stringify(e)) : [];
  for (const address of each(document, 'addresses')) {
    if (previousAddresses.includes(JSON.stringify(address))) continue;
    const country = address['country'];
    if (typeof country === 'string' && country !== '' && !isCountryCode(country)) {
      found.push(invalid(`addresses[type eq "${String(address['type'] ?? '')}"].country`, country, 'use an ISO 3166-1 alpha-2 code such as GB, US or DE'));
    }
  }
  for (const email of each(document, 'emails')) {
    if (previousEmails.includes(JSON.stringify(email))) continue;
    const value = email['value'];
    if (typeof value === 'string' && !isEmail(value)) {
      found.push(invalid(`emails[type eq "${String(email['type'] ?? '')}"].value`, value, 'use an email address such as ada@example.com'));
    }
  }
  return found;
}
