/**
 * Strict parser of a PatchOp message (RFC 7644 §3.5.2). IdP quirks are normalised before this
 * runs (`scim/quirks/`); what reaches here must be RFC-shaped, apart from the case-insensitivity
 * Microsoft asks every server for ("Don't require a case-sensitive match on structural elements",
 * docs/idp-behaviors.md#entra-general-rules).
 */
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import { ScimError } from '../errors.js';
import type { PatchPath } from '../filter/ast.js';
import { parsePatchPath } from '../filter/parse-patch-path.js';
import { URN } from '../schemas/urns.js';

/** The three PATCH operations of RFC 7644 §3.5.2. */
export type PatchOpName = 'add' | 'remove' | 'replace';

/** One validated operation; `rawPath` keeps the client's spelling for errors and the request log. */
export interface PatchOperation {
  readonly op: PatchOpName;
  readonly path?: PatchPath;
  readonly rawPath?: string;
  readonly value?: JsonValue;
}

/**
 * Most operations accepted in one message. RFC 7644 sets no limit; 1,000 is far above what Okta
 * or Entra batch (docs/idp-behaviors.md#entra-lifecycle,
 * docs/idp-behaviors.md#okta-lifecycle) and bounds the work one request can ask for.
 */
export const MAX_PATCH_OPERATIONS = 1000;

const OP_NAMES: readonly PatchOpName[] = ['add', 'remove', 'replace'];

/** Reads a member of a message object by case-insensitive name (RFC 7643 §2.1 names are case-insensitive). */
export function memberOf(object: JsonObject, name: string): JsonValue | undefined {
  if (Object.hasOwn(object, name)) return object[name];
  const wanted = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === wanted) return object[key];
  }
  return undefined;
}

/** Validates a PatchOp body and returns its operations in order; throws ScimError 400 otherwise. */
export function parsePatchRequest(body: JsonValue): PatchOperation[] {
  if (!isJsonObject(body)) throw ScimError.badRequest('invalidSyntax', 'A PATCH body must be a JSON object (RFC 7644 §3.5.2).');
  const schemas = memberOf(body, 'schemas');
  const patchUrn = URN.patchOp.toLowerCase();
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === patchUrn)) {
    throw ScimError.badRequest('invalidSyntax', `"schemas" must contain "${URN.patchOp}".`);
  }
  const operations = memberOf(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw ScimError.badRequest('invalidSyntax', '"Operations" must be a non-empty array (RFC 7644 §3.5.2).');
  }
  if (operations.length > MAX_PATCH_OPERATIONS) {
    // `tooMany` ("more than the server is willing to process", RFC 7644 §3.12) tells a client to
    // split the request, which `invalidValue` would not.
    throw ScimError.badRequest('tooMany', `A PATCH may carry at most ${MAX_PATCH_OPERATIONS} operations; this one has ${operations.length}. Split it.`);
  }
  return operations.map((operation, index) => parseOperation(operation, index));
}

function parseOperation(operation: JsonValue, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isJsonObject(operation)) throw ScimError.badRequest('invalidSyntax', `${where} must be an object.`);
  const opValue = memberOf(operation, 'op');
  const op = typeof opValue === 'string' ? OP_NAMES.find((name) => name === opValue.toLowerCase()) : undefined;
  if (op === undefined) {
    throw ScimError.badRequest('invalidSyntax', `${where}.op must be "add", "remove" or "replace".`);
  }
  // Members other than op/path/value (Microsoft's collection sends `"name": "addMember"`) are ignored.
  const pathValue = memberOf(operation, 'path');
  let rawPath: string | undefined;
  let path: PatchPath | undefined;
  if (pathValue !== undefined && pathValue !== null) {
    if (typeof pathValue !== 'string') throw ScimError.badRequest('invalidSyntax', `${where}.path must be a string.`);
    rawPath = pathValue;
    path = parsePatchPath(pathValue);
  }
  const value = memberOf(operation, 'value');
  if (op !== 'remove' && value === undefined) {
    // RFC 7644 §3.12 defines invalidValue as "A required value was missing".
    throw ScimError.badRequest('invalidValue', `${where}: "${op}" requires a "value" (RFC 7644 §3.5.2.1, §3.5.2.3).`);
  }
  const result: { op: PatchOpName; path?: PatchPath; rawPath?: string; value?: JsonValue } = { op };
  if (path !== undefined) {
    result.path = path;
    result.rawPath = rawPath;
  }
  // A `remove` keeps a non-null value so the engines can refuse it instead of removing everything.
  if (value !== undefined && !(op === 'remove' && value === null)) result.value = value;
  return result;
}
