/**
 * Turns a Group PATCH into ordered steps: attribute changes for the small group document, and
 * member changes as sets for storage (docs/architecture.md#the-shape-that-carries-everything:
 * Okta adding 500 members is one INSERT, not 500).
 * Existing members are never read here; a group may have 100,000 of them.
 */
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import { ScimError } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import { findAttribute, groupResourceSchema } from '../schemas/registry.js';
import { checkFilter } from './match-filter.js';
import { memberOf, type PatchOperation } from './patch-request.js';

/** A member as a client names it; `value` is the member's id (RFC 7643 §4.2). */
export interface MemberRef {
  readonly value: string;
  readonly type?: 'User' | 'Group';
  readonly display?: string;
}

/** One step of a group PATCH, applied in order by the caller in one transaction. */
export type GroupPatchStep =
  | { readonly kind: 'attributes'; readonly op: PatchOperation }
  | { readonly kind: 'addMembers'; readonly members: MemberRef[] }
  | { readonly kind: 'removeMembers'; readonly ids: string[] }
  | { readonly kind: 'removeAllMembers' }
  | { readonly kind: 'replaceMembers'; readonly members: MemberRef[] }
  | { readonly kind: 'removeMembersWhere'; readonly filter: Filter };

/** The plan of a group PATCH. */
export interface GroupPatchPlan {
  readonly steps: GroupPatchStep[];
}

const membersDefinition = findAttribute(groupResourceSchema.core.attributes, 'members');
const IGNORED_VALUE_KEYS = new Set(['id', 'schemas', 'meta']);

/** Plans `ops` (already parsed by `parsePatchRequest`) without touching storage. Throws ScimError 400. */
export function planGroupPatch(ops: readonly PatchOperation[]): GroupPatchPlan {
  const steps: GroupPatchStep[] = [];
  ops.forEach((operation, index) => {
    try {
      for (const step of planOperation(operation)) push(steps, step);
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      throw new ScimError(error.status, error.scimType, `Operations[${index}]: ${error.detail}`);
    }
  });
  return { steps };
}

/** Adjacent adds (or removes by id) are one set operation; merging them keeps the order's meaning. */
function push(steps: GroupPatchStep[], step: GroupPatchStep): void {
  const last = steps[steps.length - 1];
  if (last?.kind === 'addMembers' && step.kind === 'addMembers') {
    steps[steps.length - 1] = { kind: 'addMembers', members: uniqueMembers([...last.members, ...step.members]) };
  } else if (last?.kind === 'removeMembers' && step.kind === 'removeMembers') {
    steps[steps.length - 1] = { kind: 'removeMembers', ids: [...new Set([...last.ids, ...step.ids])] };
  } else {
    steps.push(step);
  }
}

function planOperation(operation: PatchOperation): GroupPatchStep[] {
  const { op, path, value } = operation;
  if (path === undefined) {
    if (op === 'remove') throw ScimError.badRequest('noTarget', '"remove" requires a "path" (RFC 7644 §3.5.2.2).');
    return planValueObject(op, value);
  }
  if (!isMembersPath(path.path.attribute, path.path.schema)) return [{ kind: 'attributes', op: operation }];
  if (path.path.subAttribute !== undefined || path.subAttribute !== undefined) {
    // value, $ref and type are immutable and display readOnly (RFC 7643 §4.2, group.ts).
    throw ScimError.badRequest('mutability', `Member sub-attributes cannot be changed; remove the member and add it again.`);
  }
  if (path.valueFilter !== undefined) {
    if (op !== 'remove') {
      throw ScimError.badRequest('mutability', `Members are immutable: "${op}" takes path "members" and a list of members.`);
    }
    return [planFilteredRemove(path.valueFilter)];
  }
  if (op === 'remove') {
    if (value !== undefined) {
      // Entra's `remove` + `value` is rewritten by quirks/entra-member-remove-by-value.ts; if one
      // still arrives, refusing it is safer than the literal reading (remove everyone).
      throw ScimError.badRequest('invalidValue', '"remove" of "members" takes a filter such as members[value eq "id"], not a value.');
    }
    return [{ kind: 'removeAllMembers' }];
  }
  const members = memberList(value);
  if (op === 'replace') return [{ kind: 'replaceMembers', members }];
  return members.length === 0 ? [] : [{ kind: 'addMembers', members }];
}

