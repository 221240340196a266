import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScimError } from '../errors.js';
import type { AttrPath, CompareOp, Filter, FilterValue } from './ast.js';
import { parseFilter, type FilterLimits } from './parse-filter.js';
import { seededRandom as rng } from '../../testing/seeded-random.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

function path(dotted: string, schema?: string): AttrPath {
  const [attribute = '', subAttribute] = dotted.split('.');
  const base = schema === undefined ? {} : { schema };
  return subAttribute === undefined ? { ...base, attribute } : { ...base, attribute, subAttribute };
}
const cmp = (p: string | AttrPath, op: CompareOp, value: FilterValue): Filter => ({
  kind: 'compare',
  path: typeof p === 'string' ? path(p) : p,
  op,
  value,
});
const pr = (p: string | AttrPath): Filter => ({ kind: 'present', path: typeof p === 'string' ? path(p) : p });
const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });
const not = (filter: Filter): Filter => ({ kind: 'not', filter });
const vp = (p: string, filter: Filter): Filter => ({ kind: 'valuePath', path: path(p), filter });

/** Parses and asserts no leniency was needed: the input is plain RFC 7644. */
function strict(input: string): Filter {
  const result = parseFilter(input);
  assert.deepEqual(result.leniencies, [], `unexpected leniencies for ${input}`);
  return result.filter;
}

/** Asserts a 400 invalidFilter whose detail matches `pattern` and names 1-based character `at`. */
function rejects(input: string, pattern: RegExp, at?: number, limits?: FilterLimits): void {
  assert.throws(
    () => parseFilter(input, limits),
    (error: unknown) => {
      assert.ok(error instanceof ScimError, `expected ScimError, got ${String(error)}`);
      assert.equal(error.status, 400);
      assert.equal(error.scimType, 'invalidFilter');
      assert.match(error.detail, pattern);
      if (at !== undefined) assert.match(error.detail, new RegExp(`at character ${at} in '`));
      return true;
    },
  );
}

describe('parseFilter: operators', () => {
  for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const) {
    test(`${op} and ${op.toUpperCase()}`, () => {
      assert.deepEqual(strict(`userName ${op} "x"`), cmp('userName', op, 'x'));
      assert.deepEqual(strict(`userName ${op.toUpperCase()} "x"`), cmp('userName', op, 'x'));
    });
  }

  test('pr, in any case', () => {
    assert.deepEqual(strict('title pr'), pr('title'));
    assert.deepEqual(strict('title PR'), pr('title'));
    assert.deepEqual(strict('title Pr and x pr'), and(pr('title'), pr('x')));
  });
});

describe('parseFilter: logic and grouping', () => {
  test('and binds tighter than or', () => {
    const [a, b, c] = [cmp('a', 'eq', 1), cmp('b', 'eq', 2), cmp('c', 'eq', 3)];
    assert.deepEqual(strict('a eq 1 or b eq 2 and c eq 3'), or(a, and(b, c)));
    assert.deepEqual(strict('a eq 1 and b eq 2 or c eq 3'), or(and(a, b), c));
  });

  test('chains are left-associative', () => {
    assert.deepEqual(strict('a pr and b pr and c pr'), and(and(pr('a'), pr('b')), pr('c')));
    assert.deepEqual(strict('a pr or b pr or c pr'), or(or(pr('a'), pr('b')), pr('c')));
  });

  test('parentheses override precedence and may be redundant', () => {
    assert.deepEqual(strict('(a pr or b pr) and c pr'), and(or(pr('a'), pr('b')), pr('c')));
    assert.deepEqual(strict('a pr and (b pr and c pr)'), and(pr('a'), and(pr('b'), pr('c'))));
    assert.deepEqual(strict('((a pr))'), pr('a'));
  });

  test('not takes a parenthesised filter, with or without a space', () => {
    assert.deepEqual(strict('not (a pr)'), not(pr('a')));
    assert.deepEqual(strict('NOT(a pr or b pr)'), not(or(pr('a'), pr('b'))));
    assert.deepEqual(strict('not (not (a pr)) and b pr'), and(not(not(pr('a'))), pr('b')));
  });

  test('keywords are case-insensitive', () => {
    assert.deepEqual(strict('userName EQ "x"'), cmp('userName', 'eq', 'x'));
    assert.deepEqual(strict('A eq 1 AND b eq 2'), and(cmp('A', 'eq', 1), cmp('b', 'eq', 2)));
    assert.deepEqual(strict('a pr Or b pr'), or(pr('a'), pr('b')));
    assert.deepEqual(strict('Not (a pr)'), not(pr('a')));
  });

  test('runs of spaces and tabs between tokens, and around the filter, are accepted', () => {
    assert.deepEqual(strict('  userName \t eq\t\t"x"   and  (  b   pr )  '), and(cmp('userName', 'eq', 'x'), pr('b')));
    assert.deepEqual(strict('\ta pr\n'), pr('a'));
  });
});

