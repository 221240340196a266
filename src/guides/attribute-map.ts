import { coreUserSchema } from '../scim/schemas/core-user.js';
import { enterpriseUserSchema } from '../scim/schemas/enterprise-user.js';
import type { SchemaDefinition } from '../scim/schemas/attribute.js';
import { findAttribute } from '../scim/schemas/registry.js';
import { rosterUserSchema } from '../scim/schemas/roster-user.js';

export type Namespace = 'core' | 'enterprise' | 'Roster';

/** The schema each namespace names, taken from the registry Roster validates requests with. */
export const NAMESPACE_SCHEMAS: Readonly<Record<Namespace, SchemaDefinition>> = {
  core: coreUserSchema,
  enterprise: enterpriseUserSchema,
  Roster: rosterUserSchema(),
};

/** One attribute the guides map: how an IdP addresses it, and whether Roster needs it. */
export interface MappedAttribute {
  readonly label: string;
  /** The SCIM path inside its namespace, as an IdP writes it. */
  readonly path: string;
  readonly namespace: Namespace;
  /** The value's format and the rules Roster applies to it, as docs/attributes.md and Okta's guide show them. */
  readonly format: string;
  /** Mandatory, Recommended or Optional. */
  readonly level: 'M' | 'R' | 'O';
  /** Okta's External name when it differs from the path (Okta addresses the manager's id). */
  readonly oktaName?: string;
}

/** Every attribute a person's mapping names, in the order docs/attributes.md lists them (its table is written from this). Each path is checked against the registry. */
export const MAPPED_ATTRIBUTES: readonly MappedAttribute[] = [
  { label: 'userName', path: 'userName', namespace: 'core', format: 'unique in the tenant, compared case-insensitively (Unicode-aware)', level: 'M' },
  { label: 'active', path: 'active', namespace: 'core', format: 'boolean; `false` deactivates and keeps everything', level: 'M' },
  { label: 'Work email', path: 'emails[type eq "work"].value', namespace: 'core', format: 'an email address (`local@domain`)', level: 'M' },
  { label: 'First name', path: 'name.givenName', namespace: 'core', format: 'text', level: 'R' },
  { label: 'Surname', path: 'name.familyName', namespace: 'core', format: 'text', level: 'R' },
  {
    label: 'preferredLanguage',
    path: 'preferredLanguage',
    namespace: 'core',
    format: "one of the tenant's supported tags, matched case-insensitively with `_` and `-` alike; stored as sent",
    level: 'R',
  },
  { label: 'timezone', path: 'timezone', namespace: 'core', format: 'an IANA zone, e.g. `Europe/London`', level: 'R' },
  { label: 'Country', path: 'addresses[type eq "work"].country', namespace: 'core', format: 'ISO 3166-1 alpha-2, e.g. `GB`', level: 'R' },
  { label: 'Street address', path: 'addresses[type eq "work"].streetAddress', namespace: 'core', format: 'text', level: 'O' },
  { label: 'City', path: 'addresses[type eq "work"].locality', namespace: 'core', format: 'text', level: 'O' },
  { label: 'State', path: 'addresses[type eq "work"].region', namespace: 'core', format: 'text', level: 'O' },
  { label: 'Job title', path: 'title', namespace: 'core', format: 'text', level: 'O' },
  { label: 'Phone numbers', path: 'phoneNumbers[type eq "mobile"].value', namespace: 'core', format: 'stored exactly as sent', level: 'O' },
  { label: 'locale', path: 'locale', namespace: 'core', format: 'text', level: 'O' },
  { label: 'department', path: 'department', namespace: 'enterprise', format: 'text; each value is a folder', level: 'R' },
  { label: 'organization', path: 'organization', namespace: 'enterprise', format: 'text; each value is a folder', level: 'R' },
  { label: 'division', path: 'division', namespace: 'enterprise', format: 'text; each value is a folder', level: 'R' },
  {
    label: 'manager',
    path: 'manager',
    namespace: 'enterprise',
    format:
      "the manager's SCIM id, userName, work email, externalId or employeeNumber; linked when that person exists, otherwise held pending and linked the moment they arrive",
    level: 'R',
    oktaName: 'manager.value',
  },
  { label: 'employeeNumber', path: 'employeeNumber', namespace: 'enterprise', format: 'text', level: 'O' },
  { label: 'costCenter', path: 'costCenter', namespace: 'enterprise', format: 'text', level: 'O' },
  { label: 'businessUnit', path: 'businessUnit', namespace: 'Roster', format: 'text', level: 'O' },
  { label: 'employeeType', path: 'employeeType', namespace: 'Roster', format: 'text', level: 'O' },
  { label: 'employeeLevel', path: 'employeeLevel', namespace: 'Roster', format: 'text', level: 'O' },
  { label: 'grade', path: 'grade', namespace: 'Roster', format: 'text', level: 'O' },
  { label: 'office', path: 'office', namespace: 'Roster', format: 'text', level: 'O' },
  { label: 'hireDate', path: 'hireDate', namespace: 'Roster', format: '`yyyy-MM-dd`, a real calendar date', level: 'O' },
  {
    label: 'externalId',
    path: 'externalId',
    namespace: 'Roster',
    format: "text (the seed table places an HR identifier here; the core `externalId` is the IdP's own id)",
    level: 'O',
  },
];

/**
 * Checks a path against the registry: the attribute must exist in its namespace's schema and, for
 * `a.b` or `a[filter].b`, `b` must be one of its sub-attributes. Answers what is wrong, or undefined.
 */
export function unknownPath(attribute: { path: string; namespace: Namespace }): string | undefined {
  const match = /^([A-Za-z][\w$-]*)(?:\[[^\]]*\])?(?:\.([A-Za-z][\w$-]*))?$/.exec(attribute.path);
  if (!match?.[1]) return `${attribute.path}: not a SCIM attribute path`;
  const schema = NAMESPACE_SCHEMAS[attribute.namespace];
  const found = findAttribute(schema.attributes, match[1]);
  if (!found) return `${attribute.path}: no attribute ${match[1]} in ${schema.id}`;
  if (match[2] && !findAttribute(found.subAttributes, match[2])) return `${attribute.path}: ${match[1]} has no sub-attribute ${match[2]}`;
  return undefined;
}

/** The attribute's full target name: bare for core, with the schema URN in front for extensions (RFC 7644 §3.10). */
export function qualifiedName(attribute: MappedAttribute): string {
  return attribute.namespace === 'core' ? attribute.path : `${NAMESPACE_SCHEMAS[attribute.namespace].id}:${attribute.path}`;
}
