/**
 * PATCH targets written as bare names of extension attributes (`"path": "Department"`, or
 * `{"op":"replace","value":{"department":"Sales"}}`). RFC 7644 §3.10 lets a client omit only the
 * core schema's URN, so such a name is not the extension's attribute; applying it there moved
 * people between folders with nothing in the log. These operations are set aside before the PATCH
 * engine runs and each is reported with the qualified name that was probably meant.
 */
import { isJsonObject, type JsonObject } from '../../json/json-value.js';
import type { PatchOperation } from '../patch/patch-request.js';
import { commonAttributes, findAttribute, findExtension, type ResourceSchema } from '../schemas/registry.js';
import { ignoredEntry, type IgnoredAttribute } from './ignored-attribute.js';
import { extensionPlacesOf } from './suggest-attribute.js';

/** The operations left to apply, and what was set aside. */
export interface MisplacedTargets {
  readonly operations: PatchOperation[];
  readonly ignored: IgnoredAttribute[];
}

/** The qualified places a bare `name` probably meant, or undefined when it is core, common or unknown. */
function misplaced(schema: ResourceSchema, name: string): string | undefined {
  if (findAttribute(schema.core.attributes, name) ?? findAttribute(commonAttributes, name)) return undefined;
  const places = extensionPlacesOf(schema, name);
  return places.length > 0 ? places.join(' or ') : undefined;
}

/**
 * Removes operations whose path is a bare extension attribute name, and such keys from no-path values
 * (dropping an operation whose value is left empty). Unknown names are left for the PATCH engine to refuse as
 * before; the manager Entra sends unqualified (docs/idp-behaviors.md#entra-example-requests, Example 5) has
 * been qualified by a named normaliser before this runs.
 */
export function setAsideMisplacedTargets(schema: ResourceSchema, operations: readonly PatchOperation[]): MisplacedTargets {
  const kept: PatchOperation[] = [];
  const ignored: IgnoredAttribute[] = [];
  for (const operation of operations) {
    const { path, rawPath, value } = operation;
    if (path !== undefined) {
      const bare = path.path.schema === undefined && (rawPath === undefined || findExtension(schema, rawPath.trim()) === undefined);
      const meant = bare ? misplaced(schema, path.path.attribute) : undefined;
      if (meant === undefined) kept.push(operation);
      else ignored.push(ignoredEntry(rawPath ?? path.path.attribute, 'notCoreAttribute', meant));
      continue;
    }
    if (!isJsonObject(value)) {
      kept.push(operation);
      continue;
    }
    let rest: JsonObject | undefined;
    for (const key of Object.keys(value)) {
      // Keys with ':' are URNs or qualified names; '.' and '[' are paths the engine resolves itself.
      const meant = /[:.[]/.test(key) ? undefined : misplaced(schema, key);
      if (meant === undefined) continue;
      rest ??= { ...value };
      delete rest[key];
      ignored.push(ignoredEntry(key, 'notCoreAttribute', meant));
    }
    if (rest === undefined) kept.push(operation);
    else if (Object.keys(rest).length > 0) kept.push({ ...operation, value: rest });
  }
  return { operations: kept, ignored };
}
