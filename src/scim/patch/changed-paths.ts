/** Which attributes a PATCH really changed, by comparing the document before and after. */
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import type { AttributeDefinition } from '../schemas/attribute.js';
import { commonAttributes, type ResourceSchema } from '../schemas/registry.js';
import { jsonEqual } from './attribute-value.js';

/**
 * Canonical paths whose value differs between `before` and `after`, in schema order: sub-attribute
 * paths for single-valued complex attributes (`name.givenName`, `urn:…:User:manager.value`), the
 * attribute for everything else (`emails`). A PATCH that changed nothing yields [] — RFC 7644
 * §3.5.2.1 says such an operation "SHALL NOT change the modify timestamp".
 */
export function changedPaths(schema: ResourceSchema, before: JsonObject, after: JsonObject): string[] {
  const out: string[] = [];
  const known = new Set<string>();
  const core = [...commonAttributes, ...schema.core.attributes];
  compareAttributes(core, '', before, after, out);
  for (const attribute of core) known.add(attribute.name.toLowerCase());
  for (const extension of schema.extensions) {
    known.add(extension.id.toLowerCase());
    compareAttributes(extension.attributes, `${extension.id}:`, objectAt(before, extension.id), objectAt(after, extension.id), out);
  }
  // Keys outside the schema are never written by applyPatch, but report them if they differ.
  const others = new Set([...Object.keys(before), ...Object.keys(after)].filter((k) => !known.has(k.toLowerCase())));
  for (const key of others) if (!jsonEqual(before[key], after[key])) out.push(key);
  return out;
}

function objectAt(document: JsonObject, key: string): JsonObject | undefined {
  const value: JsonValue | undefined = document[key];
  return isJsonObject(value) ? value : undefined;
}

function compareAttributes(
  attributes: readonly AttributeDefinition[],
  prefix: string,
  before: JsonObject | undefined,
  after: JsonObject | undefined,
  out: string[],
): void {
  for (const attribute of attributes) {
    const b = before?.[attribute.name];
    const a = after?.[attribute.name];
    if (jsonEqual(b, a)) continue;
    const path = `${prefix}${attribute.name}`;
    if (attribute.type !== 'complex' || attribute.multiValued || attribute.subAttributes === undefined) {
      out.push(path);
      continue;
    }
    const start = out.length;
    const bObject = isJsonObject(b) ? b : undefined;
    const aObject = isJsonObject(a) ? a : undefined;
    for (const sub of attribute.subAttributes) {
      if (!jsonEqual(bObject?.[sub.name], aObject?.[sub.name])) out.push(`${path}.${sub.name}`);
    }
    if (out.length === start) out.push(path);
  }
}
