/**
 * The PATCH engine for a resource's stored document (RFC 7644 §3.5.2): pure, ordered, atomic.
 * Used for Users and for the small Group document (displayName, externalId); group members are
 * planned as sets by `plan-group-patch.ts` and never pass through here.
 */
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { cloneJson, isJsonObject } from '../../json/json-value.js';
import { ScimError } from '../errors.js';
import type { AttributeDefinition, SchemaDefinition } from '../schemas/attribute.js';
import { canonicalPath, findAttribute, findExtension, resolvePath, type ResourceSchema } from '../schemas/registry.js';
import { unknownTargetHint } from '../resources/unknown-target-hint.js';
import { patchAttribute, type AttributeOperation } from './attribute-patch.js';
import { isUnassigned, jsonEqual } from './attribute-value.js';
import { changedPaths } from './changed-paths.js';
import { checkFilter } from './match-filter.js';
import type { PatchOperation, PatchOpName } from './patch-request.js';

/** Outcome of `applyPatch`; `ignoredPaths` lists what was accepted and dropped, for the request log. */
export interface PatchResult {
  readonly document: JsonObject;
  readonly changedPaths: string[];
  readonly ignoredPaths: string[];
}

/** Where an attribute lives in the stored document: top level, or inside its extension's URN object. */
interface Slot {
  readonly extension?: SchemaDefinition;
  readonly attribute: AttributeDefinition;
}

/** Keys a no-path value may carry and that are ignored, not refused (Okta O5 sends `id`). */
const IGNORED_VALUE_KEYS = new Set(['id', 'schemas', 'meta']);

/**
 * Applies `ops` in order to a copy of `document` and returns it with the changed canonical paths.
 * Throws the first operation's ScimError; `document` itself is never modified, so the caller has
 * nothing to undo.
 */
export function applyPatch(schema: ResourceSchema, document: JsonObject, ops: readonly PatchOperation[]): PatchResult {
  const working = cloneJson(document);
  const ignored: string[] = [];
  ops.forEach((operation, index) => {
    try {
      applyOperation(schema, working, operation, ignored);
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      throw new ScimError(error.status, error.scimType, `Operations[${index}]: ${error.detail}`);
    }
  });
  return { document: working, changedPaths: changedPaths(schema, document, working), ignoredPaths: ignored };
}

function applyOperation(schema: ResourceSchema, doc: JsonObject, operation: PatchOperation, ignored: string[]): void {
  const { op, path, rawPath, value } = operation;
  if (path === undefined) {
    if (op === 'remove') throw ScimError.badRequest('noTarget', '"remove" requires a "path" (RFC 7644 §3.5.2.2).');
    applyValueObject(schema, doc, op, value, undefined, ignored);
    return;
  }
  // A bare extension URN targets the whole extension object (RFC 7644 §3.5.2: path may name a schema).
  const extension = rawPath === undefined ? undefined : findExtension(schema, rawPath.trim());
  if (extension !== undefined) {
    if (op !== 'remove') return applyValueObject(schema, doc, op, value, extension, ignored);
    for (const attribute of extension.attributes) applyNamed(doc, 'remove', { extension, attribute }, undefined, ignored);
    return;
  }
  const written = rawPath ?? path.path.attribute;
  const resolved = resolvePath(schema, path.path);
  if (resolved === undefined) {
    throw ScimError.badRequest('invalidPath', `"${written}" does not name an attribute of ${schema.name}.${unknownTargetHint(schema, written, value)}`);
  }
  const { attribute, extension: owner } = resolved;
  const label = canonicalPath({ attribute, ...(owner ? { extension: owner } : {}) });
  let sub = resolved.subAttribute;
  if (path.valueFilter !== undefined || path.subAttribute !== undefined) {
    if (!attribute.multiValued || sub !== undefined) {
      throw ScimError.badRequest('invalidPath', `"${written}": value filters apply to multi-valued attributes only.`);
    }
    if (path.valueFilter !== undefined) checkFilter(path.valueFilter, attribute);
    if (path.subAttribute !== undefined) {
      sub = findAttribute(attribute.subAttributes, path.subAttribute);
      if (sub === undefined) throw ScimError.badRequest('invalidPath', `"${label}" has no sub-attribute "${path.subAttribute}".`);
    }
  }
  if (attribute.mutability === 'writeOnly') {
    ignored.push(label); // `password`: accepted and never stored (core-user.ts).
    return;
  }
  if (attribute.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
    throw ScimError.badRequest('mutability', `"${written}" is read-only (RFC 7644 §3.5.2).`);
  }
  const attributeOperation: AttributeOperation = {
    op,
    attribute,
    label,
    ...(sub ? { sub } : {}),
    ...(path.valueFilter ? { filter: path.valueFilter } : {}),
    ...(value !== undefined ? { value } : {}),
  };
  applyToSlot(doc, { attribute, ...(owner ? { extension: owner } : {}) }, attributeOperation, ignored);
}

