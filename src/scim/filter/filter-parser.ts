import type { AttrPath, CompareOp, Filter, FilterValue, PatchPath } from './ast.js';
import { readAttrPath, readSubAttribute } from './attr-path.js';
import { failureReporter, syntaxError, type FailAt, type SyntaxSubject } from './syntax-error.js';
import { FilterTokenizer, type Token } from './tokenize-filter.js';

/*
 * Recursive-descent parser shared by `parseFilter` and `parsePatchPath` (RFC 7644 §3.4.2.2, §3.5.2):
 *
 *   or    = and *("or" and)            — chains are loops, so long chains cost no stack
 *   and   = unary *("and" unary)
 *   unary = "(" or ")" / "not" "(" or ")" / attrPath "[" or "]" ["." subAttr op] / attrPath op
 *
 * Only parentheses, `not` and value paths recurse, and each checks the depth limit first.
 */

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le or pr';
const VALUE_FORMS = 'a "quoted string", number, true, false or null';
// Words that cannot be a bare comparison value: reading them as strings would hide a missing value.
const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'pr', ...COMPARE_OPS]);
// RFC 8259 §6: a word is a number only if all of it is one, so `2015-10-10` or `01234` stay strings.
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** Where the expression being parsed ends: the input's end, or the closer of an open `(` / `[`. */
type Closer = { readonly kind: 'end' } | { readonly kind: 'rparen' | 'rbracket'; readonly openAt: number };

function isCompareOp(word: string): word is CompareOp {
  return COMPARE_OPS.has(word);
}

/** One parse of one input; collects notes about accepted non-RFC syntax in `leniencies`. */
export class FilterParser {
  /** Human-readable notes, one per non-RFC construct that was accepted. */
  readonly leniencies: string[] = [];
  private readonly tokens: FilterTokenizer;
  private readonly fail: FailAt;

  constructor(
    input: string,
    private readonly subject: SyntaxSubject,
    private readonly maxDepth: number,
  ) {
    this.fail = failureReporter(subject, input);
    // No stored value can hold U+0000 (PostgreSQL refuses it), so no filter or path may contain one.
    const nul = input.indexOf('\u0000');
    if (nul >= 0) this.fail(nul, `U+0000 cannot appear in a ${subject}`);
    this.tokens = new FilterTokenizer(input, this.fail);
  }

  /** FILTER spanning the whole input. */
  parseWholeFilter(): Filter {
    if (this.tokens.peek().kind === 'end') {
      throw syntaxError('filter', 'the filter is empty; expected an expression such as userName eq "bjensen"');
    }
    const filter = this.parseOr(0, false);
    this.expectCloser({ kind: 'end' });
    return filter;
  }

  /** PATH = attrPath / valuePath ["." subAttr], spanning the whole input. */
  parseWholePatchPath(): PatchPath {
    const first = this.tokens.next();
    if (first.kind === 'end') {
      throw syntaxError('path', 'the path is empty; expected e.g. name.givenName or emails[type eq "work"].value');
    }
    if (first.kind !== 'word') {
      return this.fail(first.start, `expected an attribute path, found ${this.describe(first)}`);
    }
    const path = readAttrPath(first.text, first.start, this.fail);
    const open = this.tokens.next();
    if (open.kind === 'end') return { path };
    if (open.kind !== 'lbracket') {
      const found = this.describe(open);
      return this.fail(open.start, `expected '[' or the end of the path after '${first.text}', found ${found}`);
    }
    this.checkDepth(open, 0);
    const valueFilter = this.parseOr(1, true);
    this.expectCloser({ kind: 'rbracket', openAt: open.start });
    this.tokens.next();
    const sub = this.tokens.next();
    if (sub.kind === 'end') return { path, valueFilter };
    if (sub.kind !== 'word' || !sub.text.startsWith('.')) {
      const found = this.describe(sub);
      return this.fail(sub.start, `expected '.subAttribute' or the end of the path after ']', found ${found}`);
    }
    const subAttribute = readSubAttribute(sub.text, sub.start, this.fail);
    const end = this.tokens.next();
    if (end.kind !== 'end') {
      return this.fail(end.start, `expected the end of the path after '${sub.text}', found ${this.describe(end)}`);
    }
    return { path, valueFilter, subAttribute };
  }

