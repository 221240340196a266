import type { JsonObject } from '../json/json-value.js';

/**
 * An OpenAPI document whose `servers` name the path it is really served under: a host server may
 * mount Roster under a prefix of its own, so the path written in the document is only the default.
 */
export function withServer(document: JsonObject, url: string): JsonObject {
  return { ...document, servers: [{ url }] };
}
