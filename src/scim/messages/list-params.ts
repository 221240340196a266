import { createHash } from 'node:crypto';
import type { CursorPosition, ListQuery, SortOrder, ValueType } from '../../storage/query.js';
import { ScimError } from '../errors.js';
import type { Filter } from '../filter/ast.js';
import { parseFilter } from '../filter/parse-filter.js';
import { parsePatchPath } from '../filter/parse-patch-path.js';
import { foldConstants, resolveFilter, type ResolveOptions } from '../filter/resolve-filter.js';
import { printFilter } from '../filter/print-filter.js';
import { resolvePath, type ResourceSchema } from '../schemas/registry.js';

/** The list parameters of RFC 7644 §3.4.2 and RFC 9865, from a query string or a SearchRequest. */
export interface RawListParams {
  readonly filter?: string | undefined;
  readonly sortBy?: string | undefined;
  readonly sortOrder?: string | undefined;
  readonly startIndex?: string | number | undefined;
  readonly count?: string | number | undefined;
  readonly cursor?: string | undefined;
}

export interface ListLimits {
  readonly defaultPageSize: number;
  readonly maxResults: number;
}

/** A list request ready for storage, plus what the ListResponse must echo. */
export interface ListRequest {
  readonly query: ListQuery;
  readonly startIndex: number;
  readonly count: number;
  readonly cursorMode: boolean;
  /** Total carried by the cursor from the first page, so later pages need not count again. */
  readonly knownTotal?: number;
  /** Binds cursors to the filter and sort they were issued for (computed when a cursor is involved). */
  fingerprint(): string;
  readonly leniencies: readonly string[];
}

function integerParam(name: string, value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) throw ScimError.badRequest('invalidValue', `${name} must be an integer; got ${JSON.stringify(value)}`);
  return n;
}

function sortOrderFor(schema: ResourceSchema, sortBy: string | undefined, sortOrder: string | undefined, unknownIsUnsorted = false): SortOrder | undefined {
  if (sortOrder !== undefined && !/^(ascending|descending)$/i.test(sortOrder)) {
    throw ScimError.badRequest('invalidValue', `sortOrder must be "ascending" or "descending"; got ${JSON.stringify(sortOrder)}`);
  }
  if (sortBy === undefined || sortBy === '') return undefined;
  const path = parsePatchPath(sortBy);
  const resolved = path.valueFilter ? undefined : resolvePath(schema, path.path);
  const target = resolved?.subAttribute ?? resolved?.attribute;
  // Across resource types, a type without the attribute keeps its default order (RFC 7644 §3.4.2.3
  // leaves such resources' place to the server).
  if (!resolved && unknownIsUnsorted && !path.valueFilter) return undefined;
  if (!resolved || !target || target.type === 'complex') {
    throw ScimError.badRequest('invalidValue', `sortBy "${sortBy}" is not a sortable attribute of ${schema.name}`);
  }
  const base = resolved.extension ? [resolved.extension.id, resolved.attribute.name] : [resolved.attribute.name];
  const fieldPath = resolved.subAttribute ? [...base, resolved.subAttribute.name] : base;
  return {
    field: { path: fieldPath, type: target.type as ValueType, caseExact: target.caseExact },
    descending: sortOrder?.toLowerCase() === 'descending',
  };
}

interface CursorToken {
  readonly p?: CursorPosition;
  readonly t?: number;
  readonly f: string;
}

/** Opaque cursor (RFC 9865 §2): position, total and the fingerprint of the query it belongs to. */
export function encodeCursor(token: CursorToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeCursor(cursor: string, fingerprint: string): CursorToken {
  try {
    const token = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorToken;
    const totalFits = token.t === undefined || (Number.isSafeInteger(token.t) && token.t >= 0);
    if (token.f === fingerprint && totalFits && (token.p === undefined || typeof token.p.id === 'string')) return token;
  } catch {
    // fall through
  }
  throw new ScimError(400, 'invalidCursor', 'the cursor is not valid for this query; start again with an empty cursor');
}

/**
 * Parses and checks list parameters; filters are resolved against the schema here, at the edge.
 * With `unknownIsUnassigned` (a search across resource types), names the type lacks are unassigned
 * in the filter and leave the type unsorted, instead of being refused.
 */
export function parseListParams(schema: ResourceSchema, raw: RawListParams, limits: ListLimits, options: ResolveOptions = {}): ListRequest {
  let filter: Filter | undefined;
  let leniencies: string[] = [];
  if (raw.filter !== undefined && raw.filter.trim() !== '') {
    const parsed = parseFilter(raw.filter);
    filter = parsed.filter;
    leniencies = parsed.leniencies;
  }
  const resolved = filter ? foldConstants(resolveFilter(schema, filter, options)) : undefined;
  const where = resolved?.kind === 'constant' && resolved.value ? undefined : resolved;
  const sort = sortOrderFor(schema, raw.sortBy, raw.sortOrder, options.unknownIsUnassigned);
  const requested = integerParam('count', raw.count);
  // RFC 7644 §3.4.2.4: a negative count is 0; above the maximum the server answers with its maximum.
  const count = Math.min(Math.max(requested ?? limits.defaultPageSize, 0), limits.maxResults);
  // Only cursors need it: a lookup by userName does not pay for printing and hashing its filter.
  let printed: string | undefined;
  const fingerprint = (): string =>
    (printed ??= createHash('sha256')
      .update(`${schema.name}|${filter ? printFilter(filter) : ''}|${sort ? sort.field.path.join('.') + (sort.descending ? ' desc' : '') : ''}`)
      .digest('base64url')
      .slice(0, 16));

  if (raw.cursor !== undefined) {
    if (raw.startIndex !== undefined && raw.startIndex !== '') {
      throw ScimError.badRequest('invalidValue', 'use either cursor or startIndex, not both');
    }
    const token = raw.cursor === '' ? undefined : decodeCursor(raw.cursor, fingerprint());
    const page = token?.p ? { kind: 'cursor' as const, after: token.p, limit: count } : { kind: 'cursor' as const, limit: count };
    const base = { startIndex: 1, count, cursorMode: true, fingerprint, leniencies };
    const query = { ...(where ? { where } : {}), ...(sort ? { sort } : {}), page, count: token?.t === undefined };
    return token?.t === undefined ? { ...base, query } : { ...base, query, knownTotal: token.t };
  }
  // RFC 7644 §3.4.2.4: startIndex below 1 is taken as 1; far past the end is simply past the end
  // (capped so the offset stays an integer both databases accept).
  const startIndex = Math.min(Math.max(integerParam('startIndex', raw.startIndex) ?? 1, 1), Number.MAX_SAFE_INTEGER);
  const query: ListQuery = {
    ...(where ? { where } : {}),
    ...(sort ? { sort } : {}),
    page: { kind: 'index', offset: startIndex - 1, limit: count },
  };
  return { query, startIndex, count, cursorMode: false, fingerprint, leniencies };
}
