import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import { LoopTurns } from '../../provisioning/work/loop-turns.js';
import { ScimError } from '../errors.js';
import { parseEtag } from '../messages/etag.js';
import { URN } from '../schemas/urns.js';
import type { ScimContext, ScimResponse } from './context.js';
import { patchGroup, postGroup, putGroup, removeGroup } from './groups.js';
import { patchUser, postUser, putUser, removeUser } from './users.js';

/** Renders a failure the way the http layer would, for one Bulk operation's `response`. */
export type ErrorRenderer = (error: unknown) => { status: number; body: JsonObject };

interface BulkOperation {
  readonly method: string;
  readonly path: string;
  readonly bulkId?: string;
  readonly version?: string;
  readonly data?: JsonValue;
}

function parseOperations(body: JsonValue, max: number): { operations: BulkOperation[]; failOnErrors?: number } {
  if (!isJsonObject(body)) throw ScimError.badRequest('invalidSyntax', 'a BulkRequest must be a JSON object');
  const schemas = body['schemas'];
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.bulkRequest.toLowerCase())) {
    throw ScimError.badRequest('invalidSyntax', `schemas must contain ${URN.bulkRequest}`);
  }
  const ops = body['Operations'];
  if (!Array.isArray(ops) || ops.length === 0) throw ScimError.badRequest('invalidSyntax', 'Operations must be a non-empty array');
  if (ops.length > max) {
    // RFC 7644 §3.7.4: over maxOperations the server answers 413.
    throw new ScimError(413, undefined, `a Bulk request may carry at most ${max} operations; this one has ${ops.length}`);
  }
  const failOnErrors = body['failOnErrors'];
  if (failOnErrors !== undefined && (typeof failOnErrors !== 'number' || !Number.isInteger(failOnErrors) || failOnErrors < 1)) {
    throw ScimError.badRequest('invalidValue', 'failOnErrors must be a positive integer');
  }
  const operations = ops.map((op, i): BulkOperation => {
    if (!isJsonObject(op) || typeof op['method'] !== 'string' || typeof op['path'] !== 'string') {
      throw ScimError.badRequest('invalidSyntax', `Operations[${i}] needs a method and a path`);
    }
    const bulkId = op['bulkId'];
    const version = op['version'];
    return {
      method: op['method'].toUpperCase(),
      path: op['path'],
      ...(typeof bulkId === 'string' ? { bulkId } : {}),
      ...(typeof version === 'string' ? { version } : {}),
      ...(op['data'] !== undefined ? { data: op['data'] } : {}),
    };
  });
  return typeof failOnErrors === 'number' ? { operations, failOnErrors } : { operations };
}

/** Replaces "bulkId:x" references (RFC 7644 §3.7.2) with the ids created earlier in the request. */
function resolveReferences(value: JsonValue, created: ReadonlyMap<string, string>): JsonValue {
  if (typeof value === 'string' && value.startsWith('bulkId:')) {
    const id = created.get(value.slice('bulkId:'.length));
    if (id === undefined) throw new ScimError(409, 'invalidValue', `${value} does not name a resource created earlier in this request`);
    return id;
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, created));
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveReferences(v, created);
    return out;
  }
  return value;
}

async function dispatch(ctx: ScimContext, op: BulkOperation, created: ReadonlyMap<string, string>): Promise<ScimResponse> {
  // In a path the reference is one segment: `/Users/bulkId:qwerty`.
  const path = op.path.replace(/bulkId:([^/?]+)/g, (reference) => resolveReferences(reference, created) as string);
  const match = /^\/?(Users|Groups)(?:\/([^/?]+))?\/?$/i.exec(path);
  if (!match) throw ScimError.badRequest('invalidPath', `Bulk path "${op.path}" must be /Users, /Groups or /Users/{id}, /Groups/{id}`);
  const resource = (match[1] ?? '').toLowerCase() === 'users' ? 'user' : 'group';
  const id = match[2];
  const data = op.data === undefined ? undefined : resolveReferences(op.data, created);
  const ifMatch = op.version ? parseEtag(op.version) : undefined;
  const none = {};
  if (op.method === 'POST' && id === undefined) {
    if (data === undefined) throw ScimError.badRequest('invalidSyntax', 'POST needs data');
    return resource === 'user' ? postUser(ctx, data, none) : postGroup(ctx, data, none);
  }
  if (id === undefined) throw ScimError.badRequest('invalidPath', `${op.method} needs a resource id in its path`);
  switch (op.method) {
    case 'PUT':
      if (data === undefined) throw ScimError.badRequest('invalidSyntax', 'PUT needs data');
      return resource === 'user' ? putUser(ctx, id, data, none, ifMatch) : putGroup(ctx, id, data, none, ifMatch);
    case 'PATCH':
      if (data === undefined) throw ScimError.badRequest('invalidSyntax', 'PATCH needs data');
      return resource === 'user' ? patchUser(ctx, id, data, none, ifMatch) : patchGroup(ctx, id, data, none, ifMatch);
    case 'DELETE':
      return resource === 'user' ? removeUser(ctx, id, ifMatch) : removeGroup(ctx, id, ifMatch);
    default:
      throw ScimError.badRequest('invalidSyntax', `Bulk method ${op.method} is not POST, PUT, PATCH or DELETE`);
  }
}

/**
 * POST /Bulk (RFC 7644 §3.7): operations run in order, each in its own transaction, `bulkId`
 * references resolved to ids created earlier; processing stops after `failOnErrors` failures.
 * Between operations the event loop is given back (LoopTurns), so a request of 1,000 operations
 * does not hold every other tenant's requests while it runs.
 */
export async function bulk(ctx: ScimContext, body: JsonValue, renderError: ErrorRenderer): Promise<ScimResponse> {
  const { operations, failOnErrors } = parseOperations(body, ctx.limits.maxBulkOperations);
  const created = new Map<string, string>();
  const results: JsonObject[] = [];
  let errors = 0;
  const turns = new LoopTurns();
  for (const op of operations) {
    if (failOnErrors !== undefined && errors >= failOnErrors) break;
    await turns.turn();
    const entry: JsonObject = { method: op.method };
    if (op.bulkId !== undefined) entry['bulkId'] = op.bulkId;
    try {
      const response = await dispatch(ctx, op, created);
      if (op.bulkId !== undefined && op.method === 'POST' && response.body && typeof response.body['id'] === 'string') {
        created.set(op.bulkId, response.body['id']);
      }
      if (response.location) entry['location'] = response.location;
      if (response.etag) entry['version'] = response.etag;
      entry['status'] = String(response.status);
    } catch (error) {
      errors++;
      const rendered = renderError(error);
      entry['status'] = String(rendered.status);
      entry['response'] = rendered.body;
    }
    results.push(entry);
  }
  return { status: 200, body: { schemas: [URN.bulkResponse], Operations: results } };
}
