/**
 * Every shape of SCIM filter the grammar allows over people and groups (RFC 7644 §3.4.2.2), for
 * the tests that check how storage runs them: each comparison operator on an indexed and a
 * non-indexed single-valued attribute and on sub-attributes of multi-valued ones, value paths,
 * each of those under `not`, inside `and` and `or`, and long or-chains.
 */

export type FilterTable = 'users' | 'groups';

export interface FilterShape {
  readonly table: FilterTable;
  readonly filter: string;
}

type Operand = 'text' | 'boolean' | 'dateTime' | 'member';

/** Operators that apply to each kind of value (RFC 7644 §3.4.2.2: no ordering on booleans, substrings only on text). */
const OPERATORS: Record<Operand, readonly string[]> = {
  text: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'],
  member: ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'],
  boolean: ['eq', 'ne'],
  dateTime: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
};

/**
 * Values in the middle of the tests' data (emails `u<i>@x.com`), so ranges are neither empty nor
 * everything. `{member}` stands for the id of a person who belongs to a group (filled in by the test).
 */
const VALUES: Record<Operand, Record<string, string>> = {
  text: { eq: '"u15@x.com"', ne: '"u15@x.com"', co: '"1"', sw: '"u1"', ew: '"x.com"', gt: '"u5"', ge: '"u5"', lt: '"u5"', le: '"u5"' },
  member: { eq: '"{member}"', ne: '"{member}"', co: '"0"', sw: '"0"', ew: '"1"', gt: '"{member}"', ge: '"{member}"', lt: '"{member}"', le: '"{member}"' },
  boolean: { eq: 'true', ne: 'true' },
  dateTime: {
    eq: '"2030-01-01T00:00:00Z"',
    ne: '"2030-01-01T00:00:00Z"',
    gt: '"2001-01-01T00:00:00Z"',
    ge: '"2001-01-01T00:00:00Z"',
    lt: '"2030-01-01T00:00:00Z"',
    le: '"2030-01-01T00:00:00Z"',
  },
};

interface Attribute {
  readonly path: string;
  readonly operand: Operand;
  /** Where it lives: a column with an index, the JSON document, or a child table (or a JSON array). */
  readonly kind: 'indexed' | 'document' | 'collection';
}

const USER_ATTRIBUTES: readonly Attribute[] = [
  { path: 'userName', operand: 'text', kind: 'indexed' },
  { path: 'externalId', operand: 'text', kind: 'indexed' },
  { path: 'displayName', operand: 'text', kind: 'indexed' },
  { path: 'active', operand: 'boolean', kind: 'indexed' },
  { path: 'meta.lastModified', operand: 'dateTime', kind: 'indexed' },
  { path: 'title', operand: 'text', kind: 'document' },
  { path: 'name.givenName', operand: 'text', kind: 'document' },
  { path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', operand: 'text', kind: 'document' },
  { path: 'emails.value', operand: 'text', kind: 'collection' },
  { path: 'emails', operand: 'text', kind: 'collection' },
  { path: 'emails.type', operand: 'text', kind: 'collection' },
  { path: 'emails.primary', operand: 'boolean', kind: 'collection' },
  { path: 'emails.display', operand: 'text', kind: 'collection' },
  { path: 'phoneNumbers.value', operand: 'text', kind: 'collection' },
  { path: 'groups.value', operand: 'text', kind: 'collection' },
  { path: 'groups.display', operand: 'text', kind: 'collection' },
];

const GROUP_ATTRIBUTES: readonly Attribute[] = [
  { path: 'displayName', operand: 'text', kind: 'indexed' },
  { path: 'externalId', operand: 'text', kind: 'indexed' },
  { path: 'meta.created', operand: 'dateTime', kind: 'indexed' },
  { path: 'members.value', operand: 'member', kind: 'collection' },
  { path: 'members', operand: 'member', kind: 'collection' },
  { path: 'members.type', operand: 'text', kind: 'collection' },
  { path: 'members.display', operand: 'text', kind: 'collection' },
];

const VALUE_PATHS: Record<FilterTable, readonly string[]> = {
  users: [
    'emails[type eq "work" and value ew "@x.com"]',
    'emails[type eq "work" or primary eq true]',
    'emails[not (type eq "work")]',
    'emails[value co "a" and not (primary eq true)]',
    'emails[display pr]',
    'phoneNumbers[type eq "work" and value sw "+1"]',
    'groups[display sw "eng"]',
  ],
  groups: ['members[value eq "{member}" and type eq "User"]', 'members[type eq "Group" or display co "a"]', 'members[not (type eq "User")]'],
};

/** The comparisons and `pr` on every attribute, then the value paths: the leaves every other shape is built from. */
function leaves(table: FilterTable): string[] {
  const out: string[] = [];
  for (const attribute of table === 'users' ? USER_ATTRIBUTES : GROUP_ATTRIBUTES) {
    for (const op of OPERATORS[attribute.operand]) out.push(`${attribute.path} ${op} ${VALUES[attribute.operand][op]}`);
    out.push(`${attribute.path} pr`);
  }
  return [...out, ...VALUE_PATHS[table]];
}

/** A chain of `count` filters joined by `or`. */
export function orChain(count: number, make: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => make(i)).join(' or ');
}

function chains(table: FilterTable): string[] {
  if (table === 'groups') {
    return [
      orChain(50, (i) => `displayName eq "group ${i}"`),
      orChain(50, () => 'members.value eq "{member}"'),
      `not (${orChain(50, () => 'members.value eq "{member}"')})`,
      orChain(50, (i) => (i % 2 === 0 ? 'members.value eq "{member}"' : `displayName eq "group ${i}"`)),
    ];
  }
  return [
    orChain(50, (i) => `userName eq "user${i}@example.com"`),
    orChain(50, (i) => `title eq "title ${i}"`),
    orChain(50, (i) => `emails.value eq "u${i}@x.com"`),
    `not (${orChain(50, (i) => `emails.value eq "u${i}@x.com"`)})`,
    orChain(50, (i) => (i % 2 === 0 ? `userName eq "user${i}@example.com"` : `emails.value eq "u${i}@x.com"`)),
    orChain(50, (i) => (i % 2 === 0 ? `emails.type eq "t${i}"` : `groups.display eq "g${i}"`)),
  ];
}

/** The other operand of `and` / `or`: an indexed lookup for people and groups alike. */
const PARTNER: Record<FilterTable, string> = { users: 'userName sw "a"', groups: 'displayName sw "a"' };

/** Every shape for one table: each leaf alone, under `not`, in `and` and `or`, nested, and the long chains. */
export function filterShapes(table: FilterTable): FilterShape[] {
  const partner = PARTNER[table];
  const shapes: string[] = [];
  for (const leaf of leaves(table)) {
    shapes.push(leaf, `not (${leaf})`, `${leaf} and ${partner}`, `${partner} or ${leaf}`, `not (${leaf} or ${partner})`, `${partner} and not (${leaf})`);
  }
  return [...shapes, ...chains(table)].map((filter) => ({ table, filter }));
}
