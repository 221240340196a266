/** fast-check arbitraries shared by the hostile-input suites: filter trees and texts, SCIM-ish bodies. */
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../../src/json/json-value.js';
import type { AttrPath, CompareOp, Filter, FilterValue } from '../../../src/scim/filter/ast.js';
import { printFilter } from '../../../src/scim/filter/print-filter.js';

const OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const KNOWN_NAMES = ['userName', 'name', 'emails', 'value', 'type', 'primary', 'members', '$ref', 'eq', 'PR', 'true', 'null', 'urn', 'x-y_1'];
const SCHEMAS = [
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'urn:ietf:params:scim:schemas:extension:roster:2.0:User',
  'URN:Example:v1.2:Thing',
];

export const attrName = fc.oneof(fc.constantFrom(...KNOWN_NAMES), fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,10}$/));
const schemaUrn = fc.oneof(fc.constantFrom(...SCHEMAS), fc.stringMatching(/^urn:[a-z][a-z0-9-]{0,6}(:[A-Za-z0-9._~-]{1,8}){1,3}$/));

export const attrPath: fc.Arbitrary<AttrPath> = fc
  .record({ schema: fc.option(schemaUrn, { nil: undefined }), attribute: attrName, subAttribute: fc.option(attrName, { nil: undefined }) })
  .map(
    ({ schema, attribute, subAttribute }): AttrPath => ({
      ...(schema === undefined ? {} : { schema }),
      attribute,
      ...(subAttribute === undefined ? {} : { subAttribute }),
    }),
  )
  // Alone, `and`/`or`/`not` would be read as keywords; no filter text can name such an attribute.
  .filter((p) => p.schema !== undefined || p.subAttribute !== undefined || !/^(?:and|or|not)$/i.test(p.attribute));

export const filterValue: fc.Arbitrary<FilterValue> = fc.oneof(
  // U+0000 is refused in filters (no stored value can hold it), so trees never carry it.
  fc.string({ unit: 'binary', maxLength: 12 }).map((text) => text.replace(/\u0000/g, '')),
  fc.constantFrom('and', 'true', 'null', '', "O'Malley", '"quoted"', 'back\\slash', 'ｊｏｈｎ', 'ß', 'İ', 'e\u0301'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

export const { filter: filterTree } = fc.letrec<{ filter: Filter; inner: Filter; leaf: Filter }>((tie) => ({
  leaf: fc.oneof(
    { weight: 4, arbitrary: fc.record({ path: attrPath, op: fc.constantFrom(...OPS), value: filterValue }).map((r): Filter => ({ kind: 'compare', ...r })) },
    { weight: 1, arbitrary: attrPath.map((path): Filter => ({ kind: 'present', path })) },
  ),
  // Inside `[…]` there is no further value path (SCIM has no nesting).
  inner: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.record({ left: tie('inner'), right: tie('inner') }).map((r): Filter => ({ kind: 'and', ...r })),
    fc.record({ left: tie('inner'), right: tie('inner') }).map((r): Filter => ({ kind: 'or', ...r })),
    tie('inner').map((f): Filter => ({ kind: 'not', filter: f })),
  ),
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.record({ left: tie('filter'), right: tie('filter') }).map((r): Filter => ({ kind: 'and', ...r })),
    fc.record({ left: tie('filter'), right: tie('filter') }).map((r): Filter => ({ kind: 'or', ...r })),
    tie('filter').map((f): Filter => ({ kind: 'not', filter: f })),
    fc.record({ path: attrPath, filter: tie('inner') }).map((r): Filter => ({ kind: 'valuePath', ...r })),
  ),
}));

/** Pieces of filter text, so random inputs get deep into the grammar instead of failing at character 1. */
export const filterText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'userName',
        'emails',
        'name.givenName',
        'urn:ietf:params:scim:schemas:core:2.0:User:userName',
        'members',
        '.value',
        'value',
        ' eq ',
        ' ne ',
        ' co ',
        ' sw ',
        ' ew ',
        ' gt ',
        ' pr',
        ' and ',
        ' or ',
        'not ',
        'NOT',
        '(',
        ')',
        '[',
        ']',
        '"x"',
        '"',
        '\\',
        '\\u00e9',
        '\\ud800',
        '12',
        '-0',
        '1e999',
        'true',
        'null',
        'False',
        ' ',
        '\t',
        '\n',
        ':',
        '.',
        'urn:',
        '$ref',
        '"\u0000"',
      ),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

