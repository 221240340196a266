/**
 * One PATCH operation applied to the current value of one attribute (RFC 7644 §3.5.2.1–3).
 * Pure: takes the current value, returns the next one and which list elements it wrote.
 */
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import { ScimError } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import type { AttributeDefinition } from '../schemas/attribute.js';
import { canonicalComplex, canonicalElement, canonicalList, checkSimpleValue, jsonEqual, mergeComplex, withoutNulls } from './attribute-value.js';
import { matchesFilter } from './match-filter.js';
import type { PatchOpName } from './patch-request.js';

/** An operation resolved to one attribute: `sub` is the sub-attribute written after the name or after `]`. */
export interface AttributeOperation {
  readonly op: PatchOpName;
  readonly attribute: AttributeDefinition;
  /** Canonical path of the attribute, for messages. */
  readonly label: string;
  readonly sub?: AttributeDefinition;
  readonly filter?: Filter;
  readonly value?: JsonValue;
}

/** The attribute's next value (undefined = unassigned) and the indices of list elements written. */
export interface AttributeResult {
  readonly next: JsonValue | undefined;
  readonly touched: readonly number[];
}

/** Applies `operation` to `current`; readOnly sub-attributes dropped from values are added to `ignored`. */
export function patchAttribute(current: JsonValue | undefined, operation: AttributeOperation, ignored: string[]): AttributeResult {
  const { attribute, sub, value, op, label } = operation;
  if (attribute.multiValued) return patchList(Array.isArray(current) ? current : [], operation, ignored);
  if (op === 'remove' || value === null || value === undefined) {
    // A null value unassigns, like remove (RFC 7643 §2.5); a value sent with remove is ignored.
    return { next: sub === undefined ? undefined : withoutKey(current, sub.name), touched: [] };
  }
  if (sub !== undefined) {
    const next: JsonObject = isJsonObject(current) ? { ...current } : {};
    next[sub.name] = checkSimpleValue(sub, value, `${label}.${sub.name}`);
    return { next, touched: [] };
  }
  if (attribute.type === 'complex') {
    // RFC 7644 §3.5.2.3: sub-attributes not in the value are left unchanged.
    return { next: mergeComplex(current, canonicalComplex(attribute, value, label, ignored)), touched: [] };
  }
  return { next: checkSimpleValue(attribute, value, label), touched: [] };
}

function withoutKey(current: JsonValue | undefined, key: string): JsonValue | undefined {
  if (!isJsonObject(current)) return undefined;
  const next = { ...current };
  delete next[key];
  return next;
}

function patchList(list: readonly JsonValue[], operation: AttributeOperation, ignored: string[]): AttributeResult {
  const { op, attribute, label, value } = operation;
  if (operation.filter === undefined && operation.sub === undefined) {
    if (op === 'remove') {
      if (value !== undefined) {
        // RFC 7644 §3.5.2.2 has no value for remove; honouring only the path would delete every value, which
        // is never what a client that sent a value meant (docs/idp-behaviors.md#entra-quirks, E4).
        throw ScimError.badRequest('invalidValue', `"remove" of "${label}" takes a value filter, not a value.`);
      }
      return { next: undefined, touched: [] };
    }
    const items = value === null || value === undefined ? [] : canonicalList(attribute, value, label, ignored);
    if (op === 'replace') return { next: items, touched: items.map((_, i) => i) };
    // RFC 7644 §3.5.2.1: values already present are not added again.
    const next = [...list];
    const touched: number[] = [];
    for (const item of items) {
      if (next.some((existing) => jsonEqual(existing, item))) continue;
      touched.push(next.push(item) - 1);
    }
    return { next, touched };
  }
  return patchSelected(list, operation, ignored);
}

