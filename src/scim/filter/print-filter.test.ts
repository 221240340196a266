import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttrPath, CompareOp, Filter, FilterValue } from './ast.js';
import { parseFilter } from './parse-filter.js';
import { printFilter } from './print-filter.js';
import { seededRandom as rng } from '../../testing/seeded-random.js';

const pr = (attribute: string): Filter => ({ kind: 'present', path: { attribute } });
const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });

/** Parse, print, and check the printed form parses back to the same tree with no leniency. */
function canonical(input: string): string {
  const { filter } = parseFilter(input);
  const printed = printFilter(filter);
  const again = parseFilter(printed);
  assert.deepEqual(again.filter, filter);
  assert.deepEqual(again.leniencies, []);
  return printed;
}

describe('printFilter: canonical form', () => {
  test('RFC 7644 §3.4.2.2 examples print as written', () => {
    for (const input of [
      'userName eq "bjensen"',
      `name.familyName co "O'Malley"`,
      'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
      'title pr',
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      'title pr and userType eq "Employee"',
      'title pr or userType eq "Intern"',
      'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    ]) {
      assert.equal(canonical(input), input);
    }
  });

  test('lower-case keywords, single spaces, redundant parentheses dropped', () => {
    assert.equal(canonical('  userName   EQ "x" AND (((title PR)))'), 'userName eq "x" and title pr');
    assert.equal(canonical('NOT(a Pr)'), 'not (a pr)');
    assert.equal(canonical('userType eq "Employee" and (emails.type eq "work")'), 'userType eq "Employee" and emails.type eq "work"');
  });

  test('parentheses only where the tree needs them', () => {
    assert.equal(printFilter(and(or(pr('a'), pr('b')), pr('c'))), '(a pr or b pr) and c pr');
    assert.equal(printFilter(and(pr('a'), or(pr('b'), pr('c')))), 'a pr and (b pr or c pr)');
    assert.equal(printFilter(or(pr('a'), and(pr('b'), pr('c')))), 'a pr or b pr and c pr');
    assert.equal(printFilter(or(and(pr('a'), pr('b')), pr('c'))), 'a pr and b pr or c pr');
    assert.equal(printFilter(and(and(pr('a'), pr('b')), pr('c'))), 'a pr and b pr and c pr');
    assert.equal(printFilter(and(pr('a'), and(pr('b'), pr('c')))), 'a pr and (b pr and c pr)');
    assert.equal(printFilter(or(pr('a'), or(pr('b'), pr('c')))), 'a pr or (b pr or c pr)');
  });

  test('values print as JSON', () => {
    assert.equal(canonical(String.raw`a eq "q\"b\\s\/\b\f\n\r\t\u0001"`), String.raw`a eq "q\"b\\s/\b\f\n\r\t\u0001"`);
    assert.equal(canonical(String.raw`a eq "\ud83d\ude00"`), 'a eq "😀"');
    assert.equal(canonical('a eq -1.5E3 or b eq 1e21 or c eq 0.1'), 'a eq -1500 or b eq 1e+21 or c eq 0.1');
    assert.equal(canonical('a eq -0'), 'a eq -0');
    assert.equal(canonical('a eq TRUE or b eq False or c eq NULL'), 'a eq true or b eq false or c eq null');
  });

  test('lenient input prints as RFC syntax', () => {
    assert.equal(canonical('emails[type eq "work"].value eq "x@y"'), 'emails[type eq "work" and value eq "x@y"]');
    assert.equal(canonical('userName sw O and meta.Created gt 2015-10-10T14:38:21-07:00'), 'userName sw "O" and meta.Created gt "2015-10-10T14:38:21-07:00"');
  });

  test('trees no filter can express are a RangeError', () => {
    const compare = (path: AttrPath, value: FilterValue = 1): Filter => ({ kind: 'compare', path, op: 'eq', value });
    const inner: Filter = { kind: 'valuePath', path: { attribute: 'b' }, filter: pr('c') };
    for (const bad of [
      compare({ attribute: '1st' }),
      compare({ attribute: 'a', subAttribute: 'b c' }),
      compare({ attribute: 'and' }),
      compare({ schema: 'not a urn', attribute: 'a' }),
      compare({ attribute: 'a' }, Number.NaN),
      compare({ attribute: 'a' }, Number.POSITIVE_INFINITY),
      compare({ attribute: 'a' }, 'nul \u0000 inside'),
      { kind: 'valuePath', path: { attribute: 'a' }, filter: inner } satisfies Filter,
    ]) {
      assert.throws(() => printFilter(bad), RangeError);
    }
  });
});

describe('printFilter: round trip over random trees', () => {
  const OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
  // Includes names that are keywords elsewhere: they are legal wherever a keyword cannot stand.
  const NAMES = ['userName', 'name', 'emails', 'value', 'type', '$ref', '$REF', 'x-y_1', 'eq', 'PR', 'true', 'null', 'urn', 'a'];
  const SCHEMAS = ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'URN:Example:v1.2:Thing', 'urn:x-y:a:b'];
  // No U+0000: the parser refuses it in values (PostgreSQL cannot store it), so no filter text holds it.
  const STRING_CHARS = ['a', 'Z', '0', ' ', '"', '\\', '/', "'", '(', ')', '[', ']', '\n', '\t', '\u0001', '\u001f', 'é', '😀', '\ud800', '\udfff', '\u2028'];

  function makeGen(random: () => number) {
    const int = (n: number): number => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;

    function name(): string {
      if (random() < 0.6) return pick(NAMES);
      const alphabet = 'abcXYZ09-_';
      let text = pick([...'abcdefXYZ']);
      for (let i = int(8); i > 0; i--) text += pick([...alphabet]);
      return text;
    }

    function path(): AttrPath {
      const schema = random() < 0.2 ? pick(SCHEMAS) : undefined;
      const sub = random() < 0.3 ? name() : undefined;
      let attribute = name();
      // Alone, `and`/`or`/`not` would be keywords; the printer refuses them, so the generator does too.
      while (schema === undefined && sub === undefined && /^(?:and|or|not)$/i.test(attribute)) attribute = name();
      return {
        ...(schema === undefined ? {} : { schema }),
        attribute,
        ...(sub === undefined ? {} : { subAttribute: sub }),
      };
    }

    function value(): FilterValue {
      switch (int(6)) {
        case 0: {
          let text = '';
          for (let i = int(8); i > 0; i--) text += pick(STRING_CHARS);
          return text;
        }
        case 1:
          return pick(['and', 'true', 'null', '1', '', 'example.com']);
        case 2:
          return int(2000) - 1000;
        case 3: {
          const number = (random() - 0.5) * 10 ** (int(60) - 30);
          return random() < 0.05 ? -0 : number;
        }
        case 4:
          return random() < 0.5;
        default:
          return null;
      }
    }

    function filter(depth: number, inValuePath: boolean): Filter {
      if (depth <= 0 || random() < 0.3) {
        return random() < 0.8 ? { kind: 'compare', path: path(), op: pick(OPS), value: value() } : { kind: 'present', path: path() };
      }
      const choice = int(inValuePath ? 3 : 4);
      if (choice === 0) return { kind: 'and', left: filter(depth - 1, inValuePath), right: filter(depth - 1, inValuePath) };
      if (choice === 1) return { kind: 'or', left: filter(depth - 1, inValuePath), right: filter(depth - 1, inValuePath) };
      if (choice === 2) return { kind: 'not', filter: filter(depth - 1, inValuePath) };
      return { kind: 'valuePath', path: path(), filter: filter(depth - 1, true) };
    }

    return { filter };
  }

  test('parseFilter(printFilter(tree)) deep-equals tree for 3,000 random trees', () => {
    const gen = makeGen(rng(7644));
    for (let i = 0; i < 3000; i++) {
      const tree = gen.filter(1 + (i % 7), false);
      const printed = printFilter(tree);
      const result = parseFilter(printed, { maxLength: 1_000_000 });
      assert.deepEqual(result.filter, tree, `round trip failed for ${printed}`);
      assert.deepEqual(result.leniencies, [], `printed form needed leniency: ${printed}`);
    }
  });
});
