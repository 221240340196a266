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
  /** The sorted column is NOT NULL: ordered by as it is, so an index on the bare column serves the order. */
  readonly notNull?: true;
}

/**
 * Where a collection's sub-query sits in the filter, which decides the form the engine runs in
 * bounded time (see `semiJoin` in users.repo.ts).
 */
export interface Placement {
  /**
   * Only `and`s lie between the condition and the WHERE clause, so a row that fails it is never
   * wanted: the database may find the rows from the sub-query's side. False under `or` and `not`.
   */
  readonly conjunct: boolean;
  /** Under an odd number of `not`s: the rows wanted are those with no matching element. */
  readonly negated: boolean;
  /** The tenant of the rows listed, when the caller knows it: a sub-query bound to it is run once, not per row. */
  readonly tenantId: string | undefined;
}

/** Resolves fields and collections of one table to SQL; anything it does not map goes through JSON. */
export interface ConditionScope {
  readonly dialect: SqlDialect;
  /** The JSON document expression of the current row or element. */
  readonly document: RawBuilder<unknown>;
  column(path: readonly string[]): ColumnMapping | undefined;
  /**
   * A sub-query (never null) for "some element matches" over a collection kept in its own table, or
   * undefined to use the JSON array.
   */
  collection?(path: readonly string[], element: (scope: ConditionScope) => RawBuilder<boolean>, placement: Placement): RawBuilder<boolean> | undefined;
  /**
   * A condition every row matching `condition` also matches, answered from an index (a text index
   * for substring tests), or undefined. Asked only where the rows wanted are those that match (not
   * under `not`) and the tenant is known; the filter's own test still decides.
   */
  narrowing?(condition: Condition, tenantId: string): RawBuilder<boolean> | undefined;
}

/**
 * Compiles a condition to a parameterised SQL boolean. Values are always parameters, never text.
 * `tenantId`, when given, is the tenant every row of the outer query belongs to.
 */
export function conditionToSql(scope: ConditionScope, condition: Condition, tenantId?: string): RawBuilder<boolean> {
  return compile(scope, condition, { conjunct: true, negated: false, tenantId });
}

function compile(scope: ConditionScope, condition: Condition, placement: Placement): RawBuilder<boolean> {
  switch (condition.kind) {
    case 'constant':
      return condition.value ? sql<boolean>`1 = 1` : sql<boolean>`1 = 0`;
    case 'and':
      return sql<boolean>`(${compile(scope, condition.left, placement)} and ${compile(scope, condition.right, placement)})`;
    case 'or': {
      const operands = alternatives(condition);
      // Every operand was about one collection: a single "some element matches" that keeps its place.
      if (operands.length === 1) return compile(scope, operands[0]!, placement);
      const nested = { ...placement, conjunct: false };
      return sql<boolean>`(${sql.join(
        operands.map((operand) => compile(scope, operand, nested)),
        sql` or `,
      )})`;
    }
    case 'not': {
      const operands = condition.condition.kind === 'or' ? alternatives(condition.condition) : [condition.condition];
      const operand = operands.length === 1 ? operands[0]! : condition.condition;
      const inner = compile(scope, operand, { ...placement, conjunct: false, negated: !placement.negated });
      // "Some element matches" is never unknown, and a bare NOT EXISTS is what PostgreSQL turns into an anti-join.
      if (operand.kind === 'any') return sql<boolean>`(not ${inner})`;
      // SQL's NOT of an unknown is unknown; a filter's `not` must match rows where the inner is false or unknown.
      const falsy = scope.dialect.engine === 'postgres' ? sql`false` : sql`0`;
      return sql<boolean>`(not coalesce(${inner}, ${falsy}))`;
    }
    case 'present':
      return presentToSql(scope, condition.field);
    case 'compare':
      return narrowed(scope, condition, placement, compareToSql(scope, condition.field, condition.op, condition.value));
    case 'any':
      return narrowed(scope, condition, placement, anyToSql(scope, condition.collection, condition.condition, placement));
  }
}

/** `test`, with the scope's index narrowing before it where one applies (see ConditionScope.narrowing). */
function narrowed(scope: ConditionScope, condition: Condition, placement: Placement, test: RawBuilder<boolean>): RawBuilder<boolean> {
  if (placement.negated || placement.tenantId === undefined || !scope.narrowing) return test;
  const narrowing = scope.narrowing(condition, placement.tenantId);
  return narrowing ? sql<boolean>`(${narrowing} and ${test})` : test;
}

/**
 * The operands of an or-chain, those over the same collection merged: "some element is A, or some
 * element is B" is "some element is A or B", one sub-query instead of one per operand (a chain of 50
 * `emails.value eq` is one index lookup of 50 values, not 50 sub-queries per person).
 */
function alternatives(condition: Condition): Condition[] {
  const operands: (Condition | { collection: readonly string[]; conditions: Condition[] })[] = [];
  const byCollection = new Map<string, { collection: readonly string[]; conditions: Condition[] }>();
  // An explicit stack: a chain is as long as the filter's length allows, deeper than is wise to recurse.
  const pending: Condition[] = [condition];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (next.kind === 'or') {
      pending.push(next.right, next.left);
      continue;
    }
    if (next.kind !== 'any') {
      operands.push(next);
      continue;
    }
    const key = JSON.stringify(next.collection.map((name) => name.toLowerCase()));
    const group = byCollection.get(key);
    if (group) group.conditions.push(next.condition);
    else {
      const fresh = { collection: next.collection, conditions: [next.condition] };
      byCollection.set(key, fresh);
      operands.push(fresh);
    }
  }
  return operands.map((operand) =>
    'kind' in operand ? operand : { kind: 'any', collection: operand.collection, condition: operand.conditions.reduce((left, right) => ({ kind: 'or', left, right })) },
  );
}

function anyToSql(scope: ConditionScope, collection: readonly string[], inner: Condition, placement: Placement): RawBuilder<boolean> {
  // Inside an element every condition is about that one row: nothing in it is a sub-query of its own.
  const matches = (elementScope: ConditionScope) => compile(elementScope, inner, { conjunct: false, negated: false, tenantId: undefined });
  const viaTable = scope.collection?.(collection, matches, placement);
  if (viaTable) return viaTable;
  const alias = 'el';
  const element = scope.dialect.jsonElement(alias);
  const elementScope: ConditionScope = {
    dialect: scope.dialect,
    document: element,
    column: () => undefined,
  };
  return sql<boolean>`exists (select 1 from ${scope.dialect.jsonArrayElements(scope.document, collection, alias)} where ${matches(elementScope)})`;
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

function compareToSql(scope: ConditionScope, field: Field, op: ComparisonOperator, value: string | number | boolean | null): RawBuilder<boolean> {
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
function operands(dialect: SqlDialect, mapping: ColumnMapping, field: Field, value: string | number | boolean): { left: RawBuilder<unknown>; right: string | number } {
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
