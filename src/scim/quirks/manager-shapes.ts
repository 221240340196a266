/** E10 and Example 5: Entra sends the enterprise `manager` as a bare id or a one-element array. */
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import type { AttributeDefinition, SchemaDefinition } from '../schemas/attribute.js';
import { findAttribute, findExtension, type ResourceSchema } from '../schemas/registry.js';
import { URN } from '../schemas/urns.js';
import { unchanged, type Normaliser } from './normaliser.js';
import { hasNoPath, keyOf, mapOperations, pathOf, resolveRawPath, valueOf, withMember } from './raw-patch.js';

/**
 * `manager` is a single-valued complex attribute (RFC 7643 §4.3): `"id"` becomes `{"value":"id"}`,
 * `[{…}]` its one element, and `""` null ("no manager"). In POST/PUT bodies a top-level `manager`
 * (the core schema has none) moves into the enterprise extension object. Arrays of more than one
 * element are ambiguous and left for the strict parser to refuse.
 */
export const managerShapes: Normaliser = {
  name: 'manager-shapes',
  description: 'Normalises enterprise manager sent as a bare string or a one-element array, and moves a top-level manager into the enterprise extension.',
  evidence:
    'fixtures/entra-set-manager-example5.json (docs/idp-behaviors.md#entra-example-requests, Example 5), fixtures/entra-manager-string-patch.json and ' +
    'entra-manager-string-post.json (docs/idp-behaviors.md#entra-quirks, E10), fixtures/entra-create-user-example2.json (Example 2)',
  applies: (_stage, resourceType) => resourceType === 'User',
  normalise: (body, { stage, schema }) => {
    const target = managerOf(schema);
    if (target === undefined) return unchanged(body);
    if (stage === 'resource') {
      const moved = isJsonObject(body) ? normaliseResource(body, target) : undefined;
      return moved === undefined ? unchanged(body) : { body: moved, fired: true };
    }
    return mapOperations(body, (operation) => {
      const value = valueOf(operation, 'value');
      if (value === undefined) return undefined;
      const converted = convertOperation(schema, target, operation, value);
      return converted === undefined ? undefined : [withMember(operation, 'value', converted)];
    });
  },
};

interface Manager {
  readonly extension: SchemaDefinition;
  readonly attribute: AttributeDefinition;
}

function managerOf(schema: ResourceSchema): Manager | undefined {
  const extension = findExtension(schema, URN.enterpriseUser);
  const attribute = findAttribute(extension?.attributes, 'manager');
  return extension && attribute ? { extension, attribute } : undefined;
}

/** The RFC shape of a manager value, or undefined when `value` is already RFC-shaped or ambiguous. */
function shapeOf(value: JsonValue): JsonValue | undefined {
  if (typeof value === 'string') return value === '' ? null : { value };
  if (Array.isArray(value) && value.length === 1) {
    const [only] = value;
    if (isJsonObject(only)) return only;
    if (typeof only === 'string' && only !== '') return { value: only };
  }
  return undefined;
}

/** Copy of `object` with its `manager` member (any case) reshaped, or undefined when nothing changes. */
function withManagerShaped(object: JsonObject): JsonObject | undefined {
  const key = keyOf(object, 'manager');
  const shaped = key === undefined ? undefined : shapeOf(object[key] ?? null);
  return key === undefined || shaped === undefined ? undefined : { ...object, [key]: shaped };
}

function isManagerPath(schema: ResourceSchema, target: Manager, raw: string): boolean {
  const found = resolveRawPath(schema, raw);
  return (
    found !== undefined &&
    found.resolved.attribute === target.attribute &&
    found.resolved.subAttribute === undefined &&
    found.path.valueFilter === undefined &&
    found.path.subAttribute === undefined
  );
}

function convertOperation(schema: ResourceSchema, target: Manager, operation: JsonObject, value: JsonValue): JsonValue | undefined {
  const raw = pathOf(operation);
  if (raw !== undefined) {
    if (findExtension(schema, raw.trim()) === target.extension) return isJsonObject(value) ? withManagerShaped(value) : undefined;
    return isManagerPath(schema, target, raw) ? shapeOf(value) : undefined;
  }
  if (!hasNoPath(operation) || !isJsonObject(value)) return undefined;
  // No-path value: bare `manager`, `urn:…:User:manager`, or inside the URN-keyed extension object.
  let out: JsonObject | undefined;
  for (const [key, item] of Object.entries(value)) {
    let shaped: JsonValue | undefined;
    if (findExtension(schema, key) === target.extension) shaped = isJsonObject(item) ? withManagerShaped(item) : undefined;
    else if (isManagerPath(schema, target, key)) shaped = shapeOf(item);
    if (shaped !== undefined) {
      out ??= { ...value };
      out[key] = shaped;
    }
  }
  return out;
}

function normaliseResource(body: JsonObject, target: Manager): JsonObject | undefined {
  const extensionKey = keyOf(body, target.extension.id) ?? target.extension.id;
  const existing = body[extensionKey];
  const extensionObject = isJsonObject(existing) ? existing : undefined;
  const topKey = keyOf(body, 'manager');
  // Both a top-level and an extension manager: ambiguous, so only the extension one is reshaped.
  if (topKey !== undefined && (extensionObject === undefined || keyOf(extensionObject, 'manager') === undefined)) {
    const topValue = body[topKey] ?? null;
    const out: JsonObject = { ...body };
    delete out[topKey];
    out[extensionKey] = { ...(extensionObject ?? {}), manager: shapeOf(topValue) ?? topValue };
    const schemas = valueOf(out, 'schemas');
    const listed = Array.isArray(schemas) && schemas.some((s) => typeof s === 'string' && s.toLowerCase() === target.extension.id.toLowerCase());
    if (Array.isArray(schemas) && !listed) out[keyOf(out, 'schemas') ?? 'schemas'] = [...schemas, target.extension.id];
    return out;
  }
  const shaped = extensionObject === undefined ? undefined : withManagerShaped(extensionObject);
  return shaped === undefined ? undefined : { ...body, [extensionKey]: shaped };
}
