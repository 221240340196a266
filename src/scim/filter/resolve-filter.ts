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
    matches = extension
      ? { kind: 'present', field: { path: [extension.id], type: 'complex', caseExact: false } }
      : { kind: 'constant', value: false };
  }
  return op === 'eq' ? matches : { kind: 'not', condition: matches };
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
export function resolveFilter(schema: ResourceSchema, filter: Filter): Condition {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return { kind: filter.kind, left: resolveFilter(schema, filter.left), right: resolveFilter(schema, filter.right) };
    case 'not':
      return { kind: 'not', condition: resolveFilter(schema, filter.filter) };
    case 'present':
      if (filter.path.attribute.toLowerCase() === 'schemas' && !filter.path.schema) return { kind: 'constant', value: true };
      return resolveLeaf(schema, filter.path, (f) => ({ kind: 'present', field: f }));
    case 'compare':
      if (filter.path.attribute.toLowerCase() === 'schemas' && !filter.path.schema) return schemasCondition(schema, filter.op, filter.value);
      return resolveLeaf(schema, filter.path, (f, d, name) => comparison(f, filter.op, checkedValue(filter.op, filter.value, d, name)));
    case 'valuePath': {
      const name = written(filter.path);
      const resolved = resolvePath(schema, filter.path);
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