/**
 * add/replace without a path (or with a bare extension URN): each key is an attribute, applied as
 * if it were the path (RFC 7644 §3.5.2.1, §3.5.2.3) — so a complex value merges and a multi-valued
 * one appends (add) or replaces the list (replace). URN-keyed objects are merged into the extension.
 */
function applyValueObject(
  schema: ResourceSchema,
  doc: JsonObject,
  op: Exclude<PatchOpName, 'remove'>,
  value: JsonValue | undefined,
  scope: SchemaDefinition | undefined,
  ignored: string[],
): void {
  if (!isJsonObject(value)) {
    throw ScimError.badRequest('invalidValue', `"${op}" without a path needs an object of attributes as its value.`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (scope === undefined && IGNORED_VALUE_KEYS.has(key.toLowerCase())) {
      ignored.push(key);
      continue;
    }
    if (scope !== undefined && key.toLowerCase() === 'schemas') {
      // An extension object copied from a resource may say which schema it is: harmless when it
      // names this extension, a contradiction otherwise (a POST body's `schemas` is not checked
      // against its objects, but here the path already says which schema the value is).
      checkScopeSchemas(scope, item);
      continue;
    }
    const extension = scope === undefined ? findExtension(schema, key) : undefined;
    if (extension !== undefined) {
      if (item === null) for (const a of extension.attributes) applyNamed(doc, op, { extension, attribute: a }, null, ignored);
      else applyValueObject(schema, doc, op, item, extension, ignored);
      continue;
    }
    const resolved = scope ? { extension: scope, attribute: findAttribute(scope.attributes, key) } : resolvePath(schema, { attribute: key });
    if (resolved?.attribute === undefined) {
      const where = scope ? `the extension ${scope.id}` : schema.name;
      const hint = scope ? '' : unknownTargetHint(schema, key, item);
      throw ScimError.badRequest('invalidPath', `"${key}" does not name an attribute of ${where}.${hint}`);
    }
    const slot: Slot = { attribute: resolved.attribute, ...(resolved.extension ? { extension: resolved.extension } : {}) };
    applyNamed(doc, op, slot, item, ignored);
  }
}

function checkScopeSchemas(scope: SchemaDefinition, schemas: JsonValue): void {
  const named = Array.isArray(schemas) ? schemas : [schemas];
  const same = (urn: JsonValue): boolean => typeof urn === 'string' && urn.toLowerCase() === scope.id.toLowerCase();
  if (named.length > 0 && named.every(same)) return;
  throw ScimError.badRequest('invalidValue', `The value for ${scope.id} carries "schemas": ${JSON.stringify(schemas)}; it may name only ${scope.id}.`);
}

function applyNamed(doc: JsonObject, op: PatchOpName, slot: Slot, value: JsonValue | undefined, ignored: string[]): void {
  const label = slot.extension ? `${slot.extension.id}:${slot.attribute.name}` : slot.attribute.name;
  // Unassigning what is already unassigned is a no-op even for read-only attributes.
  if ((value === undefined || value === null) && isUnassigned(readSlot(doc, slot))) return;
  if (slot.attribute.mutability === 'writeOnly') {
    ignored.push(label);
    return;
  }
  if (slot.attribute.mutability === 'readOnly') {
    throw ScimError.badRequest('mutability', `"${label}" is read-only (RFC 7644 §3.5.2).`);
  }
  applyToSlot(doc, slot, { op, attribute: slot.attribute, label, ...(value !== undefined ? { value } : {}) }, ignored);
}

/** Runs one attribute operation and enforces the invariants RFC 7644 §3.5.2 attaches to the result. */
function applyToSlot(doc: JsonObject, slot: Slot, operation: AttributeOperation, ignored: string[]): void {
  const { attribute, label } = operation;
  const before = readSlot(doc, slot);
  const result = patchAttribute(before, operation, ignored);
  let after = result.next;
  if (Array.isArray(after)) after = withSinglePrimary(after, result.touched, attribute, label);
  if (isUnassigned(after)) after = undefined;
  if (jsonEqual(before, after)) return;
  // RFC 7644 §3.5.2.2: unassigning a required attribute fails with scimType mutability.
  if (attribute.required && !isUnassigned(before) && after === undefined) {
    throw ScimError.badRequest('mutability', `"${label}" is required and cannot be removed.`);
  }
  if (attribute.required && after === '') throw ScimError.badRequest('invalidValue', `"${label}" is required and cannot be empty.`);
  // RFC 7644 §3.5.2: an immutable attribute may be added when unassigned, never changed.
  if (attribute.mutability === 'immutable' && !isUnassigned(before)) {
    throw ScimError.badRequest('mutability', `"${label}" is immutable.`);
  }
  writeSlot(doc, slot, after);
}

/**
 * RFC 7644 §3.5.2: setting `primary` to true on one value sets it to false on the others; more
 * than one primary among the written values is refused (RFC 7643 §2.4, "no more than once").
 */
function withSinglePrimary(list: JsonValue[], touched: readonly number[], attribute: AttributeDefinition, label: string): JsonValue[] {
  if (findAttribute(attribute.subAttributes, 'primary')?.type !== 'boolean') return list;
  const isPrimary = (element: JsonValue | undefined): boolean => isJsonObject(element) && element['primary'] === true;
  const claimed = touched.filter((i) => isPrimary(list[i]));
  if (claimed.length > 1) throw ScimError.badRequest('invalidValue', `At most one value of "${label}" may be primary.`);
  if (claimed.length === 0) return list;
  return list.map((element, i) => (i !== claimed[0] && isPrimary(element) ? { ...(element as JsonObject), primary: false } : element));
}

function extensionKey(doc: JsonObject, extension: SchemaDefinition): string {
  const wanted = extension.id.toLowerCase();
  return Object.keys(doc).find((k) => k.toLowerCase() === wanted) ?? extension.id;
}

function readSlot(doc: JsonObject, slot: Slot): JsonValue | undefined {
  if (slot.extension === undefined) return doc[slot.attribute.name];
  const container = doc[extensionKey(doc, slot.extension)];
  return isJsonObject(container) ? container[slot.attribute.name] : undefined;
}

function writeSlot(doc: JsonObject, slot: Slot, value: JsonValue | undefined): void {
  let target = doc;
  let key: string | undefined;
  if (slot.extension !== undefined) {
    key = extensionKey(doc, slot.extension);
    const container = doc[key];
    target = isJsonObject(container) ? container : {};
    doc[key] = target;
  }
  if (value === undefined) delete target[slot.attribute.name];
  else target[slot.attribute.name] = value;
  if (key !== undefined && Object.keys(target).length === 0) delete doc[key];
}