  private parseOr(depth: number, inBrackets: boolean): Filter {
    let left = this.parseAnd(depth, inBrackets);
    while (this.peekKeyword('or')) {
      this.tokens.next();
      left = { kind: 'or', left, right: this.parseAnd(depth, inBrackets) };
    }
    return left;
  }

  private parseAnd(depth: number, inBrackets: boolean): Filter {
    let left = this.parseUnary(depth, inBrackets);
    while (this.peekKeyword('and')) {
      this.tokens.next();
      left = { kind: 'and', left, right: this.parseUnary(depth, inBrackets) };
    }
    return left;
  }

  private parseUnary(depth: number, inBrackets: boolean): Filter {
    const token = this.tokens.next();
    if (token.kind === 'lparen') return this.parseGroup(token, depth, inBrackets);
    if (token.kind !== 'word') {
      return this.fail(token.start, `expected an attribute path, '(' or 'not', found ${this.describe(token)}`);
    }
    const word = token.text.toLowerCase();
    if (word === 'not') {
      const open = this.tokens.next();
      if (open.kind !== 'lparen') {
        const found = this.describe(open);
        return this.fail(open.start, `expected '(' after 'not' (RFC 7644 writes not (filter)), found ${found}`);
      }
      return { kind: 'not', filter: this.parseGroup(open, depth, inBrackets) };
    }
    if (word === 'and' || word === 'or') {
      const message = `expected an attribute path, '(' or 'not' before '${token.text}', found the keyword itself`;
      return this.fail(token.start, message);
    }
    return this.parseAttrExpression(token, depth, inBrackets);
  }

  /** The inside of `(…)` whose `(` is `open` (already consumed), up to and including the `)`. */
  private parseGroup(open: Token, depth: number, inBrackets: boolean): Filter {
    this.checkDepth(open, depth);
    const inner = this.parseOr(depth + 1, inBrackets);
    this.expectCloser({ kind: 'rparen', openAt: open.start });
    this.tokens.next();
    return inner;
  }

  /** `attrPath op value`, `attrPath pr`, or a value path, starting from the consumed path word. */
  private parseAttrExpression(token: Extract<Token, { kind: 'word' }>, depth: number, inBrackets: boolean): Filter {
    const path = readAttrPath(token.text, token.start, this.fail);
    const open = this.tokens.peek();
    if (open.kind !== 'lbracket') return this.parseOperation(path, token.text);
    if (inBrackets) {
      return this.fail(open.start, `value filters cannot be nested: '${token.text}[' appears inside another '[…]'`);
    }
    this.tokens.next();
    this.checkDepth(open, depth);
    const filter = this.parseOr(depth + 1, true);
    this.expectCloser({ kind: 'rbracket', openAt: open.start });
    this.tokens.next();
    const sub = this.tokens.peek();
    if (sub.kind !== 'word' || !sub.text.startsWith('.')) return { kind: 'valuePath', path, filter };
    // Entra ID sends `emails[type eq "work"].value eq "x"`; it means one element matching both tests.
    this.tokens.next();
    const subAttribute = readSubAttribute(sub.text, sub.start, this.fail);
    const subFilter = this.parseOperation({ attribute: subAttribute }, sub.text);
    const operation = describeOperation(subFilter);
    this.leniencies.push(
      `'${token.text}[…]${sub.text} ${operation}' at character ${token.start + 1} (Entra ID form, not RFC 7644) ` +
        `was read as ${token.text}[… and ${subAttribute} ${operation}]: one element must match both`,
    );
    return { kind: 'valuePath', path, filter: { kind: 'and', left: filter, right: subFilter } };
  }

  /** The operator and value after a path; `pathText` is the path as written, for messages. */
  private parseOperation(path: AttrPath, pathText: string): Filter {
    const opToken = this.tokens.next();
    if (opToken.kind !== 'word') {
      const found = this.describe(opToken);
      return this.fail(opToken.start, `expected an operator (${OPERATOR_LIST}) after '${pathText}', found ${found}`);
    }
    const op = opToken.text.toLowerCase();
    if (op === 'pr') {
      this.rejectValueAfterPresent();
      return { kind: 'present', path };
    }
    if (!isCompareOp(op)) {
      const message = `unknown operator '${opToken.text}' after '${pathText}'; expected ${OPERATOR_LIST}`;
      return this.fail(opToken.start, message);
    }
    return { kind: 'compare', path, op, value: this.parseValue(op) };
  }

