import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CursorPosition, ListQuery, ListResult } from '../query.js';
import { conditionToSql, type ConditionScope } from './condition-to-sql.js';
import { executeBuilt } from './raw-query.js';
import { sortValueKind } from './sort-expression.js';
import type { RosterDatabase } from './tables.js';

/** A cursor position that cannot come from this query (a client can decode and edit a cursor). */
export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not valid for this query; start again with an empty cursor');
    this.name = 'InvalidCursorError';
  }
}

/** Whether a cursor position has the shape this query's keyset comparison needs (else a database type error). */
function fitsSort(after: CursorPosition, kind: 'integer' | 'number' | 'text' | undefined): boolean {
  if (typeof after.id !== 'string') return false;
  const value: unknown = after.sortValue;
  if (kind === undefined) return true;
  if (kind === 'text') return typeof value === 'string';
  if (kind === 'integer') return Number.isSafeInteger(value);
  return typeof value === 'number' && Number.isFinite(value);
}

/** What `listPage` needs to know about one table. */
export interface ListableTable {
  readonly table: 'users' | 'groups';
  readonly alias: string;
  readonly scope: ConditionScope;
  /** The sort expression for a field (folded where the field is case-insensitive). */
  sortExpression(query: ListQuery): RawBuilder<unknown> | undefined;
}

interface PageRow {
  id: string;
  sort_value?: string | number | null;
}

/**
 * One page of a filtered, sorted list, computed in the database: the filter is compiled to SQL,
 * ordering is (sort expression, id) so pages are stable,  and the total is counted
 * only when the page itself cannot tell it.
 */
export async function listPage<Row extends PageRow>(
  db: Kysely<RosterDatabase>,
  tenantId: string,
  listable: ListableTable,
  query: ListQuery,
  /** One more select-list item from a correlated sub-query (see SqlDialect.correlated). */
  extra?: { column: RawBuilder<unknown>; join: RawBuilder<unknown> },
): Promise<ListResult<Row>> {
  const { alias } = listable;
  const tableRef = sql`${sql.table(listable.table)} as ${sql.raw(alias)}`;
  const filter = query.where ? conditionToSql(listable.scope, query.where) : sql<boolean>`1 = 1`;
  const tenantMatch = sql`${sql.ref(`${alias}.tenant_id`)} = ${tenantId}`;
  const sortExpr = listable.sortExpression(query);
  const descending = query.sort?.descending === true;
  const direction = sql.raw(descending ? 'desc' : 'asc');
  const idRef = sql.ref(`${alias}.id`);
  const orderBy = sortExpr
    ? sql`order by ${sortExpr} ${direction}, ${idRef} ${direction}`
    : sql`order by ${idRef} ${direction}`;
  const sortColumn = sortExpr ? sql`, ${sortExpr} as sort_value` : sql``;
  // The extra column is computed for the page's rows only: the page is chosen first, then joined
  // (and ordered again by the same expressions, which the sub-query's columns still answer to).
  const withExtra = (page: RawBuilder<unknown>) =>
    extra ? sql`select ${sql.raw(alias)}.*, ${extra.column} from (${page}) as ${sql.raw(alias)} ${extra.join} ${orderBy}` : page;
  const wantCount = query.count !== false;

  if (query.page.kind === 'index') {
    const { offset, limit } = query.page;
    const page = sql`select ${sql.raw(alias)}.*${sortColumn} from ${tableRef}
      where ${tenantMatch} and ${filter} ${orderBy} ${listable.scope.dialect.limitOffset(limit, offset)}`;
    const rows = await executeBuilt(db, listable.scope.dialect.engine, sql<Row>`${withExtra(page)}`);
    if (!wantCount) return { rows };
    // A page that is neither full nor empty tells the total by itself (the usual answer to a
    // lookup such as userName eq): only full or empty pages need a count.
    const total = rows.length > 0 && rows.length < limit ? offset + rows.length : offset === 0 && limit > 0 && rows.length === 0 ? 0 : await countAll(db, tableRef, tenantMatch, filter);
    return { rows, total };
  }

  const after = query.page.after;
  if (after && !fitsSort(after, sortValueKind(listable.scope, query))) throw new InvalidCursorError();
  const keyset = after ? keysetCondition(sortExpr, idRef, after, descending) : sql<boolean>`1 = 1`;
  const page = sql`select ${sql.raw(alias)}.*${sortColumn} from ${tableRef}
    where ${tenantMatch} and ${filter} and ${keyset} ${orderBy} ${listable.scope.dialect.limitOffset(query.page.limit + 1, 0)}`;
  const rows = await executeBuilt(db, listable.scope.dialect.engine, sql<Row>`${withExtra(page)}`);
  const pageRows = rows.slice(0, query.page.limit);
  const last = pageRows[pageRows.length - 1];
  const next: CursorPosition | undefined =
    rows.length > query.page.limit && last ? { id: last.id, sortValue: last.sort_value ?? null } : undefined;
  const total = wantCount ? await countAll(db, tableRef, tenantMatch, filter) : undefined;
  return { rows: pageRows, ...(total === undefined ? {} : { total }), ...(next ? { next } : {}) };
}

async function countAll(
  db: Kysely<RosterDatabase>,
  tableRef: RawBuilder<unknown>,
  tenantMatch: RawBuilder<unknown>,
  filter: RawBuilder<boolean>,
): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${tableRef} where ${tenantMatch} and ${filter}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Rows strictly after the cursor in (sort value, id) order. Sort expressions are null-free (coalesced). */
function keysetCondition(
  sortExpr: RawBuilder<unknown> | undefined,
  idRef: RawBuilder<unknown>,
  after: CursorPosition,
  descending: boolean,
): RawBuilder<boolean> {
  const cmp = sql.raw(descending ? '<' : '>');
  if (!sortExpr) return sql<boolean>`${idRef} ${cmp} ${after.id}`;
  return sql<boolean>`(${sortExpr} ${cmp} ${after.sortValue} or (${sortExpr} = ${after.sortValue} and ${idRef} ${cmp} ${after.id}))`;
}