describe('parseFilter: RFC 7644 §3.4.2.2 examples', () => {
  const examples: [string, Filter][] = [
    ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
    [`name.familyName co "O'Malley"`, cmp('name.familyName', 'co', "O'Malley")],
    ['userName sw "J"', cmp('userName', 'sw', 'J')],
    [`${CORE_USER}:userName sw "J"`, cmp(path('userName', CORE_USER), 'sw', 'J')],
    ['title pr', pr('title')],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'gt', '2011-05-13T04:42:34Z')],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'ge', '2011-05-13T04:42:34Z')],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'lt', '2011-05-13T04:42:34Z')],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'le', '2011-05-13T04:42:34Z')],
    ['title pr and userType eq "Employee"', and(pr('title'), cmp('userType', 'eq', 'Employee'))],
    ['title pr or userType eq "Intern"', or(pr('title'), cmp('userType', 'eq', 'Intern'))],
    [`schemas eq "${ENTERPRISE}"`, cmp('schemas', 'eq', ENTERPRISE)],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      and(cmp('userType', 'eq', 'Employee'), or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org'))),
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      and(cmp('userType', 'ne', 'Employee'), not(or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org')))),
    ],
    ['userType eq "Employee" and (emails.type eq "work")', and(cmp('userType', 'eq', 'Employee'), cmp('emails.type', 'eq', 'work'))],
    [
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      and(cmp('userType', 'eq', 'Employee'), vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com')))),
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      or(vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))), vp('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com')))),
    ],
  ];
  for (const [input, expected] of examples) {
    test(input, () => assert.deepEqual(strict(input), expected));
  }
});

describe('parseFilter: attribute paths', () => {
  test('schema-qualified names split at the last colon', () => {
    assert.deepEqual(strict(`${ENTERPRISE}:employeeNumber eq "42"`), cmp(path('employeeNumber', ENTERPRISE), 'eq', '42'));
    assert.deepEqual(strict(`${CORE_USER}:name.givenName eq "Barbara"`), cmp(path('name.givenName', CORE_USER), 'eq', 'Barbara'));
    assert.deepEqual(strict(`${ENTERPRISE}:manager.value pr`), pr(path('manager.value', ENTERPRISE)));
    // `urn:` is case-insensitive; the spelling is kept for the caller to resolve.
    assert.deepEqual(strict('URN:ietf:params:scim:schemas:core:2.0:User:userName pr'), pr(path('userName', 'URN:ietf:params:scim:schemas:core:2.0:User')));
  });

  test('ATTRNAME characters and $ref', () => {
    assert.deepEqual(strict('x-attr_2 pr'), pr('x-attr_2'));
    assert.deepEqual(strict('members.$ref eq "https://example.com/Users/1"'), cmp('members.$ref', 'eq', 'https://example.com/Users/1'));
    assert.deepEqual(strict('$ref pr'), pr('$ref'));
  });

  test('words that are keywords elsewhere may name attributes where no keyword fits', () => {
    assert.deepEqual(strict('pr pr'), pr('pr'));
    assert.deepEqual(strict('eq eq "eq"'), cmp('eq', 'eq', 'eq'));
    assert.deepEqual(strict('true eq true'), cmp('true', 'eq', true));
  });

  test('value paths: inner paths are relative to the element', () => {
    assert.deepEqual(strict('emails[value co "x"]'), vp('emails', cmp('value', 'co', 'x')));
    assert.deepEqual(strict('emails[not (type eq "work")]'), vp('emails', not(cmp('type', 'eq', 'work'))));
    assert.deepEqual(
      strict('emails[(type eq "a" or type eq "b") and primary eq true]'),
      vp('emails', and(or(cmp('type', 'eq', 'a'), cmp('type', 'eq', 'b')), cmp('primary', 'eq', true))),
    );
    assert.deepEqual(strict(`${ENTERPRISE}:manager[value pr]`), { kind: 'valuePath', path: path('manager', ENTERPRISE), filter: pr('value') });
    assert.deepEqual(strict('not (emails[type pr])'), not(vp('emails', pr('type'))));
  });
});

