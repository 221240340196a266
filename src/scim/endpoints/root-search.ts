import type { JsonObject } from '../../json/json-value.js';
import { ScimError } from '../errors.js';
import type { AttrPath, Filter } from '../filter/ast.js';
import { parseFilter } from '../filter/parse-filter.js';
import { parsePatchPath } from '../filter/parse-patch-path.js';
import { parseListParams, type ListRequest, type RawListParams } from '../messages/list-params.js';
import { resolvePath, type ResourceSchema } from '../schemas/registry.js';
import { URN } from '../schemas/urns.js';
import type { ProjectionParams, ScimContext, ScimResponse } from './context.js';
import { groupPage } from './groups.js';
import { parseProjection } from './projection.js';
import { userPage } from './users.js';

/**
 * POST /.search at the service root (RFC 7644 §3.4.3): one SearchRequest over Users and Groups.
 *
 * The result is every matching User, then every matching Group, each part in the requested sort
 * where that type has the sort attribute (in its default order where it does not). That order
 * lets a page be read with two bounded reads — at most `count` Users from `startIndex`, then the
 * Groups that fill the rest of the page — instead of merging whole tables. A filter name only one
 * type has is unassigned in the other (which then matches by `ne` or `not` only); a name neither
 * type has is 400 invalidFilter, as at /Users. Paging is by index: a cursor names a position in
 * one table, so `cursor` here is 400.
 */
export async function searchRoot(ctx: ScimContext, raw: RawListParams, projectionParams: ProjectionParams): Promise<ScimResponse> {
  if (raw.cursor !== undefined) {
    throw ScimError.badRequest('invalidValue', 'a search at the service root pages by startIndex and count; use /Users/.search or /Groups/.search for cursors');
  }
  const types = [ctx.userSchema, ctx.groupSchema];
  checkNamesExist(types, raw);
  const across = { unknownIsUnassigned: true };
  const users = parseListParams(ctx.userSchema, raw, ctx.limits, across);
  const groups = parseListParams(ctx.groupSchema, raw, ctx.limits, across);
  for (const note of new Set([...users.leniencies, ...groups.leniencies])) ctx.notes.leniencies.push(note);

  const userProjection = parseProjection(ctx.userSchema, projectionParams, ctx.notes);
  const groupProjection = parseProjection(ctx.groupSchema, projectionParams, ctx.notes);
  const userRows = await readPart(users, (request) => userPage(ctx, request, userProjection));
  const before = users.startIndex - 1;
  const groupsRequest: ListRequest = {
    ...groups,
    query: { ...groups.query, page: { kind: 'index', offset: Math.max(0, before - userRows.total), limit: users.count - userRows.rows.length } },
  };
  const groupRows = await readPart(groupsRequest, (request) => groupPage(ctx, request, groupProjection));
  const resources = [...typed(userRows.rows, 'User'), ...typed(groupRows.rows, 'Group')];
  return {
    status: 200,
    body: {
      schemas: [URN.listResponse],
      totalResults: userRows.total + groupRows.total,
      itemsPerPage: resources.length,
      startIndex: users.startIndex,
      Resources: resources,
    },
  };
}

/** One type's part; a filter that cannot match this type (folded to false) costs no read. */
async function readPart(
  request: ListRequest,
  read: (request: ListRequest) => Promise<{ rows: readonly JsonObject[]; total?: number }>,
): Promise<{ rows: readonly JsonObject[]; total: number }> {
  const { where } = request.query;
  if (where?.kind === 'constant' && !where.value) return { rows: [], total: 0 };
  const page = await read(request);
  return { rows: page.rows, total: page.total ?? 0 };
}

/** Resources from several types are told apart by meta.resourceType, so it stays whatever the projection. */
function typed(rows: readonly JsonObject[], resourceType: string): JsonObject[] {
  return rows.map((row) => {
    const meta = row['meta'];
    return { ...row, meta: { ...(meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? meta : {}), resourceType } };
  });
}

/** A filter or sort name that no resource type has is a client error, as it is for one type. */
function checkNamesExist(types: readonly ResourceSchema[], raw: RawListParams): void {
  const known = (path: AttrPath): boolean => types.some((t) => resolvePath(t, path) !== undefined);
  if (raw.filter !== undefined && raw.filter.trim() !== '') {
    for (const path of filterPaths(parseFilter(raw.filter).filter)) {
      if (!known(path)) throw ScimError.badRequest('invalidFilter', `unknown attribute "${path.attribute}" in filter: neither Users nor Groups have it`);
    }
  }
  if (raw.sortBy !== undefined && raw.sortBy !== '') {
    const sort = parsePatchPath(raw.sortBy);
    if (!known(sort.path)) throw ScimError.badRequest('invalidValue', `sortBy "${raw.sortBy}" is an attribute of neither Users nor Groups`);
  }
}

function filterPaths(filter: Filter): AttrPath[] {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return [...filterPaths(filter.left), ...filterPaths(filter.right)];
    case 'not':
      return filterPaths(filter.filter);
    default:
      // `schemas` belongs to every resource (RFC 7643 §3).
      return filter.path.attribute.toLowerCase() === 'schemas' && !filter.path.schema ? [] : [filter.path];
  }
}
