import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScimError } from '../errors.js';
import type { Filter, PatchPath } from './ast.js';
import { parsePatchPath } from './parse-patch-path.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const eq = (attribute: string, value: string): Filter => ({ kind: 'compare', path: { attribute }, op: 'eq', value });

/** Asserts a 400 invalidPath whose detail matches `pattern` and, if given, names 1-based character `at`. */
function rejects(input: string, pattern: RegExp, at?: number): void {
  assert.throws(
    () => parsePatchPath(input),
    (error: unknown) => {
      assert.ok(error instanceof ScimError, `expected ScimError, got ${String(error)}`);
      assert.equal(error.status, 400);
      assert.equal(error.scimType, 'invalidPath');
      assert.match(error.detail, /^Invalid PATCH path: /);
      assert.match(error.detail, pattern);
      if (at !== undefined) assert.match(error.detail, new RegExp(`at character ${at} in '`));
      return true;
    },
  );
}

describe('parsePatchPath: RFC 7644 §3.5.2 paths', () => {
  const cases: [string, PatchPath][] = [
    ['members', { path: { attribute: 'members' } }],
    ['name.givenName', { path: { attribute: 'name', subAttribute: 'givenName' } }],
    [`${ENTERPRISE}:manager`, { path: { schema: ENTERPRISE, attribute: 'manager' } }],
    [`${ENTERPRISE}:manager.value`, { path: { schema: ENTERPRISE, attribute: 'manager', subAttribute: 'value' } }],
    ['emails[type eq "work"].value', { path: { attribute: 'emails' }, valueFilter: eq('type', 'work'), subAttribute: 'value' }],
    ['members[value eq "2819c223-7f76-453a-919d-413861904646"]', { path: { attribute: 'members' }, valueFilter: eq('value', '2819c223-7f76-453a-919d-413861904646') }],
    ['addresses[type eq "work"].country', { path: { attribute: 'addresses' }, valueFilter: eq('type', 'work'), subAttribute: 'country' }],
    [
      'emails[type eq "work" and not (primary eq true)]',
      {
        path: { attribute: 'emails' },
        valueFilter: {
          kind: 'and',
          left: eq('type', 'work'),
          right: { kind: 'not', filter: { kind: 'compare', path: { attribute: 'primary' }, op: 'eq', value: true } },
        },
      },
    ],
    [
      `${ENTERPRISE}:manager[value pr].displayName`,
      {
        path: { schema: ENTERPRISE, attribute: 'manager' },
        valueFilter: { kind: 'present', path: { attribute: 'value' } },
        subAttribute: 'displayName',
      },
    ],
    ['members.$ref', { path: { attribute: 'members', subAttribute: '$ref' } }],
  ];
  for (const [input, expected] of cases) {
    test(input, () => assert.deepEqual(parsePatchPath(input), expected));
  }

  test('surrounding whitespace and keyword case are tolerated', () => {
    assert.deepEqual(parsePatchPath('  emails[type  EQ "work"].value '), {
      path: { attribute: 'emails' },
      valueFilter: eq('type', 'work'),
      subAttribute: 'value',
    });
  });

  test('bare words are accepted inside the brackets', () => {
    assert.deepEqual(parsePatchPath('emails[type eq work].value'), {
      path: { attribute: 'emails' },
      valueFilter: eq('type', 'work'),
      subAttribute: 'value',
    });
    assert.deepEqual(parsePatchPath('members[value eq 2819c223-7f76-453a-919d-413861904646]'), {
      path: { attribute: 'members' },
      valueFilter: eq('value', '2819c223-7f76-453a-919d-413861904646'),
    });
  });
});

describe('parsePatchPath: errors are invalidPath with a position', () => {
  test('empty', () => {
    rejects('', /empty/);
    rejects('   ', /empty/);
  });

  test('not an attribute path', () => {
    rejects('[type eq "work"]', /expected an attribute path, found '\['/, 1);
    rejects('"emails"', /expected an attribute path, found the string/, 1);
    rejects('1emails', /not a valid attribute name/, 1);
    rejects('name.givenName.x', /more than one '\.'/, 15);
    rejects('foo:bar', /only a schema URN/, 4);
    rejects(`${ENTERPRISE}:`, /expected an attribute name after the schema URN/);
  });

  test('junk after the path', () => {
    rejects('name givenName', /expected '\[' or the end of the path after 'name', found 'givenName'/, 6);
    rejects('emails[type eq "work"]value', /expected '\.subAttribute' or the end of the path/, 23);
    rejects('emails[type eq "work"].value eq "x"', /expected the end of the path after '\.value', found 'eq'/, 30);
    rejects('emails[type eq "work"].value.x', /more than one '\.'/, 29);
    rejects('emails[type eq "work"].', /expected an attribute name/, 24);
  });

  test('broken value filters', () => {
    rejects('emails[type eq "work"', /missing '\]' to close the '\[' at character 7/, 22);
    rejects('emails[]', /expected an attribute path/, 8);
    rejects('emails[type eq]', /expected a value after 'eq'/, 15);
    rejects('emails[type eq "work" value eq "x"]', /expected 'and', 'or' or '\]' to close/, 23);
    rejects('emails[type eq "work"]]', /expected '\.subAttribute' or the end of the path/, 23);
    rejects('emails[a[b pr]]', /value filters cannot be nested/, 9);
    rejects('emails[type eq "work', /unterminated string/, 16);
  });

  test('length limit', () => {
    rejects(`a[b eq "${'x'.repeat(5000)}"]`, /characters long; the limit is 4096/);
  });

  test('random garbage throws only ScimError invalidPath', () => {
    const pieces = ['emails', 'value', '.', ':', 'urn:a:b:', '[', ']', '(', ')', ' ', '"', '"w"', 'eq', 'pr', 'and', 'not', '\\', '1', '$ref'];
    let state = 42;
    const random = (): number => {
      // Park–Miller minimal standard generator: enough to spread inputs, reproducible.
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    for (let i = 0; i < 2000; i++) {
      let input = '';
      for (let j = Math.floor(random() * 12); j > 0; j--) input += pieces[Math.floor(random() * pieces.length)];
      try {
        parsePatchPath(input);
      } catch (error) {
        if (!(error instanceof ScimError)) assert.fail(`non-ScimError for ${JSON.stringify(input)}: ${String(error)}`);
        assert.equal(error.scimType, 'invalidPath');
      }
    }
  });
});