/** A valid filter's text with a few random edits: deletions, insertions and replacements of characters or tokens. */
export const mutatedFilterText = fc
  .tuple(
    filterTree,
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom('', ' ', '(', ')', '[', ']', '"', '\\', 'and ', 'or ', 'not ', 'EQ', 'pr', '.x', ':', '1')), {
      minLength: 0,
      maxLength: 3,
    }),
  )
  .map(([tree, edits]) => {
    let text = printFilter(tree);
    for (const [at, length, insert] of edits) {
      const i = text.length === 0 ? 0 : at % text.length;
      text = text.slice(0, i) + insert + text.slice(i + length);
    }
    return text;
  });

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** Attribute and message keys, real and not, including ones that are traps for naive object code. */
const KEYS = [
  'schemas',
  'userName',
  'name',
  'givenName',
  'familyName',
  'formatted',
  'displayName',
  'nickName',
  'title',
  'active',
  'emails',
  'phoneNumbers',
  'addresses',
  'country',
  'locality',
  'externalId',
  'id',
  'meta',
  'version',
  'password',
  'groups',
  'members',
  'value',
  'type',
  'primary',
  'display',
  '$ref',
  'preferredLanguage',
  'timezone',
  'locale',
  'userType',
  'manager',
  'department',
  'employeeNumber',
  'hireDate',
  ENTERPRISE,
  ROSTER,
  `${ENTERPRISE}:department`,
  'name.givenName',
  'emails[type eq "work"].value',
  'Operations',
  'op',
  'path',
  'bogus',
  'UserName',
  'EMAILS',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'ü',
];

const SCALARS: JsonValue[] = [
  'work',
  'home',
  'True',
  'False',
  'true',
  '',
  ' ',
  'x@example.com',
  'not an email',
  '2020-02-30',
  '1999-12-31',
  'Europe/Paris',
  'Mars/Olympus',
  'en-US',
  'xx',
  'DE',
  'ZZ',
  'User',
  'Group',
  '1',
  '-1',
  '0',
  'bulkId:nope',
  'urn:x',
  'ｊｏｈｎ',
  '\u0000',
  '\ud800',
  '😀',
  "' or 1=1 --",
  0,
  1,
  -1,
  1.5,
  1e308,
  -0,
  2 ** 53 + 1,
  true,
  false,
  null,
];

export const scimValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...SCALARS),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** An object with SCIM-looking keys: most of a resource's shape, often wrong in some detail. */
export const scimObject: fc.Arbitrary<JsonObject> = fc
  .tuple(
    fc.option(fc.constantFrom('urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:core:2.0:Group', ENTERPRISE, 'bogus'), { nil: undefined }),
    fc.option(fc.string({ unit: 'binary', maxLength: 30 }), { nil: undefined }),
    fc.dictionary(fc.constantFrom(...KEYS), scimValue, { maxKeys: 6 }),
  )
  .map(([schema, name, rest]) => {
    const body: JsonObject = { ...rest };
    if (schema !== undefined) body['schemas'] = [schema];
    if (name !== undefined) {
      body['userName'] = name;
      body['displayName'] = name;
    }
    return body;
  });

export const anyBody: fc.Arbitrary<JsonValue> = fc.oneof(
  scimObject,
  fc.jsonValue({ maxDepth: 3 }).map((v) => v as JsonValue),
  scimValue,
);

