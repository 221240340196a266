/**
 * Reading and rewriting raw (not yet validated) PatchOp bodies for the normalisers. Everything
 * here tolerates any JSON: a shape it does not recognise is left for the strict parser to refuse.
 */
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import type { PatchPath } from '../filter/ast.js';
import { parsePatchPath } from '../filter/parse-patch-path.js';
import { resolvePath, type ResolvedPath, type ResourceSchema } from '../schemas/registry.js';
import { URN } from '../schemas/urns.js';
import { unchanged, type NormaliserResult } from './normaliser.js';

/** The actual spelling of `name` among `object`'s keys (RFC 7643 §2.1: names are case-insensitive). */
export function keyOf(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const wanted = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === wanted);
}

/** The value under `name`, case-insensitively. */
export function valueOf(object: JsonObject, name: string): JsonValue | undefined {
  const key = keyOf(object, name);
  return key === undefined ? undefined : object[key];
}

/** `op` lower-cased when it is a string. */
export function opOf(operation: JsonObject): string | undefined {
  const op = valueOf(operation, 'op');
  return typeof op === 'string' ? op.toLowerCase() : undefined;
}

/** The raw `path` string, or undefined when absent or null (a no-path operation). */
export function pathOf(operation: JsonObject): string | undefined {
  const path = valueOf(operation, 'path');
  return typeof path === 'string' ? path : undefined;
}

/** True when the operation has no path at all (`path` absent or null). */
export function hasNoPath(operation: JsonObject): boolean {
  const path = valueOf(operation, 'path');
  return path === undefined || path === null;
}

/** A copy of `operation` with `name` set (keeping the client's key spelling) or removed (value undefined). */
export function withMember(operation: JsonObject, name: string, value: JsonValue | undefined): JsonObject {
  const key = keyOf(operation, name) ?? name;
  const copy = { ...operation };
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

/**
 * Rewrites each operation of a PatchOp body: `rewrite` returns the replacement operations, or
 * undefined to keep the operation. Non-object bodies and non-array `Operations` are left alone.
 */
export function mapOperations(body: JsonValue, rewrite: (operation: JsonObject) => JsonObject[] | undefined): NormaliserResult {
  if (!isJsonObject(body)) return unchanged(body);
  const key = keyOf(body, 'Operations');
  const operations = key === undefined ? undefined : body[key];
  if (key === undefined || !Array.isArray(operations)) return unchanged(body);
  let fired = false;
  const next: JsonValue[] = [];
  for (const operation of operations) {
    const replacement = isJsonObject(operation) ? rewrite(operation) : undefined;
    if (replacement === undefined) {
      next.push(operation);
    } else {
      fired = true;
      next.push(...replacement);
    }
  }
  return fired ? { body: { ...body, [key]: next }, fired } : unchanged(body);
}

/** A raw path parsed and resolved, or undefined when it does not parse or names nothing known. */
export function resolveRawPath(schema: ResourceSchema, raw: string): { path: PatchPath; resolved: ResolvedPath } | undefined {
  let path: PatchPath;
  try {
    path = parsePatchPath(raw);
  } catch {
    return undefined;
  }
  const resolved = resolvePath(schema, path.path);
  return resolved === undefined ? undefined : { path, resolved };
}

/**
 * Whether a no-path value key is written as a path to a known attribute (`name.givenName`,
 * `urn:…:User:employeeNumber`, `emails[type eq "work"].value`). A key that is exactly a schema URN
 * is the RFC's URN-keyed object, and a path naming nothing known is left for the engine to refuse.
 */
export function isPathLikeKey(schema: ResourceSchema, key: string): boolean {
  const lower = key.toLowerCase();
  const schemaIds = [schema.core.id, ...schema.extensions.map((e) => e.id)].map((id) => id.toLowerCase());
  if (schemaIds.includes(lower)) return false;
  if (!lower.startsWith('urn:') && !key.includes('.') && !key.includes('[')) return false;
  return resolveRawPath(schema, key) !== undefined;
}

/** Whether a raw path is exactly the group's `members` attribute (no filter, no sub-attribute). */
export function isMembersPath(raw: string): boolean {
  const path = raw.trim().toLowerCase();
  return path === 'members' || path === `${URN.group.toLowerCase()}:members`;
}
