import type { AttrPath, Filter, FilterValue } from './ast.js';
import { isAttrName, isSchemaUrn } from './attr-path.js';

/** Prints canonical RFC 7644 syntax that `parseFilter` reads back to the same tree; RangeError if none exists. */
export function printFilter(filter: Filter): string {
  // Lower-case keywords, JSON literals, and parentheses only where the parser would otherwise build
  // a different tree. Trees no filter can express (invalid names, nested value paths, non-finite
  // numbers) are refused rather than printed as something that means another thing.
  return print(filter, false);
}

function print(filter: Filter, inValuePath: boolean): string {
  switch (filter.kind) {
    case 'compare':
      return `${printPath(filter.path)} ${filter.op} ${printValue(filter.value)}`;
    case 'present':
      return `${printPath(filter.path)} pr`;
    case 'not':
      return `not (${print(filter.filter, inValuePath)})`;
    // `and`/`or` chains parse left-associatively: a right operand of the same operator needs
    // parentheses, a left one does not.
    case 'and': {
      const left = print(filter.left, inValuePath);
      const right = print(filter.right, inValuePath);
      // `and` binds tighter than `or`, so an `or` operand needs parentheses on either side.
      const wrapLeft = filter.left.kind === 'or';
      const wrapRight = filter.right.kind === 'or' || filter.right.kind === 'and';
      return `${wrap(left, wrapLeft)} and ${wrap(right, wrapRight)}`;
    }
    case 'or': {
      const left = print(filter.left, inValuePath);
      const right = print(filter.right, inValuePath);
      return `${left} or ${wrap(right, filter.right.kind === 'or')}`;
    }
    case 'valuePath':
      if (inValuePath) throw new RangeError('cannot print a value path inside a value path filter (SCIM has no nesting)');
      return `${printPath(filter.path)}[${print(filter.filter, true)}]`;
  }
}

function wrap(text: string, needed: boolean): string {
  return needed ? `(${text})` : text;
}

function printPath(path: AttrPath): string {
  checkName(path.attribute);
  let text = path.attribute;
  if (path.subAttribute !== undefined) {
    checkName(path.subAttribute);
    text += `.${path.subAttribute}`;
  } else if (path.schema === undefined && /^(?:and|or|not)$/i.test(path.attribute)) {
    // Alone, these words would be read as keywords.
    throw new RangeError(`cannot print attribute '${path.attribute}': it would be read as a keyword`);
  }
  if (path.schema === undefined) return text;
  if (!isSchemaUrn(path.schema)) throw new RangeError(`cannot print schema URN '${path.schema}'`);
  return `${path.schema}:${text}`;
}

function checkName(name: string): void {
  if (!isAttrName(name)) throw new RangeError(`cannot print attribute name '${name}'`);
}

function printValue(value: FilterValue): string {
  // The parser refuses U+0000 in a value (nothing stored can hold it), so no filter text has one.
  if (typeof value === 'string' && value.includes('\u0000')) throw new RangeError('cannot print a value containing U+0000');
  if (typeof value !== 'number') return JSON.stringify(value);
  if (!Number.isFinite(value)) throw new RangeError(`cannot print the number ${value}: JSON has no such literal`);
  // JSON.stringify(-0) is "0", which would parse back as +0.
  return Object.is(value, -0) ? '-0' : JSON.stringify(value);
}