describe('parseFilter: values', () => {
  test('JSON string escapes', () => {
    assert.deepEqual(strict(String.raw`a eq "say \"hi\""`), cmp('a', 'eq', 'say "hi"'));
    assert.deepEqual(strict(String.raw`a eq "back\\slash \/ \b\f\n\r\t"`), cmp('a', 'eq', 'back\\slash / \b\f\n\r\t'));
    assert.deepEqual(strict(String.raw`a eq "caf\u00e9 \u00E9"`), cmp('a', 'eq', 'café é'));
    assert.deepEqual(strict(String.raw`a eq "\ud83d\ude00"`), cmp('a', 'eq', '😀'));
    assert.deepEqual(strict('a eq "😀 raw é"'), cmp('a', 'eq', '😀 raw é'));
    assert.deepEqual(strict('a eq ""'), cmp('a', 'eq', ''));
    assert.deepEqual(strict('a eq "(and) [or] not"'), cmp('a', 'eq', '(and) [or] not'));
  });

  test('JSON numbers', () => {
    assert.deepEqual(strict('a eq 0'), cmp('a', 'eq', 0));
    assert.deepEqual(strict('a gt 42'), cmp('a', 'gt', 42));
    assert.deepEqual(strict('a lt -7'), cmp('a', 'lt', -7));
    assert.deepEqual(strict('a eq 3.25'), cmp('a', 'eq', 3.25));
    assert.deepEqual(strict('a eq -1.5e3'), cmp('a', 'eq', -1500));
    assert.deepEqual(strict('a eq 2E-2'), cmp('a', 'eq', 0.02));
    assert.deepEqual(strict('a eq 1e+2'), cmp('a', 'eq', 100));
    assert.ok(Object.is((strict('a eq -0') as { value: FilterValue }).value, -0));
    assert.deepEqual(strict('(a eq 1)'), cmp('a', 'eq', 1));
  });

  test('true, false and null in any case', () => {
    assert.deepEqual(strict('a eq true'), cmp('a', 'eq', true));
    assert.deepEqual(strict('a eq FALSE'), cmp('a', 'eq', false));
    assert.deepEqual(strict('a eq Null'), cmp('a', 'eq', null));
  });
});

