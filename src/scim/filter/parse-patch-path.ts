import type { PatchPath } from './ast.js';
import { FilterParser } from './filter-parser.js';
import { DEFAULT_FILTER_LIMITS } from './limits.js';
import { syntaxError } from './syntax-error.js';

/** Parses a PATCH `path` (RFC 7644 §3.5.2: attrPath / valuePath ["." subAttr]); throws ScimError 400 `invalidPath`. */
export function parsePatchPath(input: string): PatchPath {
  const { maxLength, maxDepth } = DEFAULT_FILTER_LIMITS;
  if (input.length > maxLength) {
    throw syntaxError('path', `the path is ${input.length} characters long; the limit is ${maxLength}`);
  }
  // The bracket filter accepts what parseFilter accepts. Its leniencies are dropped: PatchPath has
  // no place for them, and what the operation does does not depend on them.
  return new FilterParser(input, 'path', maxDepth).parseWholePatchPath();
}
