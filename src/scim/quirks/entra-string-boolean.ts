/** E2: Entra ID (without aadOptscim062020) and Microsoft's test collection send booleans as "True"/"False". */
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import type { AttributeDefinition, SchemaDefinition } from '../schemas/attribute.js';
import { findAttribute, findExtension, resolvePath, type ResourceSchema } from '../schemas/registry.js';
import { unchanged, type Normaliser } from './normaliser.js';
import { hasNoPath, isPathLikeKey, mapOperations, pathOf, resolveRawPath, valueOf, withMember } from './raw-patch.js';

/**
 * Turns the strings "true"/"false" (any case) into booleans wherever the schema declares a boolean:
 * `active`, every `primary`, any boolean of an extension. Only exact words convert, and only at
 * boolean positions, so a string attribute whose value happens to be "True" is never touched.
 */
export const entraStringBoolean: Normaliser = {
  name: 'entra-string-boolean',
  description: 'Converts "True"/"False" strings (any case) to booleans where the schema declares a boolean attribute.',
  evidence:
    'fixtures/entra-disable-user-unflagged.json (docs/idp-behaviors.md#entra-compliance-flag), ' +
    'fixtures/postman-post-user-string-true.json (docs/idp-behaviors.md#microsoft-collection); E2',
  applies: () => true,
  normalise: (body, { stage, schema }) => {
    if (stage === 'resource') {
      const converted = isJsonObject(body) ? convertObject(schema, body, undefined) : undefined;
      return converted === undefined ? unchanged(body) : { body: converted, fired: true };
    }
    return mapOperations(body, (operation) => {
      const value = valueOf(operation, 'value');
      if (value === undefined) return undefined;
      const converted = convertOperationValue(schema, operation, value);
      return converted === undefined ? undefined : [withMember(operation, 'value', converted)];
    });
  },
};

function convertOperationValue(schema: ResourceSchema, operation: JsonObject, value: JsonValue): JsonValue | undefined {
  if (hasNoPath(operation)) return isJsonObject(value) ? convertObject(schema, value, undefined) : undefined;
  const raw = pathOf(operation);
  if (raw === undefined) return undefined;
  const extension = findExtension(schema, raw.trim());
  if (extension !== undefined) return isJsonObject(value) ? convertObject(schema, value, extension) : undefined;
  return convertAtPath(schema, raw, value);
}

/** Converts a value written at `raw` (a path, or a path-like key of a no-path value). */
function convertAtPath(schema: ResourceSchema, raw: string, value: JsonValue): JsonValue | undefined {
  const target = resolveRawPath(schema, raw);
  if (target === undefined) return undefined;
  const { path, resolved } = target;
  if (path.subAttribute !== undefined) {
    const sub = findAttribute(resolved.attribute.subAttributes, path.subAttribute);
    return sub === undefined ? undefined : convert(sub, value, false);
  }
  if (resolved.subAttribute !== undefined) return convert(resolved.subAttribute, value, false);
  // `emails[type eq "work"]` is written one element at a time.
  return convert(resolved.attribute, value, path.valueFilter !== undefined);
}

/** Converts an object of attributes: a resource body, a no-path value, or an extension's object. */
function convertObject(schema: ResourceSchema, object: JsonObject, scope: SchemaDefinition | undefined): JsonObject | undefined {
  let out: JsonObject | undefined;
  for (const [key, value] of Object.entries(object)) {
    let converted: JsonValue | undefined;
    const extension = scope === undefined ? findExtension(schema, key) : undefined;
    if (extension !== undefined) {
      converted = isJsonObject(value) ? convertObject(schema, value, extension) : undefined;
    } else if (scope !== undefined) {
      const definition = findAttribute(scope.attributes, key);
      converted = definition === undefined ? undefined : convert(definition, value, false);
    } else if (isPathLikeKey(schema, key)) {
      converted = convertAtPath(schema, key, value);
    } else {
      const definition = resolvePath(schema, { attribute: key })?.attribute;
      converted = definition === undefined ? undefined : convert(definition, value, false);
    }
    if (converted !== undefined) {
      out ??= { ...object };
      out[key] = converted;
    }
  }
  return out;
}

function toBoolean(value: JsonValue | undefined): boolean | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/** Converts `value` written for `definition` (one element of it when `element`); undefined when nothing changes. */
function convert(definition: AttributeDefinition, value: JsonValue, element: boolean): JsonValue | undefined {
  if (definition.multiValued && !element) {
    if (!Array.isArray(value)) return undefined;
    let changed = false;
    const items = value.map((item) => {
      const converted = convert(definition, item, true);
      changed ||= converted !== undefined;
      return converted ?? item;
    });
    return changed ? items : undefined;
  }
  if (definition.type === 'boolean') return toBoolean(value);
  if (definition.type !== 'complex' || !isJsonObject(value)) return undefined;
  let out: JsonObject | undefined;
  for (const [key, item] of Object.entries(value)) {
    const sub = findAttribute(definition.subAttributes, key);
    const converted = sub?.type === 'boolean' && !sub.multiValued ? toBoolean(item) : undefined;
    if (converted !== undefined) {
      out ??= { ...value };
      out[key] = converted;
    }
  }
  return out;
}