describe('parseFilter: leniencies', () => {
  test("Entra's emails[…].value eq: one element matches both", () => {
    const result = parseFilter('emails[type eq "work"].value eq "x@y"');
    assert.deepEqual(result.filter, vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'x@y'))));
    assert.equal(result.leniencies.length, 1);
    assert.match(result.leniencies[0] ?? '', /Entra/);
  });

  test("Entra's form with pr, other operators, and inside a larger filter", () => {
    assert.deepEqual(parseFilter('emails[type eq "work"].value pr').filter, vp('emails', and(cmp('type', 'eq', 'work'), pr('value'))));
    assert.deepEqual(
      parseFilter('emails[type eq "work"].value CO "@x" and userName eq "y"').filter,
      and(vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@x'))), cmp('userName', 'eq', 'y')),
    );
  });

  test("Microsoft's bare words are strings", () => {
    const cases: [string, Filter][] = [
      ['userName sw O', cmp('userName', 'sw', 'O')],
      ['emails.Value co example.com', cmp('emails.Value', 'co', 'example.com')],
      ['meta.Created gt 2015-10-10T14:38:21.8617979-07:00', cmp('meta.Created', 'gt', '2015-10-10T14:38:21.8617979-07:00')],
      ['externalId eq jyoung', cmp('externalId', 'eq', 'jyoung')],
      ["name.familyName eq O'Malley", cmp('name.familyName', 'eq', "O'Malley")],
      // Not a JSON number as a whole, so it keeps its leading zero.
      ['postalCode eq 01234', cmp('postalCode', 'eq', '01234')],
    ];
    for (const [input, expected] of cases) {
      const result = parseFilter(input);
      assert.deepEqual(result.filter, expected, input);
      assert.equal(result.leniencies.length, 1, input);
      assert.match(result.leniencies[0] ?? '', /bare word/);
    }
  });

  test('bare words stop at ) and ], and each is noted', () => {
    const result = parseFilter('name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)');
    assert.deepEqual(
      result.filter,
      and(cmp('name.FamilyName', 'eq', 'Employee'), or(cmp('emails.Value', 'co', 'example.com'), cmp('emails.Value', 'co', 'example.org'))),
    );
    assert.equal(result.leniencies.length, 3);
    assert.deepEqual(parseFilter('emails[type eq work]').filter, vp('emails', cmp('type', 'eq', 'work')));
  });
});

describe('parseFilter: errors name the position', () => {
  test('empty or blank input', () => {
    rejects('', /empty/);
    rejects('  \t ', /empty/);
  });

  test('unterminated string points at its opening quote', () => {
    rejects('userName eq "bjensen', /unterminated string/, 13);
    rejects(String.raw`userName eq "bjensen\"`, /unterminated string/, 13);
  });

  test('bad escapes and raw control characters', () => {
    rejects(String.raw`a eq "\x"`, /invalid escape/, 7);
    rejects(String.raw`a eq "\u12G4"`, /four hexadecimal digits/, 7);
    rejects('a eq "tab\there"', /control character U\+0009/, 10);
  });

  test('missing operator', () => {
    rejects('userName "bjensen"', /expected an operator .* after 'userName', found the string "bjensen"/, 10);
    rejects('userName', /expected an operator .*found the end of the filter/, 9);
    rejects('(userName)', /expected an operator/, 10);
  });

  test('unknown operator', () => {
    rejects('userName like "x"', /unknown operator 'like'/, 10);
    rejects('userName = "x"', /unknown operator '='/, 10);
  });

  test('pr with a value', () => {
    rejects('title pr "x"', /'pr' \(present\) operator takes no value/, 10);
    rejects('title pr 1', /takes no value/, 10);
  });

  test('missing or keyword value', () => {
    rejects('userName eq', /expected a value after 'eq'/, 12);
    rejects('userName eq )', /expected a value/, 13);
    rejects('userName eq (x)', /expected a value/, 13);
    rejects('userName eq and b pr', /found the keyword 'and'/, 13);
    rejects('a eq 1e999', /out of range/, 6);
  });

  test('trailing garbage', () => {
    rejects('userName eq "x" foo', /expected 'and', 'or' or the end of the filter, found 'foo'/, 17);
    rejects('userName eq "x" "y"', /found the string "y"/, 17);
    rejects('a pr and', /expected an attribute path, '\(' or 'not', found the end/, 9);
  });

  test('unbalanced parentheses and brackets', () => {
    rejects('(a pr', /missing '\)' to close the '\(' at character 1/, 6);
    rejects('a pr)', /unbalanced '\)'/, 5);
    rejects('emails[type eq "work"', /missing '\]' to close the '\[' at character 7/, 22);
    rejects('emails]', /expected an operator/, 7);
    rejects('a pr]', /unbalanced '\]'/, 5);
    rejects('(emails[type pr)]', /expected '\]' to close the '\[' at character 8, found '\)'/, 16);
    rejects('(a pr]', /expected '\)' to close the '\(' at character 1, found '\]'/, 6);
    rejects('(a pr b pr)', /expected 'and', 'or' or '\)' to close/, 7);
    rejects('()', /expected an attribute path/, 2);
  });

  test('not needs parentheses', () => {
    rejects('not a eq 1', /expected '\(' after 'not'/, 5);
    rejects('a pr and not', /expected '\(' after 'not'/, 13);
  });

  test('nested value paths', () => {
    rejects('a[b[c eq 1]]', /value filters cannot be nested/, 4);
    rejects('emails[type eq "work"].value[x pr]', /unknown operator|expected an operator/);
  });

  test("Entra's form needs an operator after .subAttr", () => {
    rejects('emails[type eq "work"].value', /expected an operator .* after '\.value'/, 29);
    rejects('emails[type eq "work"].value.x eq 1', /more than one '\.'/, 29);
  });

  test('invalid attribute paths', () => {
    rejects('1abc eq 1', /not a valid attribute name/, 1);
    rejects('user@name eq 1', /not a valid attribute name/, 5);
    rejects('name.given.x pr', /more than one '\.'/, 11);
    rejects('foo:bar pr', /only a schema URN/, 4);
    rejects('urn:foo pr', /not a valid schema URN/, 1);
    rejects(`${ENTERPRISE}: pr`, /expected an attribute name after the schema URN/);
    rejects('name. pr', /expected an attribute name/, 6);
    rejects('and pr', /expected an attribute path/, 1);
    rejects('"userName" eq 1', /expected an attribute path.*found the string/, 1);
  });

  test('details quote an excerpt of the input', () => {
    const long = `${'a pr and '.repeat(10)}b like 1${' and c pr'.repeat(10)}`;
    rejects(long, /unknown operator 'like'.*at character 93 in '…a pr and a pr and b like 1 and c pr and …'/);
  });
});