/** Operations through a value filter, or on `attr.sub` of every element when there is no filter. */
function patchSelected(list: readonly JsonValue[], operation: AttributeOperation, ignored: string[]): AttributeResult {
  const { op, attribute, sub, filter, value } = operation;
  const selected = new Set<number>();
  list.forEach((element, i) => {
    if (filter === undefined || matchesFilter(element, filter, attribute)) selected.add(i);
  });
  const next: JsonValue[] = [];
  const touched: number[] = [];
  const unassign = op === 'remove' || value === null || value === undefined;
  for (const [i, element] of list.entries()) {
    if (!selected.has(i)) {
      next.push(element);
      continue;
    }
    const written = unassign ? removeFrom(element, sub) : writeInto(element, operation, ignored);
    if (written === undefined) continue;
    if (!unassign) touched.push(next.length);
    next.push(written);
  }
  if (selected.size === 0 && !unassign) {
    const created = createElement(operation, ignored);
    touched.push(next.push(created) - 1);
  }
  return { next, touched };
}

function removeFrom(element: JsonValue, sub: AttributeDefinition | undefined): JsonValue | undefined {
  if (sub === undefined || !isJsonObject(element)) return undefined;
  const rest = { ...element };
  delete rest[sub.name];
  // RFC 7644 §3.5.2.2: removed sub-attributes are unassigned; an element left empty holds nothing.
  return Object.keys(rest).length === 0 ? undefined : rest;
}

function writeInto(element: JsonValue, operation: AttributeOperation, ignored: string[]): JsonValue | undefined {
  const { op, attribute, label, sub, value } = operation;
  if (value === undefined || value === null) return element;
  if (sub !== undefined) {
    return { ...(isJsonObject(element) ? element : {}), [sub.name]: checkSimpleValue(sub, value, `${label}.${sub.name}`) };
  }
  if (op === 'replace' || attribute.type !== 'complex') {
    // RFC 7644 §3.5.2.3: "all matching record values SHALL be replaced".
    return canonicalElement(attribute, value, label, ignored);
  }
  return withoutNulls(mergeComplex(element, canonicalComplex(attribute, value, label, ignored)));
}

/**
 * A filter that matched nothing, for add/replace: RFC 7644 §3.5.2.3 answers noTarget, but Entra expects
 * `replace emails[type eq "work"].value` to create the work email (docs/idp-behaviors.md#entra-quirks, E9).
 * We create one element when the filter is a conjunction of `eq` comparisons, whose values become the new
 * element's fields, and the result satisfies the filter; otherwise noTarget.
 */
function createElement(operation: AttributeOperation, ignored: string[]): JsonValue {
  const { attribute, filter, label, sub, value } = operation;
  const noTarget = (): ScimError => ScimError.badRequest('noTarget', `No value of "${label}" matches the filter, and none can be created from it.`);
  const base = filter === undefined || attribute.type !== 'complex' ? undefined : fieldsOf(filter, attribute, label);
  if (base === undefined || value === undefined || value === null) throw noTarget();
  const element =
    sub !== undefined
      ? { ...base, [sub.name]: checkSimpleValue(sub, value, `${label}.${sub.name}`) }
      : withoutNulls(mergeComplex(base, canonicalComplex(attribute, value, label, ignored)));
  if (!matchesFilter(element, filter as Filter, attribute)) throw noTarget();
  return element;
}

function fieldsOf(filter: Filter, attribute: AttributeDefinition, label: string): JsonObject | undefined {
  if (filter.kind === 'and') {
    const left = fieldsOf(filter.left, attribute, label);
    const right = fieldsOf(filter.right, attribute, label);
    if (left === undefined || right === undefined) return undefined;
    for (const key of Object.keys(right)) if (Object.hasOwn(left, key) && !jsonEqual(left[key], right[key])) return undefined;
    return { ...left, ...right };
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null) return undefined;
  const name = filter.path.subAttribute ?? filter.path.attribute;
  const definition = attribute.subAttributes?.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (definition === undefined || definition.mutability === 'readOnly') return undefined;
  try {
    return { [definition.name]: checkSimpleValue(definition, filter.value, `${label}.${definition.name}`) };
  } catch {
    return undefined;
  }
}
