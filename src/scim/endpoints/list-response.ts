import type { JsonObject } from '../../json/json-value.js';
import type { CursorPosition } from '../../storage/query.js';
import { encodeCursor, type ListRequest } from '../messages/list-params.js';
import { URN } from '../schemas/urns.js';

/** An RFC 7644 §3.4.2 ListResponse (with RFC 9865 `nextCursor` for cursor pages). */
export function listResponse(request: ListRequest, resources: readonly JsonObject[], total: number | undefined, next: CursorPosition | undefined): JsonObject {
  const totalResults = total ?? request.knownTotal ?? resources.length;
  const body: JsonObject = {
    schemas: [URN.listResponse],
    totalResults,
    itemsPerPage: resources.length,
  };
  // startIndex belongs to index paging (RFC 7644 §3.4.2.4); cursor pages carry nextCursor instead.
  if (!request.cursorMode) body['startIndex'] = request.startIndex;
  if (request.cursorMode && next) {
    body['nextCursor'] = encodeCursor({ p: next, t: totalResults, f: request.fingerprint() });
  }
  body['Resources'] = [...resources];
  return body;
}
