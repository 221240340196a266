import { sql, type RawBuilder } from 'kysely';
import { foldText } from '../fold.js';
import { UnsupportedConditionError, type ComparisonOperator, type Condition, type Field } from '../query.js';
import type { SqlDialect } from './dialects/dialect.js';


/** How a field of the current row (or collection element) maps to SQL. */
export interface ColumnMapping {
  /** The raw expression. */
  readonly expression: RawBuilder<unknown>;
  /** A column holding the folded value, used for case-insensitive comparisons (indexed). */
  readonly folded?: RawBuilder<unknown>;
  /** 'bool' columns hold 0/1; 'ms' columns hold epoch milliseconds for dateTime fields. */
  readonly storage?: 'text' | 'bool' | 'ms' | 'number';
}

/** Resolves fields and collections of one table to SQL; anything it does not map goes through JSON. */
export interface ConditionScope {
  readonly dialect: SqlDialect;
  /** The JSON document expression of the current row or element. */
  readonly document: RawBuilder<unknown>;
  column(path: readonly string[]): ColumnMapping | undefined;
  /** An EXISTS sub-query for a collection kept in its own table, or undefined to use the JSON array. */
  collection?(path: readonly string[], element: (scope: ConditionScope) => RawBuilder<boolean>): RawBuilder<boolean> | undefined;
}

/** Compiles a condition to a parameterised SQL boolean. Values are always parameters, never text. */
export function conditionToSql(scope: ConditionScope, condition: Condition): RawBuilder<boolean> {
  switch (condition.kind) {
    case 'constant':
      return condition.value ? sql<boolean>`1 = 1` : sql<boolean>`1 = 0`;
    case 'and':
      return sql<boolean>`(${conditionToSql(scope, condition.left)} and ${conditionToSql(scope, condition.right)})`;
    case 'or':
      return sql<boolean>`(${conditionToSql(scope, condition.left)} or ${conditionToSql(scope, condition.right)})`;
    case 'not': {
      // SQL's NOT of an unknown is unknown; a filter's `not` must match rows where the inner is false or unknown.
      const falsy = scope.dialect.engine === 'postgres' ? sql`false` : sql`0`;
      return sql<boolean>`(not coalesce(${conditionToSql(scope, condition.condition)}, ${falsy}))`;
    }
    case 'present':
      return presentToSql(scope, condition.field);
    case 'compare':
      return compareToSql(scope, condition.field, condition.op, condition.value);
    case 'any':
      return anyToSql(scope, condition.collection, condition.condition);
  }
}

function anyToSql(scope: ConditionScope, collection: readonly string[], inner: Condition): RawBuilder<boolean> {
  const viaTable = scope.collection?.(collection, (elementScope) => conditionToSql(elementScope, inner));
  if (viaTable) return viaTable;
  const alias = 'el';
  const element = scope.dialect.jsonElement(alias);
  const elementScope: ConditionScope = {
    dialect: scope.dialect,
    document: element,
    column: () => undefined,
  };
  return sql<boolean>`exists (select 1 from ${scope.dialect.jsonArrayElements(scope.document, collection, alias)} where ${conditionToSql(elementScope, inner)})`;
}

function jsonMapping(scope: ConditionScope, field: Field): ColumnMapping {
  const { dialect, document } = scope;
  switch (field.type) {
    case 'boolean':
      return { expression: dialect.jsonBoolean(document, field.path), storage: 'bool' };
    case 'integer':
    case 'decimal':
      return { expression: dialect.jsonNumber(document, field.path), storage: 'number' };
    default:
      return { expression: dialect.jsonText(document, field.path), storage: 'text' };
  }
}

function mappingFor(scope: ConditionScope, field: Field): ColumnMapping {
  return scope.column(field.path) ?? jsonMapping(scope, field);
}

function presentToSql(scope: ConditionScope, field: Field): RawBuilder<boolean> {
  const mapping = mappingFor(scope, field);
  if (field.type === 'complex') {
    return sql<boolean>`(${mapping.expression} is not null)`;
  }
  if (mapping.storage === 'text' || mapping.storage === undefined) {
    return sql<boolean>`(${mapping.expression} is not null and ${mapping.expression} <> '')`;
  }
  return sql<boolean>`(${mapping.expression} is not null)`;
}

const ORDERING: Record<'gt' | 'ge' | 'lt' | 'le', string> = { gt: '>', ge: '>=', lt: '<', le: '<=' };

function compareToSql(
  scope: ConditionScope,
  field: Field,
  op: ComparisonOperator,
  value: string | number | boolean | null,
): RawBuilder<boolean> {
  const mapping = mappingFor(scope, field);
  if (value === null) {
    // `attr eq null` asks for "no value" (RFC 7643 §2.5); `ne null` for a value.
    if (op === 'eq') return sql<boolean>`(${mapping.expression} is null)`;
    if (op === 'ne') return sql<boolean>`(${mapping.expression} is not null)`;
    throw new UnsupportedConditionError(`operator ${op} cannot compare with null`);
  }
  const { dialect } = scope;
  const { left, right } = operands(dialect, mapping, field, value);
  switch (op) {
    case 'eq':
      return sql<boolean>`(${left} = ${right})`;
    case 'ne':
      return sql<boolean>`(${left} is null or ${left} <> ${right})`;
    case 'co':
    case 'sw':
    case 'ew': {
      if (typeof right !== 'string') throw new UnsupportedConditionError(`operator ${op} needs a string value`);
      const test = op === 'co' ? dialect.contains(left, right) : op === 'sw' ? dialect.startsWith(left, right) : dialect.endsWith(left, right);
      return sql<boolean>`(${left} is not null and ${test})`;
    }
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return sql<boolean>`(${left} ${sql.raw(ORDERING[op])} ${right})`;
  }
}

/**
 * The value `compareToSql` binds for `field <op> value` (a non-null value): folded, parsed or
 * converted to what the compared column stores. Throws as `compareToSql` would.
 */
export function comparisonParameter(scope: ConditionScope, field: Field, value: string | number | boolean): string | number {
  return operands(scope.dialect, mappingFor(scope, field), field, value).right;
}

/** Picks the column (folded or not) and converts the value to what that column stores. */
function operands(
  dialect: SqlDialect,
  mapping: ColumnMapping,
  field: Field,
  value: string | number | boolean,
): { left: RawBuilder<unknown>; right: string | number } {
  switch (mapping.storage) {
    case 'bool':
      return { left: mapping.expression, right: value === true || value === 'true' ? 1 : 0 };
    case 'ms': {
      const ms = typeof value === 'number' ? value : Date.parse(String(value));
      if (Number.isNaN(ms)) throw new UnsupportedConditionError(`"${String(value)}" is not a dateTime`);
      return { left: mapping.expression, right: ms };
    }
    case 'number':
      return { left: mapping.expression, right: typeof value === 'number' ? value : Number(value) };
    default: {
      const text = String(value);
      if (field.caseExact) return { left: mapping.expression, right: text };
      return { left: mapping.folded ?? dialect.fold(mapping.expression), right: foldText(text) };
    }
  }
}
