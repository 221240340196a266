/** Dates and labels as an admin reads them. */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

/** "3 minutes ago", or "never" before the first time. */
export function ago(iso: string | null): string {
  if (!iso) return 'never';
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  if (Math.abs(seconds) < 5) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

export function exact(iso: string | null): string {
  return iso ? absolute.format(new Date(iso)) : 'never';
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

export const number = (n: number): string => new Intl.NumberFormat('en-GB').format(n);

/** Recommended attributes by their storage path, as the seed guide names them. */
const MISSING_LABELS: Record<string, string> = {
  'emails[type eq "work"].value': 'work email',
  'name.givenName': 'first name',
  'name.familyName': 'surname',
  'addresses[type eq "work"].country': 'work country',
  preferredLanguage: 'preferred language',
};
export const missingLabel = (path: string): string => MISSING_LABELS[path] ?? path;

export const SOURCE_LABELS: Record<string, string> = { scim: 'SCIM', sso: 'SSO login', admin: 'Admin', import: 'Import' };
export const FOLDER_KINDS: Record<string, string> = { department: 'Department', division: 'Division', organization: 'Organization' };
