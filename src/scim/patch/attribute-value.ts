/**
 * Type checking and canonical spelling of PATCH values against attribute definitions
 * (RFC 7643 §2.3 data types, §2.1 case-insensitive names). Values are never coerced: Entra's
 * `"False"` is turned into `false` by `scim/quirks/entra-string-boolean.ts`, not here.
 */
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import { ScimError } from '../errors.js';
import type { AttributeDefinition } from '../schemas/attribute.js';
import { findAttribute } from '../schemas/registry.js';
import { checkType, expectedType, typeError } from '../resources/check-type.js';

/** Deep equality of JSON values; object key order does not matter. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** RFC 7643 §2.5: null, an empty array and (for us) an empty complex value all mean "unassigned". */
export function isUnassigned(value: JsonValue | undefined): value is undefined | null {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isJsonObject(value) && Object.keys(value).length === 0;
}

const invalid = (detail: string): ScimError => ScimError.badRequest('invalidValue', detail);

/**
 * Checks a simple (non-complex) value against its declared type (RFC 7643 §2.3), with the same
 * rules as resource bodies (resources/check-type.ts): a PATCH cannot store what a POST refuses.
 */
export function checkSimpleValue(definition: AttributeDefinition, value: JsonValue, label: string): JsonValue {
  if (definition.type === 'complex' || Array.isArray(value)) throw typeError(label, value, expectedType(definition));
  checkType(definition, value, label);
  return value;
}

/**
 * Canonicalises one complex value: keys resolved case-insensitively to their defined spelling,
 * sub-values type-checked. Unknown keys are refused (a PATCH that silently does nothing is worse
 * than a 400 the administrator sees). readOnly sub-attributes are dropped, as RFC 7643 §2.2 has the
 * server ignore them (e.g. `manager.displayName`). `null` sub-values are kept: they mean "unassign".
 */
export function canonicalComplex(definition: AttributeDefinition, value: JsonValue, label: string, ignored: string[]): JsonObject {
  if (!isJsonObject(value)) throw invalid(`"${label}" is complex: its value must be an object.`);
  const out: JsonObject = {};
  for (const [key, sub] of Object.entries(value)) {
    const subDefinition = findAttribute(definition.subAttributes, key);
    if (!subDefinition) throw invalid(`"${label}" has no sub-attribute "${key}".`);
    if (subDefinition.mutability === 'readOnly') {
      ignored.push(`${label}.${subDefinition.name}`);
      continue;
    }
    out[subDefinition.name] = sub === null ? null : checkSimpleValue(subDefinition, sub, `${label}.${subDefinition.name}`);
  }
  return out;
}

/** Removes null members: a stored element never holds null (RFC 7643 §2.5). */
export function withoutNulls(object: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) if (value !== null) out[key] = value;
  return out;
}

/** Canonicalises one element of a multi-valued attribute; undefined when it holds nothing. */
export function canonicalElement(definition: AttributeDefinition, value: JsonValue, label: string, ignored: string[]): JsonValue | undefined {
  if (value === null) return undefined;
  if (definition.type !== 'complex') return checkSimpleValue(definition, value, label);
  const element = withoutNulls(canonicalComplex(definition, value, label, ignored));
  return Object.keys(element).length === 0 ? undefined : element;
}

/** Canonicalises the value of a whole multi-valued attribute (must be an array, RFC 7643 §2.4). */
export function canonicalList(definition: AttributeDefinition, value: JsonValue, label: string, ignored: string[]): JsonValue[] {
  if (!Array.isArray(value)) throw invalid(`"${label}" is multi-valued: its value must be an array.`);
  const out: JsonValue[] = [];
  for (const item of value) {
    const element = canonicalElement(definition, item, label, ignored);
    if (element !== undefined) out.push(element);
  }
  return out;
}

/** Merges sub-attributes into a complex value: null unassigns, absent keys are kept (RFC 7644 §3.5.2.3). */
export function mergeComplex(current: JsonValue | undefined, patch: JsonObject): JsonObject {
  const out: JsonObject = isJsonObject(current) ? { ...current } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}