  /** A literal right after `pr` is a classic mistake (`title pr "x"`) and deserves its own message. */
  private rejectValueAfterPresent(): void {
    const next = this.tokens.peek();
    const isLiteral = next.kind === 'word' && (JSON_NUMBER.test(next.text) || /^(?:true|false|null)$/i.test(next.text));
    if (next.kind === 'string' || isLiteral) {
      const found = this.describe(next);
      this.fail(next.start, `the 'pr' (present) operator takes no value, found ${found}; write e.g. title pr`);
    }
  }

  /** A comparison value: JSON string, number, true/false/null, or (leniently) a bare word as a string. */
  private parseValue(op: CompareOp): FilterValue {
    const token = this.tokens.nextValue();
    if (token.kind === 'string') return token.value;
    if (token.kind !== 'word') {
      return this.fail(token.start, `expected a value after '${op}' (${VALUE_FORMS}), found ${this.describe(token)}`);
    }
    const { text } = token;
    if (JSON_NUMBER.test(text)) {
      const number = Number(text);
      if (!Number.isFinite(number)) return this.fail(token.start, `the number ${text} is out of range`);
      return number;
    }
    const lower = text.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (KEYWORDS.has(lower)) {
      return this.fail(token.start, `expected a value after '${op}' (${VALUE_FORMS}), found the keyword '${text}'`);
    }
    this.leniencies.push(`bare word '${text}' at character ${token.start + 1} was read as the string ${JSON.stringify(text)} (RFC 7644 requires a "quoted" JSON string)`);
    return text;
  }

  /** Fails unless the next token ends the current expression; the closer itself is left unconsumed. */
  private expectCloser(closer: Closer): void {
    const token = this.tokens.peek();
    if (token.kind === closer.kind) return;
    if (closer.kind === 'end') {
      if (token.kind === 'rparen') return this.fail(token.start, `unbalanced ')': there is no '(' for it to close`);
      if (token.kind === 'rbracket') return this.fail(token.start, `unbalanced ']': there is no '[' for it to close`);
      const found = this.describe(token);
      return this.fail(token.start, `expected 'and', 'or' or the end of the ${this.subject}, found ${found}`);
    }
    const close = closer.kind === 'rparen' ? ')' : ']';
    const open = closer.kind === 'rparen' ? '(' : '[';
    const matching = `'${close}' to close the '${open}' at character ${closer.openAt + 1}`;
    if (token.kind === 'end') return this.fail(token.start, `missing ${matching}`);
    if (token.kind === 'rparen' || token.kind === 'rbracket') {
      return this.fail(token.start, `expected ${matching}, found ${this.describe(token)}`);
    }
    return this.fail(token.start, `expected 'and', 'or' or ${matching}, found ${this.describe(token)}`);
  }

  /** Entering `(`, `not (` or `[` at `open` adds one level; refuse before recursing, not after. */
  private checkDepth(open: Token, depth: number): void {
    if (depth + 1 > this.maxDepth) {
      const limit = `${this.maxDepth} levels of parentheses, 'not' and value filters`;
      this.fail(open.start, `nesting is deeper than ${limit}; simplify the ${this.subject}`);
    }
  }

  private peekKeyword(keyword: 'and' | 'or'): boolean {
    const token = this.tokens.peek();
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private describe(token: Token): string {
    switch (token.kind) {
      case 'end':
        return `the end of the ${this.subject}`;
      case 'lparen':
        return "'('";
      case 'rparen':
        return "')'";
      case 'lbracket':
        return "'['";
      case 'rbracket':
        return "']'";
      case 'word':
        return `'${shorten(token.text)}'`;
      case 'string':
        return `the string ${shorten(JSON.stringify(token.value))}`;
    }
  }
}

/** `eq "x"` / `pr` for a leniency note about the comparison that followed `].sub`. */
function describeOperation(filter: Filter): string {
  if (filter.kind === 'compare') return `${filter.op} ${shorten(JSON.stringify(filter.value))}`;
  return 'pr';
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
