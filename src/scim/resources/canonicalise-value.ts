import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import type { AttributeDefinition } from '../schemas/attribute.js';
import { findAttribute, type ResourceSchema } from '../schemas/registry.js';
import { ScimError } from '../errors.js';
import { checkType, expectedType, typeError } from './check-type.js';
import { ignoredEntry, type IgnoredAttribute } from './ignored-attribute.js';
import { suggestSubAttribute } from './suggest-attribute.js';

/** `null` and `[]` both mean "no value" (RFC 7643 §2.5): omitted, and not worth a log line. */
export function isNoValue(value: JsonValue): boolean {
  return value === null || (Array.isArray(value) && value.length === 0);
}

/**
 * The stored form of one attribute's value: type-checked (400 invalidValue naming `path`),
 * sub-attribute names in canonical case, readOnly and unknown sub-attributes dropped into
 * `ignored`. Returns undefined when nothing is left (null, [], an object of nulls). Shared by
 * resource bodies and PATCH values; the caller handles the attribute's own mutability.
 * `schema`, when given, lets a misplaced top-level name be suggested (`name.displayName`).
 */
export function canonicaliseValue(
  definition: AttributeDefinition,
  value: JsonValue,
  path: string,
  ignored: IgnoredAttribute[],
  schema?: ResourceSchema,
): JsonValue | undefined {
  if (value === null) return undefined;
  if (!definition.multiValued) return canonicaliseOne(definition, value, path, ignored, schema);
  let items: JsonValue[];
  if (Array.isArray(value)) items = value;
  // One object for a multi-valued complex attribute is taken as a list of one: clients built on
  // single-valued mappings send `"emails": {…}`, and the intent is unambiguous.
  else if (definition.type === 'complex' && isJsonObject(value)) items = [value];
  else throw typeError(path, value, `an array of values, each ${expectedType(definition)}`);
  const out: JsonValue[] = [];
  for (const item of items) {
    if (item === null) {
      // A null inside a list is not "no value" for the attribute, just a hole: note it and go on.
      ignored.push(ignoredEntry(path, 'nullValue'));
      continue;
    }
    const one = canonicaliseOne(definition, item, path, ignored, schema);
    if (one !== undefined) out.push(one);
  }
  if (out.length === 0) return undefined;
  checkSinglePrimary(out, path);
  return out;
}

function canonicaliseOne(
  definition: AttributeDefinition,
  value: JsonValue,
  path: string,
  ignored: IgnoredAttribute[],
  schema: ResourceSchema | undefined,
): JsonValue | undefined {
  if (Array.isArray(value)) throw typeError(path, value, expectedType(definition));
  checkType(definition, value, path);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, raw] of Object.entries(value)) {
    if (isNoValue(raw)) continue;
    const sub = findAttribute(definition.subAttributes, key);
    if (!sub) {
      ignored.push(ignoredEntry(`${path}.${key}`, 'unknownAttribute', suggestSubAttribute(definition, path, key, schema)));
      continue;
    }
    const subPath = `${path}.${sub.name}`;
    if (sub.mutability === 'readOnly') {
      // e.g. manager.displayName: the server derives it, so a client's copy is not stored.
      ignored.push(ignoredEntry(subPath, 'readOnly'));
      continue;
    }
    const canonical = canonicaliseValue(sub, raw, subPath, ignored, schema);
    if (canonical !== undefined) out[sub.name] = canonical;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** RFC 7643 §2.4: "The primary attribute value 'true' MUST appear no more than once." */
function checkSinglePrimary(values: readonly JsonValue[], path: string): void {
  const primaries = values.filter((v) => isJsonObject(v) && v['primary'] === true).length;
  if (primaries > 1) {
    throw ScimError.badRequest('invalidValue', `Attribute "${path}" has ${primaries} values with "primary": true; at most one value may be primary.`);
  }
}