const PATCH_PATHS = [
  'userName',
  'displayName',
  'active',
  'name',
  'name.givenName',
  'emails',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[primary eq true].type',
  'members',
  'members[value eq "x"]',
  'members[display co "a"]',
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:department`,
  `${ROSTER}:preferredLanguage`,
  'id',
  'meta.created',
  'groups',
  'password',
  'unknown',
  'emails[bogus eq 1]',
  '',
  'a[',
  'emails[type eq "x"].',
];

export const patchOperation: fc.Arbitrary<JsonObject> = fc
  .tuple(
    fc.constantFrom('add', 'remove', 'replace', 'Replace', 'ADD', 'copy', '', 42),
    fc.option(fc.oneof(fc.constantFrom(...PATCH_PATHS), mutatedFilterText), { nil: undefined }),
    fc.option(fc.oneof(scimValue, scimObject), { nil: undefined }),
  )
  .map(([op, path, value]) => {
    const operation: JsonObject = { op };
    if (path !== undefined) operation['path'] = path;
    if (value !== undefined) operation['value'] = value;
    return operation;
  });

export const patchBody: fc.Arbitrary<JsonValue> = fc.oneof(
  { weight: 8, arbitrary: fc.array(patchOperation, { minLength: 1, maxLength: 5 }).map((Operations): JsonValue => ({ schemas: [PATCH_OP], Operations })) },
  { weight: 1, arbitrary: fc.array(patchOperation, { maxLength: 3 }).map((Operations): JsonValue => ({ schemas: ['bogus'], Operations })) },
  { weight: 1, arbitrary: anyBody },
);

export function bulkBody(ids: readonly string[]): fc.Arbitrary<JsonValue> {
  const path = fc.oneof(
    fc.constantFrom('/Users', '/Groups', 'Users', '/Users/', '/Bulk', '/Users/bulkId:a', '/Groups/bulkId:b', '/Users/../Groups', '', '/Users?x=1'),
    fc.constantFrom(...ids.map((id) => `/Users/${id}`), ...ids.map((id) => `/Groups/${id}`)),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );
  const operation = fc.record(
    {
      method: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'post', 'TRACE', ''),
      path,
      bulkId: fc.constantFrom('a', 'b', 'c', ''),
      version: fc.constantFrom('W/"1"', '"2"', '*', 'garbage'),
      data: fc.oneof(scimObject, patchBody, scimValue),
    },
    { requiredKeys: ['method', 'path'] },
  );
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record(
          {
            schemas: fc.constant([BULK]),
            Operations: fc.array(operation, { minLength: 1, maxLength: 5 }),
            failOnErrors: fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 3 }), scimValue),
          },
          { requiredKeys: ['schemas', 'Operations'] },
        )
        .map((b) => JSON.parse(JSON.stringify(b)) as JsonValue),
    },
    { weight: 1, arbitrary: anyBody },
  );
}

export const searchBody: fc.Arbitrary<JsonValue> = fc.oneof(
  fc
    .record(
      {
        schemas: fc.constant([SEARCH]),
        filter: fc.oneof(mutatedFilterText, filterText, scimValue),
        sortBy: fc.oneof(fc.constantFrom('userName', 'displayName', 'meta.created', 'name.familyName', 'emails', 'bogus', ''), scimValue),
        sortOrder: fc.oneof(fc.constantFrom('ascending', 'descending', 'up'), scimValue),
        startIndex: fc.oneof(fc.integer({ min: -5, max: 50 }), scimValue),
        count: fc.oneof(fc.integer({ min: -5, max: 100_000 }), scimValue),
        attributes: fc.oneof(fc.constantFrom('userName', 'emails.value', 'members', 'bogus,,', ''), fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), scimValue),
        excludedAttributes: fc.oneof(fc.constantFrom('members', 'emails', 'id', 'meta'), scimValue),
        cursor: fc.oneof(fc.constantFrom('', 'abc', 'eyJmIjoieCJ9'), scimValue),
      },
      { requiredKeys: ['schemas'] },
    )
    .map((b) => JSON.parse(JSON.stringify(b)) as JsonValue),
  anyBody,
);

/** Query strings for list endpoints: real parameter names (any case) with hostile values, and junk. */
export const listQuery: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.constantFrom('filter', 'Filter', 'sortBy', 'sortOrder', 'startIndex', 'startindex', 'count', 'COUNT', 'cursor', 'attributes', 'excludedAttributes', 'x', ''),
      fc.oneof(
        mutatedFilterText,
        filterText,
        fc.constantFrom('', '-1', '0', '1', '99999999999999999999', '1.5', 'NaN', 'userName', 'meta.created', 'descending', '%', '%zz'),
        fc.string({ unit: 'binary', maxLength: 12 }),
      ),
    ),
    { maxLength: 5 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'))}`).join('&'));
