import { sql, type Kysely, type RawBuilder } from 'kysely';
import { InvalidCursorError, UnsupportedConditionError, type CursorPosition, type ListQuery, type ListResult } from '../query.js';
import { comparisonParameter, conditionToSql, type ConditionScope } from './filter-to-sql.js';
import type { Engine } from './engine.js';
import { longRead } from './offloaded-reads.js';
import { executeCompiled, executePointRead } from './raw-query.js';
import { sortValueKind } from './sort-expression.js';
import type { RosterDatabase } from './tables.js';

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
  /** The condition for `ListQuery.search`, where the table has a text search. */
  search?(tenantId: string, text: string): RawBuilder<boolean>;
  /**
   * Where a count of a search's matches reads them from, when that is cheaper than the condition:
   * a FROM clause that yields the table's rows (under `alias`) matching the search, driven by the
   * text index, so a capped count stops after cap + 1 matches instead of first gathering them all.
   */
  searchSource?(tenantId: string, text: string): RawBuilder<unknown> | undefined;
  /**
   * The search as a test of each row itself, for a page once a capped count has shown the matches
   * are many: the page then walks the table in its order and stops at the page's end, where the
   * `search` condition would first gather every match (undefined: always `search`).
   */
  denseSearch?(text: string): RawBuilder<boolean> | undefined;
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
  const { engine } = listable.scope.dialect;
  const wantCount = query.count !== false;
  let built: QueryParts | undefined;
  const parts = () => (built ??= queryParts(tenantId, listable, query, extra));

  if (query.page.kind === 'index') {
    const { offset, limit } = query.page;
    const fixed = fixedLookup(tenantId, listable, query, extra);
    const compiled =
      fixed?.text !== undefined ? { sql: fixed.text, parameters: fixed.parameters } : parts().page<Row>(listable.scope.dialect.limitOffset(limit, offset)).compile(db);
    if (fixed && fixed.text === undefined) fixed.learn(compiled);
    // A kept one-comparison lookup is an index probe: it stays on the serving connection. One that
    // names a single resource also goes with the turn's other point reads on PostgreSQL; one that
    // may match a page of rows (`active eq true`) would hold those up, so it takes the pool.
    const rows =
      fixed?.text === undefined
        ? await longRead<Row>(db, engine, compiled)
        : namesOne(listable, query)
          ? await executePointRead<Row>(db, engine, compiled.sql, compiled.parameters)
          : await executeCompiled<Row>(db, engine, compiled.sql, compiled.parameters);
    if (!wantCount) return { rows };
    // A page that is neither full nor empty tells the total by itself (the usual answer to a
    // lookup such as userName eq): only full or empty pages need a count.
    const total =
      rows.length > 0 && rows.length < limit ? offset + rows.length : offset === 0 && limit > 0 && rows.length === 0 ? 0 : await countAll(db, engine, parts());
    return { rows, total };
  }

  const { sortExpr, idRef, descending } = parts();
  const after = query.page.after;
  if (after && !fitsSort(after, sortValueKind(listable.scope, query))) throw new InvalidCursorError();
  const cap = query.countCap;
  // A capped search with a count of its own source is counted first: past the cap the matches are
  // many, and the page walks the table testing each row (it stops at the page's end) instead of
  // gathering every match first (100,000 for a surname in a tenant of 1,000,000).
  const dense = wantCount && cap !== undefined && query.search !== undefined && parts().counted ? listable.denseSearch?.(query.search) : undefined;
  const countedFirst = dense ? await countAll(db, engine, parts(), cap) : undefined;
  const pageParts =
    dense && countedFirst !== undefined && countedFirst > (cap ?? Number.POSITIVE_INFINITY) ? queryParts(tenantId, listable, query, extra, dense) : parts();
  const keyset = after ? keysetCondition(sortExpr, idRef, after, descending) : sql<boolean>`1 = 1`;
  const page = pageParts.page<Row>(listable.scope.dialect.limitOffset(query.page.limit + 1, 0), keyset);
  const rows = await longRead<Row>(db, engine, page.compile(db));
  const pageRows = rows.slice(0, query.page.limit);
  const last = pageRows[pageRows.length - 1];
  const next: CursorPosition | undefined = rows.length > query.page.limit && last ? { id: last.id, sortValue: last.sort_value ?? null } : undefined;
  if (!wantCount) return { rows: pageRows, ...(next ? { next } : {}) };
  // A page that is not full, and is the first, is every match: no count needed.
  const whole = !after && !next;
  const counted = countedFirst ?? (whole ? pageRows.length : await countAll(db, engine, parts(), cap));
  const capped = (countedFirst !== undefined || !whole) && cap !== undefined && counted > cap;
  return { rows: pageRows, total: capped ? cap : counted, ...(cap !== undefined ? { totalExact: !capped } : {}), ...(next ? { next } : {}) };
}

