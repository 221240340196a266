import type { Condition, Field, ValueType } from '../../storage/query.js';
import { ScimError } from '../errors.js';
import type { AttributeDefinition } from '../schemas/attribute.js';
import { findAttribute, findExtension, resolvePath, type ResolvedPath, type ResourceSchema } from '../schemas/registry.js';
import type { AttrPath, CompareOp, Filter, FilterValue } from './ast.js';

const invalid = (detail: string) => ScimError.badRequest('invalidFilter', detail);

function written(path: AttrPath): string {
  const base = path.schema ? `${path.schema}:${path.attribute}` : path.attribute;
  return path.subAttribute ? `${base}.${path.subAttribute}` : base;
}

function basePath(resolved: ResolvedPath): string[] {
  const name = resolved.attribute.name;
  return resolved.extension ? [resolved.extension.id, name] : [name];
}

function field(path: readonly string[], definition: AttributeDefinition): Field {
  return { path, type: definition.type as ValueType, caseExact: definition.caseExact };
}

/** Checks the value against the attribute's type and the operator (RFC 7644 §3.4.2.2). */
function checkedValue(op: CompareOp, value: FilterValue, definition: AttributeDefinition, name: string): FilterValue {
  if (value === null) {
    if (op !== 'eq' && op !== 'ne') throw invalid(`"${name} ${op} null": only eq and ne compare with null`);
    return null;
  }
  switch (definition.type) {
    case 'boolean':
      if (op !== 'eq' && op !== 'ne') throw invalid(`${name} is a boolean: use eq or ne, not ${op}`);
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw invalid(`${name} is a boolean; ${JSON.stringify(value)} is not true or false`);
    case 'dateTime':
      if (op === 'co' || op === 'sw' || op === 'ew') throw invalid(`${name} is a dateTime: ${op} does not apply`);
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
        throw invalid(`${name} is a dateTime; ${JSON.stringify(value)} is not an RFC 3339 date-time`);
      }
      return value;
    case 'integer':
    case 'decimal':
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
      throw invalid(`${name} is a number; ${JSON.stringify(value)} is not`);
    case 'complex':
      throw invalid(`${name} is complex: compare one of its sub-attributes (e.g. ${name}.value)`);
    default:
      // Strings: a number or boolean written without quotes is compared as its text.
      return typeof value === 'string' ? value : String(value);
  }
}

function comparison(f: Field, op: CompareOp, value: FilterValue): Condition {
  return { kind: 'compare', field: f, op, value };
}

/** `schemas eq "urn"`: true for the core schema, "has any of that extension" for an extension. */
function schemasCondition(schema: ResourceSchema, op: CompareOp, value: FilterValue): Condition {
  if (op !== 'eq' && op !== 'ne') throw invalid('schemas can only be compared with eq or ne');
  if (typeof value !== 'string') throw invalid('schemas is compared with a schema URN string');
  let matches: Condition;
  if (value.toLowerCase() === schema.core.id.toLowerCase()) matches = { kind: 'constant', value: true };
  else {
    const extension = findExtension(schema, value);
    matches = extension ? { kind: 'present', field: { path: [extension.id], type: 'complex', caseExact: false } } : { kind: 'constant', value: false };
  }
  return op === 'eq' ? matches : { kind: 'not', condition: matches };
}

/** How names the resource type does not have are treated. */
export interface ResolveOptions {
  /**
   * A search at the service root (RFC 7644 §3.4.3) spans resource types: a name one type lacks is
   * an unassigned attribute there (it matches `pr` and comparisons never, `ne` a value always),
   * instead of an invalid filter.
   */
  readonly unknownIsUnassigned?: boolean;
}

/** What a test of an unassigned attribute yields (RFC 7643 §2.5: unassigned is null). */
function unassigned(filter: Filter): Condition {
  if (filter.kind === 'compare' && filter.op === 'ne') return { kind: 'constant', value: filter.value !== null };
  if (filter.kind === 'compare' && filter.op === 'eq') return { kind: 'constant', value: filter.value === null };
  return { kind: 'constant', value: false };
}

/** `meta.resourceType` is the type's name (RFC 7643 §3.1), so eq/ne against it is known before any read. */
function resourceTypeCondition(schema: ResourceSchema, filter: Filter): Condition | undefined {
  if (filter.kind !== 'compare' || (filter.op !== 'eq' && filter.op !== 'ne')) return undefined;
  const { path } = filter;
  if (path.attribute.toLowerCase() !== 'meta' || path.subAttribute?.toLowerCase() !== 'resourcetype') return undefined;
  if (path.schema !== undefined && path.schema.toLowerCase() !== schema.core.id.toLowerCase()) return undefined;
  const same = filter.value === schema.name;
  return { kind: 'constant', value: filter.op === 'eq' ? same : !same };
}