describe('parseFilter: limits', () => {
  test('maxLength: 4096 by default, configurable', () => {
    const exactly = `a eq "${'x'.repeat(4096 - 7)}"`;
    assert.equal(exactly.length, 4096);
    assert.equal(strict(exactly).kind, 'compare');
    rejects(`a eq "${'x'.repeat(4096 - 6)}"`, /4097 characters long; the limit is 4096/);
    rejects('userName eq "bjensen"', /limit is 10/, undefined, { maxLength: 10 });
  });

  test('maxDepth: 32 by default, counting parentheses, not and value paths', () => {
    const nest = (n: number): string => `${'('.repeat(n)}a pr${')'.repeat(n)}`;
    assert.deepEqual(strict(nest(32)), pr('a'));
    rejects(nest(33), /deeper than 32 levels/, 33);
    assert.deepEqual(strict(`${'not ('.repeat(31)}e[v pr]${')'.repeat(31)}`).kind, 'not');
    rejects(`${'not ('.repeat(32)}e[v pr]${')'.repeat(32)}`, /deeper than 32 levels/);
    rejects(nest(3), /deeper than 2 levels/, 3, { maxDepth: 2 });
  });

  test('20,000 open parentheses fail cleanly, whatever the limits', () => {
    const deep = '('.repeat(20_000);
    rejects(deep, /20000 characters long/);
    rejects(deep, /deeper than 32 levels/, 33, { maxLength: 1_000_000 });
    rejects(deep, /deeper than 1000 levels/, 1001, { maxLength: 1_000_000, maxDepth: 1000 });
    rejects('not ('.repeat(20_000), /deeper than 1000 levels/, undefined, { maxLength: 1_000_000, maxDepth: 1000 });
    rejects('a['.repeat(20_000), /nested|deeper/, undefined, { maxLength: 1_000_000, maxDepth: 1000 });
  });

  test('the deepest allowed nesting parses', () => {
    const input = `${'not ('.repeat(1000)}a pr${')'.repeat(1000)}`;
    let filter = parseFilter(input, { maxLength: 1_000_000, maxDepth: 1000 }).filter;
    for (let i = 0; i < 1000; i++) {
      assert.equal(filter.kind, 'not');
      if (filter.kind === 'not') filter = filter.filter;
    }
    assert.deepEqual(filter, pr('a'));
  });

  test('long and/or chains need no stack', () => {
    const input = Array.from({ length: 20_000 }, (_, i) => `a${i} pr`).join(' and ');
    const { filter } = parseFilter(input, { maxLength: 1_000_000 });
    assert.equal(filter.kind, 'and');
  });

  test('misconfigured limits are a RangeError, not a client error', () => {
    assert.throws(() => parseFilter('a pr', { maxDepth: 0 }), RangeError);
    assert.throws(() => parseFilter('a pr', { maxDepth: 1_000_000 }), RangeError);
    assert.throws(() => parseFilter('a pr', { maxLength: -1 }), RangeError);
  });
});

