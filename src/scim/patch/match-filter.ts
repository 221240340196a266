/**
 * In-memory evaluation of a PATCH value filter (`emails[type eq "work"]`) against one element of
 * a multi-valued attribute, with the comparison rules of RFC 7644 §3.4.2.2.
 */
import type { JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import { ScimError } from '../errors.js';
import type { AttrPath, CompareOp, Filter, FilterValue } from '../filter/ast.js';
import type { AttributeDefinition } from '../schemas/attribute.js';
import { findAttribute } from '../schemas/registry.js';
import { isUnassigned } from './attribute-value.js';

/**
 * The definition a filter path names inside an element of `attribute`: a sub-attribute (`type`),
 * the same written in full (`emails.type`), or for a simple multi-valued attribute `value`, the
 * element itself (RFC 7644 §3.4.2.2). Throws 400 invalidPath for anything else.
 */
export function filterTarget(path: AttrPath, attribute: AttributeDefinition): AttributeDefinition {
  const sameAttribute = path.attribute.toLowerCase() === attribute.name.toLowerCase();
  const name = sameAttribute && path.subAttribute !== undefined ? path.subAttribute : path.attribute;
  const nested = !sameAttribute && path.subAttribute !== undefined;
  if (attribute.subAttributes === undefined) {
    if (name.toLowerCase() === 'value' && !nested) return { ...attribute, multiValued: false };
  } else {
    const sub = nested ? undefined : findAttribute(attribute.subAttributes, name);
    if (sub) return sub;
  }
  const written = path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
  throw ScimError.badRequest('invalidPath', `"${attribute.name}" has no sub-attribute "${written}" to filter on.`);
}

/** Throws the error `matchesFilter` would, without an element: filters are checked even on empty lists. */
export function checkFilter(filter: Filter, attribute: AttributeDefinition): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      checkFilter(filter.left, attribute);
      checkFilter(filter.right, attribute);
      return;
    case 'not':
      checkFilter(filter.filter, attribute);
      return;
    case 'present':
      filterTarget(filter.path, attribute);
      return;
    case 'compare':
      checkOperator(filterTarget(filter.path, attribute), filter.op);
      return;
    case 'valuePath':
      throw ScimError.badRequest('invalidFilter', 'A value filter cannot contain another value filter (RFC 7644 §3.4.2.2).');
  }
}

/** True when `element` (one value of the multi-valued `attribute`) satisfies `filter`. */
export function matchesFilter(element: JsonValue, filter: Filter, attribute: AttributeDefinition): boolean {
  switch (filter.kind) {
    case 'and':
      return matchesFilter(element, filter.left, attribute) && matchesFilter(element, filter.right, attribute);
    case 'or':
      return matchesFilter(element, filter.left, attribute) || matchesFilter(element, filter.right, attribute);
    case 'not':
      return !matchesFilter(element, filter.filter, attribute);
    case 'present':
      return !isUnassigned(read(element, filter.path, attribute)) && read(element, filter.path, attribute) !== '';
    case 'compare': {
      const definition = filterTarget(filter.path, attribute);
      checkOperator(definition, filter.op);
      return compare(read(element, filter.path, attribute), filter.op, filter.value, definition);
    }
    case 'valuePath':
      throw ScimError.badRequest('invalidFilter', 'A value filter cannot contain another value filter (RFC 7644 §3.4.2.2).');
  }
}

function read(element: JsonValue, path: AttrPath, attribute: AttributeDefinition): JsonValue | undefined {
  const definition = filterTarget(path, attribute);
  if (attribute.subAttributes === undefined) return element;
  if (!isJsonObject(element)) return undefined;
  // Stored elements use canonical names; filter names are matched case-insensitively (RFC 7643 §2.1).
  return element[definition.name];
}

const ORDERING: readonly CompareOp[] = ['gt', 'ge', 'lt', 'le'];
const SUBSTRING: readonly CompareOp[] = ['co', 'sw', 'ew'];

/** RFC 7644 §3.4.2.2: ordering on boolean or binary, and substring operators on non-strings, are 400 invalidFilter. */
function checkOperator(definition: AttributeDefinition, op: CompareOp): void {
  const type = definition.type;
  const ordering = ORDERING.includes(op);
  const substring = SUBSTRING.includes(op);
  const textual = type === 'string' || type === 'reference' || type === 'dateTime';
  if ((ordering && (type === 'boolean' || type === 'binary' || type === 'complex')) || (substring && !textual && type !== 'binary')) {
    throw ScimError.badRequest('invalidFilter', `Operator "${op}" cannot be used on "${definition.name}" (type ${type}).`);
  }
}

function compare(actual: JsonValue | undefined, op: CompareOp, expected: FilterValue, definition: AttributeDefinition): boolean {
  if (actual === undefined || actual === null) {
    // An unassigned value equals only `null`; `ne` anything else holds.
    if (op === 'eq') return expected === null;
    if (op === 'ne') return expected !== null;
    return false;
  }
  if (expected === null) return op === 'ne';
  if (typeof actual === 'string' && typeof expected === 'string') return compareText(actual, op, expected, definition);
  if (typeof actual === 'number' && typeof expected === 'number') return ordered(actual, op, expected);
  if (typeof actual === 'boolean' && typeof expected === 'boolean') {
    return op === 'eq' ? actual === expected : op === 'ne' ? actual !== expected : false;
  }
  // Different JSON types never compare equal.
  return op === 'ne';
}

function compareText(actual: string, op: CompareOp, expected: string, definition: AttributeDefinition): boolean {
  if (definition.type === 'dateTime' && ORDERING.includes(op)) {
    const a = Date.parse(actual);
    const b = Date.parse(expected);
    if (!Number.isNaN(a) && !Number.isNaN(b)) return ordered(a, op, b);
  }
  // caseExact false (the default) compares case-insensitively (RFC 7643 §2.2, RFC 7644 §3.4.2.2).
  const fold = !definition.caseExact && definition.type !== 'binary';
  const a = fold ? actual.toLowerCase() : actual;
  const b = fold ? expected.toLowerCase() : expected;
  switch (op) {
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    default:
      return ordered(a, op, b);
  }
}

function ordered<T extends string | number>(a: T, op: CompareOp, b: T): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
    default:
      return false;
  }
}
