import type { FailAt } from './syntax-error.js';

/**
 * On-demand tokenizer for SCIM filters and PATCH paths. It is pulled by the parser rather than run
 * up front because a comparison value is lexed differently from everything else: a lenient bare
 * word such as `2015-10-10T14:38:21.86-07:00` or `example.com` runs up to whitespace, `)` or `]`.
 */

/** A lexed token; `start`/`end` are 0-based offsets into the input (end exclusive). */
export type Token =
  | {
      readonly kind: 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'end';
      readonly start: number;
      readonly end: number;
    }
  /** Keyword, operator, attribute path, `.subAttr`, or (in value position) a number, literal or bare word. */
  | { readonly kind: 'word'; readonly start: number; readonly end: number; readonly text: string }
  /** A JSON string literal, already unescaped. */
  | { readonly kind: 'string'; readonly start: number; readonly end: number; readonly value: string };

const PUNCTUATION: Readonly<Record<string, 'lparen' | 'rparen' | 'lbracket' | 'rbracket'>> = {
  '(': 'lparen',
  ')': 'rparen',
  '[': 'lbracket',
  ']': 'rbracket',
};

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** RFC 7644 asks for one SP; clients send runs of spaces and tabs, and pretty-printed bodies add newlines. */
function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Ends a structural word: whitespace, brackets, parentheses, or the start of a string. */
function endsWord(ch: string): boolean {
  return isSpace(ch) || ch in PUNCTUATION || ch === '"';
}

/** Ends a bare comparison value: only whitespace and the closers, so dates, URLs and `O'Malley` stay whole. */
function endsBareValue(ch: string): boolean {
  return isSpace(ch) || ch === ')' || ch === ']';
}

/** Pull tokenizer over one input; one token of lookahead in structural position. */
export class FilterTokenizer {
  private pos = 0;
  private peeked: Token | undefined;

  constructor(
    private readonly input: string,
    private readonly fail: FailAt,
  ) {}

  /** The next structural token without consuming it. */
  peek(): Token {
    this.peeked ??= this.scan(endsWord);
    return this.peeked;
  }

  /** Consumes and returns the next structural token. */
  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  /**
   * Consumes a comparison value: a JSON string, or a word running to whitespace, `)` or `]` (the
   * caller decides whether it is a number, a literal or a lenient bare word). `(` and `[` are
   * returned as themselves so the caller can report a missing value.
   */
  nextValue(): Token {
    // A peeked token was lexed with the structural rules; reusing it would split bare words wrongly.
    if (this.peeked !== undefined) throw new Error('FilterTokenizer.nextValue called after peek');
    return this.scan(endsBareValue);
  }

  private scan(ends: (ch: string) => boolean): Token {
    const { input } = this;
    while (isSpace(input[this.pos])) this.pos++;
    const start = this.pos;
    const ch = input[start];
    if (ch === undefined) return { kind: 'end', start, end: start };
    const punctuation = PUNCTUATION[ch];
    // Also in value position: `)`/`]` close the group, and `(`/`[` cannot start a value (the parser says so).
    if (punctuation !== undefined) {
      this.pos = start + 1;
      return { kind: punctuation, start, end: this.pos };
    }
    if (ch === '"') return this.scanString(start);
    let end = start + 1;
    while (end < input.length && !ends(input[end] as string)) end++;
    this.pos = end;
    return { kind: 'word', start, end, text: input.slice(start, end) };
  }

  /** A JSON string (RFC 8259 §7): every escape, `\uXXXX` pairs combine naturally in UTF-16. */
  private scanString(start: number): Token {
    const { input } = this;
    const unterminated = "unterminated string: expected a closing '\"' for the string that starts here";
    let value = '';
    let i = start + 1;
    for (;;) {
      const ch = input[i];
      if (ch === undefined) return this.fail(start, unterminated);
      if (ch === '"') break;
      if (ch < ' ') {
        const code = ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
        return this.fail(i, `control character U+${code} inside a string must be escaped (for example \\n or \\u${code})`);
      }
      if (ch !== '\\') {
        value += ch;
        i++;
        continue;
      }
      const escape = input[i + 1];
      if (escape === undefined) return this.fail(start, unterminated);
      const simple = SIMPLE_ESCAPES[escape];
      if (simple !== undefined) {
        value += simple;
        i += 2;
      } else if (escape === 'u') {
        const hex = input.slice(i + 2, i + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
          return this.fail(i, 'invalid \\u escape: expected exactly four hexadecimal digits after \\u');
        }
        // No stored value can hold U+0000 (PostgreSQL refuses it), so no comparison with it means anything.
        if (parseInt(hex, 16) === 0) return this.fail(i, 'U+0000 (\\u0000) cannot appear in a value');
        value += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else {
        const expected = String.raw`\" \\ \/ \b \f \n \r \t \uXXXX`;
        return this.fail(i, `invalid escape '\\${escape}' in string: expected one of ${expected}`);
      }
    }
    this.pos = i + 1;
    return { kind: 'string', start, end: this.pos, value };
  }
}
