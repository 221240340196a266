import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import type { AttributeDefinition } from '../schemas/attribute.js';
import { commonAttributes, findAttribute, findExtension, type ResourceSchema } from '../schemas/registry.js';
import type { ProjectionPath } from './attribute-list.js';

export { parseAttributeList, type ProjectionLeniency, type ProjectionPath } from './attribute-list.js';

/** The parsed `attributes` and `excludedAttributes` of one request. */
export interface Projection {
  readonly attributes?: readonly ProjectionPath[];
  readonly excludedAttributes?: readonly ProjectionPath[];
}

const same = (a: string | undefined, b: string | undefined): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** Whether `path` names attribute `name` of `extension` (undefined = core), or the whole extension. */
function names(path: ProjectionPath, name: string, extension: string | undefined): boolean {
  return same(path.extension, extension) && (path.attribute === undefined || same(path.attribute, name));
}

/**
 * Whether the response will contain `attribute` at all, so the caller can skip loading it —
 * Entra reads every group with `excludedAttributes=members` (docs/idp-behaviors.md#entra-quirks, E7).
 */
export function wantsAttribute(projection: Projection, attribute: string, extension?: string): boolean {
  if (projection.attributes && !projection.attributes.some((p) => names(p, attribute, extension))) return false;
  return !projection.excludedAttributes?.some((p) => names(p, attribute, extension) && p.subAttribute === undefined);
}

/** Keeps the sub-attributes `keep` accepts in an object or in each element of an array; never `returned: never`. */
function filterSubs(definition: AttributeDefinition | undefined, value: JsonValue, keep: (name: string) => boolean): JsonValue | undefined {
  const one = (item: JsonValue): JsonValue | undefined => {
    if (!isJsonObject(item)) return item;
    const out: JsonObject = {};
    for (const [key, inner] of Object.entries(item)) {
      const returned = findAttribute(definition?.subAttributes, key)?.returned ?? 'default';
      if (returned === 'always' || (returned !== 'never' && keep(key))) out[key] = inner;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (!Array.isArray(value)) return one(value);
  const items = value.map(one).filter((item): item is JsonValue => item !== undefined);
  return items.length > 0 ? items : undefined;
}

/** One attribute's projected value, or undefined to leave it out (RFC 7643 §7 `returned`, RFC 7644 §3.9). */
function projectAttribute(
  definition: AttributeDefinition | undefined,
  name: string,
  extension: string | undefined,
  value: JsonValue,
  projection: Projection,
): JsonValue | undefined {
  // An attribute the schema does not describe is treated as `returned: default`.
  const returned = definition?.returned ?? 'default';
  if (returned === 'never') return undefined;
  if (returned === 'always') return value;
  let result: JsonValue | undefined = value;
  if (projection.attributes) {
    const asked = projection.attributes.filter((p) => names(p, name, extension));
    if (asked.length === 0) return undefined;
    if (!asked.some((p) => p.subAttribute === undefined)) {
      result = filterSubs(definition, value, (sub) => asked.some((p) => same(p.subAttribute, sub)));
    }
  } else if (returned === 'request') {
    return undefined;
  }
  const excluded = projection.excludedAttributes?.filter((p) => names(p, name, extension)) ?? [];
  if (excluded.some((p) => p.subAttribute === undefined)) return undefined;
  if (excluded.length > 0 && result !== undefined) {
    result = filterSubs(definition, result, (sub) => !excluded.some((p) => same(p.subAttribute, sub)));
  }
  return result;
}

/**
 * Applies `attributes` / `excludedAttributes` to a rendered resource (RFC 7644 §3.4.2.5, §3.9).
 * `id` and `schemas` always stay; `schemas` is not trimmed, since projecting data does not change
 * which schemas the resource has. When both lists are given, `attributes` selects first and
 * `excludedAttributes` then removes (the RFC does not say how they combine).
 */
export function project(schema: ResourceSchema, resource: JsonObject, projection: Projection): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas' || key === 'id') {
      out[key] = value;
      continue;
    }
    const extension = findExtension(schema, key);
    if (extension && isJsonObject(value)) {
      const inner: JsonObject = {};
      for (const [name, innerValue] of Object.entries(value)) {
        const definition = findAttribute(extension.attributes, name);
        const kept = projectAttribute(definition, name, extension.id, innerValue, projection);
        if (kept !== undefined) inner[name] = kept;
      }
      if (Object.keys(inner).length > 0) out[key] = inner;
      continue;
    }
    const definition = findAttribute(schema.core.attributes, key) ?? findAttribute(commonAttributes, key);
    const kept = projectAttribute(definition, key, undefined, value, projection);
    if (kept !== undefined) out[key] = kept;
  }
  return out;
}