/** The pieces of a list query, built only when a page or a count needs them. */
interface QueryParts {
  readonly tableRef: RawBuilder<unknown>;
  readonly tenantMatch: RawBuilder<unknown>;
  readonly filter: RawBuilder<boolean>;
  /** For the count: the search's own source and the filter without the search, where the table has one (see ListableTable.searchSource). */
  readonly counted?: { readonly from: RawBuilder<unknown>; readonly filter: RawBuilder<boolean> };
  readonly sortExpr: RawBuilder<unknown> | undefined;
  readonly idRef: RawBuilder<unknown>;
  readonly descending: boolean;
  /** The page: `select … where tenant and filter <and more> order by … <limit>`, with the extra column when there is one. */
  page<Row>(limit: RawBuilder<unknown>, more?: RawBuilder<boolean>): RawBuilder<Row>;
}

function queryParts(
  tenantId: string,
  listable: ListableTable,
  query: ListQuery,
  extra: { column: RawBuilder<unknown>; join: RawBuilder<unknown> } | undefined,
  /** The search as a test of each row (ListableTable.denseSearch), in place of `search`. */
  denseSearch?: RawBuilder<boolean>,
): QueryParts {
  const { alias } = listable;
  const tableRef = sql`${sql.table(listable.table)} as ${sql.raw(alias)}`;
  const where = query.where ? conditionToSql(listable.scope, query.where, tenantId) : sql<boolean>`1 = 1`;
  const filter = denseSearch ? sql<boolean>`(${where} and ${denseSearch})` : searchAnd(tenantId, listable, query, where);
  const searchFrom = query.search === undefined ? undefined : listable.searchSource?.(tenantId, query.search);
  const tenantMatch = sql`${sql.ref(`${alias}.tenant_id`)} = ${tenantId}`;
  const sortExpr = listable.sortExpression(query);
  const descending = query.sort?.descending === true;
  const direction = sql.raw(descending ? 'desc' : 'asc');
  const idRef = sql.ref(`${alias}.id`);
  const orderBy = sortExpr ? sql`order by ${sortExpr} ${direction}, ${idRef} ${direction}` : sql`order by ${idRef} ${direction}`;
  const sortColumn = sortExpr ? sql`, ${sortExpr} as sort_value` : sql``;
  return {
    tableRef,
    tenantMatch,
    filter,
    ...(searchFrom ? { counted: { from: searchFrom, filter: where } } : {}),
    sortExpr,
    idRef,
    descending,
    page<Row>(limit: RawBuilder<unknown>, more?: RawBuilder<boolean>) {
      const page = sql`select ${sql.raw(alias)}.*${sortColumn} from ${tableRef}
        where ${tenantMatch} and ${filter}${more ? sql` and ${more}` : sql``} ${orderBy} ${limit}`;
      // The extra column is computed for the page's rows only: the page is chosen first, then joined
      // (and ordered again by the same expressions, which the sub-query's columns still answer to).
      return extra ? sql<Row>`select ${sql.raw(alias)}.*, ${extra.column} from (${page}) as ${sql.raw(alias)} ${extra.join} ${orderBy}` : sql<Row>`${page}`;
    },
  };
}

/** The filter, and the text search when the query has one. */
function searchAnd(tenantId: string, listable: ListableTable, query: ListQuery, filter: RawBuilder<boolean>): RawBuilder<boolean> {
  if (query.search === undefined) return filter;
  if (!listable.search) throw new UnsupportedConditionError(`${listable.table} have no text search`);
  return sql<boolean>`(${filter} and ${listable.search(tenantId, query.search)})`;
}

/** Whether an `eq` on this field matches one resource at most: a person's userName, a group's displayName, either's id or externalId. */
function namesOne(listable: ListableTable, query: ListQuery): boolean {
  const where = query.where;
  if (where?.kind !== 'compare' || where.field.path.length !== 1) return false;
  const [name] = where.field.path;
  return name === 'id' || name === 'externalId' || name === (listable.table === 'users' ? 'userName' : 'displayName');
}

/** Compiled texts of one-comparison index pages, per table (and extra column) and shape; null where the shape cannot be kept. */
const fixedTexts = new WeakMap<ListableTable, Map<object | undefined, Map<string, string | null>>>();

