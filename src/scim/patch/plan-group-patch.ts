/**
 * Turns a Group PATCH into the domain's plan of the change (provisioning's GroupChangeStep, applied
 * in order in one transaction): attribute changes as transforms of the small group document, and
 * member changes as sets for storage (docs/architecture.md#the-shape-that-carries-everything:
 * Okta adding 500 members is one INSERT, not 500).
 * Existing members are never read here; a group may have 100,000 of them.
 */
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { isJsonObject } from '../../json/json-value.js';
import type { GroupChangeStep, MemberInput } from '../../provisioning/groups/membership-change.js';
import { ScimError } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import { memberRefsAsIds } from '../filter/member-ref-condition.js';
import { resolveFilter } from '../filter/resolve-filter.js';
import { parseResource } from '../resources/parse-resource.js';
import { findAttribute, groupResourceSchema, type ResourceSchema } from '../schemas/registry.js';
import { applyPatch } from './apply-user-patch.js';
import { checkFilter } from './match-filter.js';
import { memberOf, type PatchOperation } from './patch-request.js';

/** The plan of a group PATCH: the steps of the change, as the provisioning layer applies them. */
export interface GroupPatchPlan {
  readonly steps: GroupChangeStep[];
}

const membersDefinition = findAttribute(groupResourceSchema.core.attributes, 'members');
const IGNORED_VALUE_KEYS = new Set(['id', 'schemas', 'meta']);

/**
 * Plans `ops` (already parsed by `parsePatchRequest`) for a group of `schema` without touching
 * storage. Throws ScimError 400. An attribute step re-validates the patched document as a group
 * body when the provisioning layer applies it to the stored one.
 */
export function planGroupPatch(ops: readonly PatchOperation[], schema: ResourceSchema): GroupPatchPlan {
  const steps: GroupChangeStep[] = [];
  ops.forEach((operation, index) => {
    try {
      for (const step of planOperation(operation, schema)) push(steps, step);
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      throw new ScimError(error.status, error.scimType, `Operations[${index}]: ${error.detail}`);
    }
  });
  return { steps };
}

/** Adjacent adds (or removes by id) are one set operation; merging them keeps the order's meaning. */
function push(steps: GroupChangeStep[], step: GroupChangeStep): void {
  const last = steps[steps.length - 1];
  if (last?.kind === 'addMembers' && step.kind === 'addMembers') {
    steps[steps.length - 1] = { kind: 'addMembers', members: uniqueMembers([...last.members, ...step.members]) };
  } else if (last?.kind === 'removeMembers' && step.kind === 'removeMembers') {
    steps[steps.length - 1] = { kind: 'removeMembers', ids: [...new Set([...last.ids, ...step.ids])] };
  } else {
    steps.push(step);
  }
}

/** A step that applies one attribute operation to the group document and checks the result as a group. */
const attributeStep = (operation: PatchOperation, schema: ResourceSchema): GroupChangeStep => ({
  kind: 'attributes',
  transform: (document) => parseResource(schema, applyPatch(schema, document, [operation]).document).document,
});

function planOperation(operation: PatchOperation, schema: ResourceSchema): GroupChangeStep[] {
  const { op, path, value } = operation;
  if (path === undefined) {
    if (op === 'remove') throw ScimError.badRequest('noTarget', '"remove" requires a "path" (RFC 7644 §3.5.2.2).');
    return planValueObject(op, value, schema);
  }
  if (!isMembersPath(path.path.attribute, path.path.schema)) return [attributeStep(operation, schema)];
  if (path.path.subAttribute !== undefined || path.subAttribute !== undefined) {
    // value, $ref and type are immutable and display readOnly (RFC 7643 §4.2, group.ts).
    throw ScimError.badRequest('mutability', `Member sub-attributes cannot be changed; remove the member and add it again.`);
  }
  if (path.valueFilter !== undefined) {
    if (op !== 'remove') {
      throw ScimError.badRequest('mutability', `Members are immutable: "${op}" takes path "members" and a list of members.`);
    }
    return [planFilteredRemove(path.valueFilter, schema)];
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
function planValueObject(op: 'add' | 'replace', value: JsonValue | undefined, schema: ResourceSchema): GroupChangeStep[] {
  if (!isJsonObject(value)) {
    throw ScimError.badRequest('invalidValue', `"${op}" without a path needs an object of attributes as its value.`);
  }
  const attributes: JsonObject = {};
  const memberSteps: GroupChangeStep[] = [];
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
  const steps: GroupChangeStep[] = [];
  if (Object.keys(attributes).length > 0) steps.push(attributeStep({ op, value: attributes }, schema));
  return [...steps, ...memberSteps];
}

function isMembersPath(attribute: string, schema: string | undefined): boolean {
  if (schema !== undefined && schema.toLowerCase() !== groupResourceSchema.core.id.toLowerCase()) return false;
  return attribute.toLowerCase() === 'members';
}

/** `value eq "x"` or an `or` of those becomes removeMembers; anything else a condition for storage to compile. */
function planFilteredRemove(filter: Filter, schema: ResourceSchema): GroupChangeStep {
  if (membersDefinition === undefined) throw new Error('group schema has no members attribute');
  checkFilter(filter, membersDefinition);
  const ids = idsOf(filter);
  if (ids !== undefined) return { kind: 'removeMembers', ids: [...new Set(ids)] };
  const resolved = memberRefsAsIds(resolveFilter(schema, { kind: 'valuePath', path: { attribute: 'members' }, filter }));
  if (resolved.kind !== 'any') throw ScimError.badRequest('invalidPath', 'members[…] filter could not be resolved');
  return { kind: 'removeMembersWhere', condition: resolved.condition };
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

function memberList(value: JsonValue | undefined): MemberInput[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw ScimError.badRequest('invalidValue', '"members" must be an array of {"value": "<id>"} objects.');
  return uniqueMembers(value.map((item, i) => memberRef(item, i)));
}

/**
 * A member reference. `value` must be a non-empty string; `type` is User or Group (any case);
 * `$ref` is not stored, but names the type when `type` is absent. Other keys are ignored: a member
 * is a reference, and refusing an unknown decoration would stop an IdP's whole membership sync.
 */
function memberRef(item: JsonValue, index: number): MemberInput {
  const where = `members[${index}]`;
  if (!isJsonObject(item)) throw ScimError.badRequest('invalidValue', `${where} must be an object with a "value".`);
  const id = memberOf(item, 'value');
  if (typeof id !== 'string' || id.trim() === '') {
    throw ScimError.badRequest('invalidValue', `${where}.value must be a non-empty string (the member's id).`);
  }
  const rawType = memberOf(item, 'type');
  const ref = memberOf(item, '$ref');
  let type: MemberInput['type'];
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
  return { id, ...(type ? { type } : {}), ...(typeof display === 'string' ? { display } : {}) };
}

function uniqueMembers(members: readonly MemberInput[]): MemberInput[] {
  const byId = new Map<string, MemberInput>();
  for (const member of members) if (!byId.has(member.id)) byId.set(member.id, member);
  return [...byId.values()];
}
