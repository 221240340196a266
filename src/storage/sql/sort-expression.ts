import { sql, type RawBuilder } from 'kysely';
import type { ListQuery } from '../query.js';
import type { ConditionScope } from './filter-to-sql.js';

/**
 * The expression to order by for `sortBy` (RFC 7644 §3.4.2.3): the folded column for
 * case-insensitive strings, coalesced so keyset cursors never meet a null. A NOT NULL column is
 * left bare, and a nullable one keeps exactly this coalesce: migration 019 indexes these very
 * expressions, and an index serves an ORDER BY only on the expression it was built on.
 */
export function sortExpressionFor(scope: ConditionScope, query: ListQuery): RawBuilder<unknown> | undefined {
  const field = query.sort?.field;
  if (!field) return undefined;
  const mapped = scope.column(field.path);
  if (mapped) {
    const expression = !field.caseExact && mapped.folded ? mapped.folded : mapped.expression;
    if (mapped.notNull) return expression;
    if (mapped.storage === 'ms' || mapped.storage === 'bool' || mapped.storage === 'number') return sql`coalesce(${expression}, 0)`;
    return sql`coalesce(${expression}, '')`;
  }
  if (field.type === 'integer' || field.type === 'decimal') return sql`coalesce(${scope.dialect.jsonNumber(scope.document, field.path)}, 0)`;
  if (field.type === 'boolean') return sql`coalesce(${scope.dialect.jsonBoolean(scope.document, field.path)}, 0)`;
  const text = scope.dialect.jsonText(scope.document, field.path);
  return sql`coalesce(${field.caseExact ? text : scope.dialect.fold(text)}, '')`;
}

/**
 * What the sort expression yields: whole numbers (epoch-ms and 0/1 columns, JSON booleans), any
 * number (JSON numbers), or text. A cursor's sort value must be of that kind.
 */
export function sortValueKind(scope: ConditionScope, query: ListQuery): 'integer' | 'number' | 'text' | undefined {
  const field = query.sort?.field;
  if (!field) return undefined;
  const mapped = scope.column(field.path);
  if (mapped) {
    if (mapped.storage === 'ms' || mapped.storage === 'bool') return 'integer';
    return mapped.storage === 'number' ? 'number' : 'text';
  }
  if (field.type === 'integer' || field.type === 'decimal') return 'number';
  return field.type === 'boolean' ? 'integer' : 'text';
}
