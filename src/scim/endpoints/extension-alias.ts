import { isJsonObject, type JsonObject } from '../../json/json-value.js';
import type { Condition } from '../../storage/query.js';
import { URN } from '../schemas/urns.js';

/**
 * A tenant may publish Roster's extension under its own URN (as the products in the seeds do).
 * Stored documents always use the default URN, so changing the setting loses nothing; these
 * functions translate at the edge.
 */
export interface ExtensionAlias {
  readonly published: string;
}

function renameKey(document: JsonObject, from: string, to: string): JsonObject {
  if (from === to || !isJsonObject(document[from])) return document;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(document)) out[key === from ? to : key] = value;
  return out;
}

/** A parsed document (published URN) as stored (default URN). */
export function toStored(alias: ExtensionAlias, document: JsonObject): JsonObject {
  return renameKey(document, alias.published, URN.rosterUser);
}

/** A stored document as the tenant's clients see it. */
export function fromStored(alias: ExtensionAlias, document: JsonObject): JsonObject {
  return renameKey(document, URN.rosterUser, alias.published);
}

/** A resolved filter condition over stored fields. */
export function conditionToStored(alias: ExtensionAlias, condition: Condition): Condition {
  if (alias.published === URN.rosterUser) return condition;
  switch (condition.kind) {
    case 'and':
    case 'or':
      return { ...condition, left: conditionToStored(alias, condition.left), right: conditionToStored(alias, condition.right) };
    case 'not':
      return { ...condition, condition: conditionToStored(alias, condition.condition) };
    case 'any':
      return { ...condition, collection: renamePath(alias, condition.collection), condition: condition.condition };
    case 'compare':
    case 'present':
      return { ...condition, field: { ...condition.field, path: renamePath(alias, condition.field.path) } };
    default:
      return condition;
  }
}

function renamePath(alias: ExtensionAlias, path: readonly string[]): readonly string[] {
  return path[0] === alias.published ? [URN.rosterUser, ...path.slice(1)] : path;
}