interface FixedLookup {
  /** The kept text, or undefined until one compile of this shape has been seen. */
  readonly text: string | undefined;
  readonly parameters: readonly unknown[];
  /** Keeps the general path's compiled text for this shape, if its parameters are exactly ours. */
  learn(compiled: { sql: string; parameters: readonly unknown[] }): void;
}

/**
 * An index page filtered by one `eq` comparison and in the default order: the lookups identity
 * providers send before nearly every write (`userName eq`, `externalId eq`, a group's
 * `displayName eq`). Building and compiling that SQL through the query builder cost about three
 * times what SQLite takes to run it, so each shape's compiled text is kept and only its
 * parameters are worked out per request. A shape is kept only after its first compile showed
 * exactly the parameters [tenant, value, limit, offset]: a form whose SQL binds anything else
 * (a JSON path, a LIKE pattern) always takes the general path.
 */
function fixedLookup(
  tenantId: string,
  listable: ListableTable,
  query: ListQuery,
  extra: { column: RawBuilder<unknown>; join: RawBuilder<unknown> } | undefined,
): FixedLookup | undefined {
  const where = query.where;
  if (query.sort || query.search !== undefined || query.page.kind !== 'index' || where?.kind !== 'compare' || where.op !== 'eq' || where.value === null) return undefined;
  const { field } = where;
  const shape = `${typeof where.value} ${field.type} ${field.caseExact} ${JSON.stringify(field.path)}`;
  let perExtra = fixedTexts.get(listable);
  if (!perExtra) fixedTexts.set(listable, (perExtra = new Map()));
  let texts = perExtra.get(extra);
  if (!texts) perExtra.set(extra, (texts = new Map()));
  const kept = texts.get(shape);
  if (kept === null) return undefined;
  const { offset, limit } = query.page;
  const parameters = [tenantId, comparisonParameter(listable.scope, field, where.value), limit, offset];
  const shapes = texts;
  return {
    text: kept,
    parameters,
    learn(compiled) {
      const same = compiled.parameters.length === parameters.length && compiled.parameters.every((value, i) => value === parameters[i]);
      shapes.set(shape, same ? compiled.sql : null);
    },
  };
}

function countStatement(parts: QueryParts, cap?: number): RawBuilder<{ n: number }> {
  const { tenantMatch } = parts;
  const tableRef = parts.counted?.from ?? parts.tableRef;
  const filter = parts.counted?.filter ?? parts.filter;
  if (cap !== undefined) {
    // One more than the cap says whether there are more; the count stops reading there.
    return sql<{ n: number }>`select count(*) as n from (select 1 from ${tableRef} where ${tenantMatch} and ${filter} limit ${cap + 1}) capped`;
  }
  return sql<{ n: number }>`select count(*) as n from ${tableRef} where ${tenantMatch} and ${filter}`;
}

async function countAll(db: Kysely<RosterDatabase>, engine: Engine, parts: QueryParts, cap?: number): Promise<number> {
  const rows = await longRead<{ n: number }>(db, engine, countStatement(parts, cap).compile(db));
  return Number(rows[0]?.n ?? 0);
}

/**
 * The statements `listPage` runs for an index page of a query: the page (by the general path, whose
 * text the one-comparison lookups keep) and the count. For tests that read the database's plan.
 */
export function listStatements(
  tenantId: string,
  listable: ListableTable,
  query: ListQuery & { page: { kind: 'index' } },
  extra?: { column: RawBuilder<unknown>; join: RawBuilder<unknown> },
): { page: RawBuilder<unknown>; count: RawBuilder<unknown> } {
  const parts = queryParts(tenantId, listable, query, extra);
  return { page: parts.page(listable.scope.dialect.limitOffset(query.page.limit, query.page.offset)), count: countStatement(parts) };
}

/**
 * Rows strictly after the cursor in (sort value, id) order. Sort expressions are null-free (coalesced
 * or NOT NULL). A row-value comparison, which both engines turn into one range start on an index
 * (tenant_id, sort expression, id); the equivalent `a > v or (a = v and id > x)` was read from the
 * tenant's first row on and filtered.
 */
function keysetCondition(sortExpr: RawBuilder<unknown> | undefined, idRef: RawBuilder<unknown>, after: CursorPosition, descending: boolean): RawBuilder<boolean> {
  const cmp = sql.raw(descending ? '<' : '>');
  if (!sortExpr) return sql<boolean>`${idRef} ${cmp} ${after.id}`;
  return sql<boolean>`(${sortExpr}, ${idRef}) ${cmp} (${after.sortValue}, ${after.id})`;
}
