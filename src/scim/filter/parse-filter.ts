import type { Filter } from './ast.js';
import { FilterParser } from './filter-parser.js';
import { resolveLimits } from './limits.js';
import { syntaxError } from './syntax-error.js';

export { DEFAULT_FILTER_LIMITS, MAX_FILTER_DEPTH_CEILING } from './limits.js';

/** A parsed filter plus one note per non-RFC form that was accepted (bare words, Entra's `].value eq`). */
export type FilterParseResult = { filter: Filter; leniencies: string[] };

/** `maxLength` in characters (default 4096); `maxDepth` of `(`/`not`/`[` nesting (default 32, at most 1000). */
export type FilterLimits = { maxLength?: number; maxDepth?: number };

/** Parses a SCIM filter (RFC 7644 §3.4.2.2); throws ScimError 400 `invalidFilter` with a positioned detail. */
export function parseFilter(input: string, limits: FilterLimits = {}): FilterParseResult {
  const { maxLength, maxDepth } = resolveLimits(limits);
  // Checked before any scanning so an oversized filter costs nothing.
  if (input.length > maxLength) {
    throw syntaxError('filter', `the filter is ${input.length} characters long; the limit is ${maxLength}`);
  }
  const parser = new FilterParser(input, 'filter', maxDepth);
  const filter = parser.parseWholeFilter();
  return { filter, leniencies: parser.leniencies };
}