/** Resolves one attribute expression at the top level of a resource. */
function resolveLeaf(schema: ResourceSchema, path: AttrPath, build: (f: Field, d: AttributeDefinition, name: string) => Condition): Condition {
  const name = written(path);
  const resolved = resolvePath(schema, path);
  if (!resolved) throw invalid(`unknown attribute "${name}" in filter`);
  const { attribute, subAttribute } = resolved;
  const base = basePath(resolved);
  if (attribute.multiValued && attribute.type === 'complex') {
    // `emails co "x"` means the emails' value (RFC 7644 §3.4.2.2); `emails.type eq "work"` a sub-attribute.
    const sub = subAttribute ?? findAttribute(attribute.subAttributes, 'value');
    if (!sub) throw invalid(`"${name}" needs a sub-attribute`);
    return { kind: 'any', collection: base, condition: build(field([sub.name], sub), sub, name) };
  }
  if (subAttribute) return build(field([...base, subAttribute.name], subAttribute), subAttribute, name);
  return build(field(base, attribute), attribute, name);
}

/** Resolves an expression inside `attr[…]`, relative to one element of a multi-valued attribute. */
function resolveInElement(owner: AttributeDefinition, ownerName: string, filter: Filter, depthGuard: number): Condition {
  const recurse = (f: Filter) => resolveInElement(owner, ownerName, f, depthGuard);
  switch (filter.kind) {
    case 'and':
    case 'or':
      return { kind: filter.kind, left: recurse(filter.left), right: recurse(filter.right) };
    case 'not':
      return { kind: 'not', condition: recurse(filter.filter) };
    case 'valuePath':
      throw invalid(`value filters cannot be nested inside ${ownerName}[…]`);
    case 'present':
    case 'compare': {
      const name = filter.path.subAttribute ? `${filter.path.attribute}.${filter.path.subAttribute}` : filter.path.attribute;
      if (filter.path.subAttribute !== undefined) throw invalid(`"${ownerName}[${name}…]": sub-attributes of sub-attributes do not exist`);
      const sub = findAttribute(owner.subAttributes, filter.path.attribute);
      if (!sub) throw invalid(`"${ownerName}" has no sub-attribute "${filter.path.attribute}"`);
      const f = field([sub.name], sub);
      if (filter.kind === 'present') return { kind: 'present', field: f };
      return comparison(f, filter.op, checkedValue(filter.op, filter.value, sub, `${ownerName}.${sub.name}`));
    }
  }
}

/**
 * Turns a parsed SCIM filter into a storage condition: names resolved case-insensitively against
 * the schema (unknown ones are refused), values checked against attribute types, multi-valued
 * attributes turned into "some element matches" so storage can use its tables and indexes.
 */
export function resolveFilter(schema: ResourceSchema, filter: Filter, options: ResolveOptions = {}): Condition {
  const recurse = (f: Filter) => resolveFilter(schema, f, options);
  switch (filter.kind) {
    case 'and':
    case 'or':
      return { kind: filter.kind, left: recurse(filter.left), right: recurse(filter.right) };
    case 'not':
      return { kind: 'not', condition: recurse(filter.filter) };
    case 'present':
    case 'compare': {
      if (filter.path.attribute.toLowerCase() === 'schemas' && !filter.path.schema) {
        return filter.kind === 'present' ? { kind: 'constant', value: true } : schemasCondition(schema, filter.op, filter.value);
      }
      const known = resourceTypeCondition(schema, filter);
      if (known) return known;
      if (options.unknownIsUnassigned && !resolvePath(schema, filter.path)) return unassigned(filter);
      if (filter.kind === 'present') return resolveLeaf(schema, filter.path, (f) => ({ kind: 'present', field: f }));
      return resolveLeaf(schema, filter.path, (f, d, name) => comparison(f, filter.op, checkedValue(filter.op, filter.value, d, name)));
    }
    case 'valuePath': {
      const name = written(filter.path);
      const resolved = resolvePath(schema, filter.path);
      if (!resolved && options.unknownIsUnassigned) return unassigned(filter);
      if (!resolved || resolved.subAttribute) throw invalid(`unknown attribute "${name}" before [`);
      if (resolved.attribute.type !== 'complex') throw invalid(`"${name}" is not complex; […] filters apply to complex attributes`);
      const inner = resolveInElement(resolved.attribute, name, filter.filter, 0);
      const base = basePath(resolved);
      if (resolved.attribute.multiValued) return { kind: 'any', collection: base, condition: inner };
      // A single complex attribute: its sub-attributes are fields of the resource itself.
      return prefixFields(inner, base);
    }
  }
}

/** Folds constants out of a condition: `false and x` is false, `not true` is false, and so on. */
export function foldConstants(condition: Condition): Condition {
  switch (condition.kind) {
    case 'and':
    case 'or': {
      const left = foldConstants(condition.left);
      const right = foldConstants(condition.right);
      const absorbing = condition.kind === 'or';
      for (const [one, other] of [
        [left, right],
        [right, left],
      ] as const) {
        if (one.kind === 'constant') return one.value === absorbing ? one : other;
      }
      return { kind: condition.kind, left, right };
    }
    case 'not': {
      const inner = foldConstants(condition.condition);
      return inner.kind === 'constant' ? { kind: 'constant', value: !inner.value } : { kind: 'not', condition: inner };
    }
    default:
      return condition;
  }
}

function prefixFields(condition: Condition, prefix: readonly string[]): Condition {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return { kind: condition.kind, left: prefixFields(condition.left, prefix), right: prefixFields(condition.right, prefix) };
    case 'not':
      return { kind: 'not', condition: prefixFields(condition.condition, prefix) };
    case 'compare':
    case 'present':
      return { ...condition, field: { ...condition.field, path: [...prefix, ...condition.field.path] } };
    default:
      return condition;
  }
}
