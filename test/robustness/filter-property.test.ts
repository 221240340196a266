/**
 * Issue 7 item 3: property-based and fuzz tests (fast-check) of the filter and PATCH-path parsers.
 * A parsed filter prints back to an equivalent filter; any input either parses or is refused with
 * a SCIM 400 (`invalidFilter` / `invalidPath`) — never another exception, never a stack overflow.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ScimError } from '../../src/scim/errors.js';
import type { Filter } from '../../src/scim/filter/ast.js';
import { parseFilter } from '../../src/scim/filter/parse-filter.js';
import { parsePatchPath } from '../../src/scim/filter/parse-patch-path.js';
import { printFilter } from '../../src/scim/filter/print-filter.js';
import { filterText, filterTree, mutatedFilterText } from './support/arbitraries.js';
import { reliability, sized } from './support/harness.js';

const RUNS = sized(2000, 50_000);

function refusedAs(error: unknown, scimType: 'invalidFilter' | 'invalidPath'): boolean {
  return error instanceof ScimError && error.status === 400 && error.scimType === scimType && error.detail.length > 0;
}

describe('filter parser: properties and fuzz (fast-check)', () => {
  it('parseFilter(printFilter(f)) deep-equals f for random filter trees', () => {
    fc.assert(
      fc.property(filterTree, (tree) => {
        const printed = printFilter(tree);
        const again = parseFilter(printed, { maxLength: 1_000_000, maxDepth: 1000 });
        assert.deepEqual(again.filter, tree);
        assert.deepEqual(again.leniencies, []);
      }),
      { numRuns: RUNS, seed: 7644 },
    );
    reliability('hostile.filter-round-trip', { trees: RUNS, failures: 0 });
  });

  it('any text either parses to a filter that prints and re-parses to itself, or is refused with 400 invalidFilter', () => {
    let parsed = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(mutatedFilterText, filterText, fc.string({ unit: 'binary', maxLength: 60 })), (text) => {
        let tree: Filter;
        try {
          tree = parseFilter(text).filter;
        } catch (error) {
          assert.ok(refusedAs(error, 'invalidFilter'), `unexpected ${String(error)} for ${JSON.stringify(text)}`);
          refused++;
          return;
        }
        parsed++;
        const printed = printFilter(tree);
        assert.deepEqual(parseFilter(printed, { maxLength: 1_000_000, maxDepth: 1000 }).filter, tree, `${JSON.stringify(text)} → ${printed}`);
      }),
      { numRuns: RUNS * 2, seed: 3442 },
    );
    reliability('hostile.filter-fuzz', { inputs: RUNS * 2, parsed, refusedWith400: refused, crashes: 0 });
  });

  it('any PATCH path either parses or is refused with 400 invalidPath', () => {
    let inputs = 0;
    fc.assert(
      fc.property(fc.oneof(mutatedFilterText, filterText, fc.string({ unit: 'binary', maxLength: 40 })), (text) => {
        inputs++;
        try {
          parsePatchPath(text);
        } catch (error) {
          assert.ok(refusedAs(error, 'invalidPath'), `unexpected ${String(error)} for ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: RUNS, seed: 3525 },
    );
    reliability('hostile.patch-path-fuzz', { inputs, crashes: 0 });
  });

  it('length and depth limits answer 400 invalidFilter, however deep the nesting', () => {
    const long = `userName eq "${'x'.repeat(5000)}"`;
    assert.throws(
      () => parseFilter(long),
      (e: unknown) => refusedAs(e, 'invalidFilter') && /limit is 4096/.test((e as ScimError).detail),
    );
    const deep = (n: number) => `${'('.repeat(n)}a pr${')'.repeat(n)}`;
    assert.doesNotThrow(() => parseFilter(deep(31)));
    assert.throws(
      () => parseFilter(deep(33)),
      (e: unknown) => refusedAs(e, 'invalidFilter') && /deeper than 32/.test((e as ScimError).detail),
    );
    // Far past the limit and past any stack: refused before recursing.
    for (const text of [deep(100_000), 'not ('.repeat(50_000), 'a['.repeat(50_000)]) {
      assert.throws(
        () => parseFilter(text, { maxLength: 10_000_000 }),
        (e: unknown) => refusedAs(e, 'invalidFilter'),
      );
    }
    // A long flat chain is not nesting: it costs no stack, and it is accepted when the length allows.
    assert.doesNotThrow(() => parseFilter(`${'a pr and '.repeat(40_000)}b pr`, { maxLength: 10_000_000, maxDepth: 32 }));
  });
});