/** No-path add/replace: `members` becomes a member step, `id`/`schemas`/`meta` are ignored (Okta O5). */
function planValueObject(op: 'add' | 'replace', value: JsonValue | undefined): GroupPatchStep[] {
  if (!isJsonObject(value)) {
    throw ScimError.badRequest('invalidValue', `"${op}" without a path needs an object of attributes as its value.`);
  }
  const attributes: JsonObject = {};
  const memberSteps: GroupPatchStep[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (IGNORED_VALUE_KEYS.has(key.toLowerCase())) continue;
    if (!isMembersPath(key, undefined)) {
      attributes[key] = item;
      continue;
    }
    const members = memberList(item);
    if (op === 'replace') memberSteps.push({ kind: 'replaceMembers', members });
    else if (members.length > 0) memberSteps.push({ kind: 'addMembers', members });
  }
  const steps: GroupPatchStep[] = [];
  if (Object.keys(attributes).length > 0) steps.push({ kind: 'attributes', op: { op, value: attributes } });
  return [...steps, ...memberSteps];
}

function isMembersPath(attribute: string, schema: string | undefined): boolean {
  if (schema !== undefined && schema.toLowerCase() !== groupResourceSchema.core.id.toLowerCase()) return false;
  return attribute.toLowerCase() === 'members';
}

/** `value eq "x"` or an `or` of those becomes removeMembers; anything else is left to storage to compile. */
function planFilteredRemove(filter: Filter): GroupPatchStep {
  if (membersDefinition === undefined) throw new Error('group schema has no members attribute');
  checkFilter(filter, membersDefinition);
  const ids = idsOf(filter);
  return ids === undefined ? { kind: 'removeMembersWhere', filter } : { kind: 'removeMembers', ids: [...new Set(ids)] };
}

function idsOf(filter: Filter): string[] | undefined {
  if (filter.kind === 'or') {
    const left = idsOf(filter.left);
    const right = left && idsOf(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  const { attribute, subAttribute } = filter.path;
  // `value` relative to the element, or written in full as `members.value`.
  const name = subAttribute === undefined ? attribute : attribute.toLowerCase() === 'members' ? subAttribute : '';
  return name.toLowerCase() === 'value' ? [filter.value] : undefined;
}

function memberList(value: JsonValue | undefined): MemberRef[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw ScimError.badRequest('invalidValue', '"members" must be an array of {"value": "<id>"} objects.');
  return uniqueMembers(value.map((item, i) => memberRef(item, i)));
}

/**
 * A member reference. `value` must be a non-empty string; `type` is User or Group (any case);
 * `$ref` is not stored, but names the type when `type` is absent. Other keys are ignored: a member
 * is a reference, and refusing an unknown decoration would stop an IdP's whole membership sync.
 */
function memberRef(item: JsonValue, index: number): MemberRef {
  const where = `members[${index}]`;
  if (!isJsonObject(item)) throw ScimError.badRequest('invalidValue', `${where} must be an object with a "value".`);
  const id = memberOf(item, 'value');
  if (typeof id !== 'string' || id.trim() === '') {
    throw ScimError.badRequest('invalidValue', `${where}.value must be a non-empty string (the member's id).`);
  }
  const rawType = memberOf(item, 'type');
  const ref = memberOf(item, '$ref');
  let type: MemberRef['type'];
  if (typeof rawType === 'string') {
    type = rawType.toLowerCase() === 'user' ? 'User' : rawType.toLowerCase() === 'group' ? 'Group' : undefined;
    if (type === undefined) throw ScimError.badRequest('invalidValue', `${where}.type must be "User" or "Group".`);
  } else if (rawType !== undefined && rawType !== null) {
    throw ScimError.badRequest('invalidValue', `${where}.type must be "User" or "Group".`);
  } else if (typeof ref === 'string') {
    type = /\/Groups\//i.test(ref) ? 'Group' : /\/Users\//i.test(ref) ? 'User' : undefined;
  }
  const display = memberOf(item, 'display');
  if (display !== undefined && display !== null && typeof display !== 'string') {
    throw ScimError.badRequest('invalidValue', `${where}.display must be a string.`);
  }
  return { value: id, ...(type ? { type } : {}), ...(typeof display === 'string' ? { display } : {}) };
}

function uniqueMembers(members: readonly MemberRef[]): MemberRef[] {
  const byId = new Map<string, MemberRef>();
  for (const member of members) if (!byId.has(member.value)) byId.set(member.value, member);
  return [...byId.values()];
}