describe('parseFilter: random garbage', () => {
  const pieces = [
    'a',
    'userName',
    'emails',
    'value',
    '.',
    ':',
    'urn:ietf:params:scim:schemas:core:2.0:User:',
    '$ref',
    '$',
    '-',
    '_',
    ' ',
    ' ',
    ' ',
    '\t',
    '(',
    ')',
    '[',
    ']',
    '"',
    '"x"',
    '\\',
    '\\"',
    '\\u',
    '\\uD83D',
    '\\u00e9',
    '\\n',
    '\\q',
    'eq',
    'EQ',
    'co',
    'gt',
    'pr',
    'and',
    'or',
    'not',
    'Not',
    'true',
    'null',
    '0',
    '1',
    '-1.5e3',
    '1e999',
    '01',
    'é',
    '😀',
    '\ud800',
    '\u0000',
    '\n',
    '/',
    ',',
    '@',
    "'",
    '=',
    'x"y',
  ];

  const seeds = [
    'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    'emails[type eq "work" and value co "@example.com"] or not (ims[type eq "xmpp"])',
    'urn:ietf:params:scim:schemas:core:2.0:User:name.givenName sw "J" and title pr',
    'emails[type eq work].value eq x@y and meta.Created gt 2015-10-10T14:38:21-07:00',
    String.raw`a eq "\u00e9\"" or b ge -1.5e3 and c ne null`,
  ];
  const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  /** Half pure noise, half near-misses: valid filters with a few pieces inserted, deleted or replaced. */
  function garbage(random: () => number): string {
    if (random() < 0.5) {
      let input = '';
      const length = Math.floor(random() * 24);
      for (let j = 0; j < length; j++) input += pick(random, pieces);
      return input;
    }
    let input = pick(random, seeds);
    const edits = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (input.length + 1));
      const cut = random() < 0.5 ? Math.floor(random() * 4) : 0;
      const insert = random() < 0.7 ? pick(random, pieces) : '';
      input = input.slice(0, at) + insert + input.slice(at + cut);
    }
    return input;
  }

  test('5,000 random inputs either parse or throw ScimError invalidFilter', () => {
    const random = rng(20_240_601);
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const input = garbage(random);
      try {
        parseFilter(input);
        parsed++;
      } catch (error) {
        if (!(error instanceof ScimError)) assert.fail(`non-ScimError for ${JSON.stringify(input)}: ${String(error)}`);
        assert.equal(error.scimType, 'invalidFilter');
        assert.equal(error.status, 400);
        assert.match(error.detail, /^Invalid filter: /);
      }
    }
    // The near-misses are meant to reach deep into the grammar, so a fair share must still be valid.
    assert.ok(parsed > 250, `only ${parsed} inputs parsed`);
  });
});
