import { ScimError } from '../errors.js';

/** What is being parsed: picks the scimType and the noun used in error details. */
export type SyntaxSubject = 'filter' | 'path';

/** Throws a 400 for a syntax problem at `pos`; the signature the tokenizer and parser share. */
export type FailAt = (pos: number, message: string) => never;

// Long enough to recognise the spot, short enough that a 4 KB filter does not come back verbatim.
const EXCERPT_BEFORE = 20;
const EXCERPT_AFTER = 20;

/** Builds the `fail` function for one input: details name the 1-based character and quote around it. */
export function failureReporter(subject: SyntaxSubject, input: string): FailAt {
  return (pos, message) => {
    throw syntaxError(subject, `${message} (at character ${pos + 1} in ${excerpt(input, pos)})`);
  };
}

/** A 400 `invalidFilter` / `invalidPath` error with `detail` prefixed by the subject. */
export function syntaxError(subject: SyntaxSubject, message: string): ScimError {
  return subject === 'filter'
    ? ScimError.badRequest('invalidFilter', `Invalid filter: ${message}`)
    : ScimError.badRequest('invalidPath', `Invalid PATCH path: ${message}`);
}

/** The input around `pos` in single quotes, with `…` where it was cut. */
function excerpt(input: string, pos: number): string {
  const from = Math.max(0, pos - EXCERPT_BEFORE);
  const to = Math.min(input.length, pos + EXCERPT_AFTER);
  const head = from > 0 ? '…' : '';
  const tail = to < input.length ? '…' : '';
  return `'${head}${input.slice(from, to)}${tail}'`;
}
