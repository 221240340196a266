import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import type { ActivityRecorder } from '../provisioning/tenants/activity-recorder.js';
import { tenantSettings } from '../provisioning/tenants/tenant-settings.js';
import type { RequestLogWriter } from '../provisioning/tenants/request-log-writer.js';
import { uuidv7 } from '../provisioning/runtime.js';
import type { RequestLogEntry, TenantRecord } from '../storage/store.js';
import type { ClientLimits } from './client-limits.js';
import { answeredDetail, renderError } from './error-response.js';
import { endOfTurn } from './end-of-turn.js';
import { mountPathOf } from './mount-path.js';
import { loggedDiff, loggedRequestBody, loggedResponseBody } from './logged-bodies.js';
import { redactUrl } from './redact-url.js';
import { resolveTenant, unauthorized } from './resolve-tenant.js';
import { bulk } from '../scim/endpoints/bulk.js';
import { newNotes, type ProjectionParams, type ScimContext, type ScimLimits, type ScimResponse } from '../scim/endpoints/context.js';
import { resourceTypes, schemas, serviceProviderConfig } from '../scim/endpoints/discovery.js';
import { patchGroup, postGroup, putGroup, readGroup, removeGroup, searchGroups } from '../scim/endpoints/groups.js';
import { searchRoot } from '../scim/endpoints/root-search.js';
import { patchUser, postUser, putUser, readUser, removeUser, searchUsers } from '../scim/endpoints/users.js';
import { ScimError } from '../scim/errors.js';
import type { RawListParams } from '../scim/messages/list-params.js';
import { etagMatches, parseEtag } from '../scim/messages/etag.js';
import type { ResourceSchema } from '../scim/schemas/registry.js';

export interface ScimRouteOptions {
  readonly rt: ProvisioningRuntime;
  readonly activity: ActivityRecorder;
  readonly requestLog: RequestLogWriter;
  /** The User resource with the tenant's extension URN (built once per URN). */
  readonly userSchemaFor: (extensionUrn: string) => ResourceSchema;
  readonly groupSchema: ResourceSchema;
  readonly bodyLimitBytes: number;
  readonly publicUrl: string;
  /** Shared by both route prefixes: per credential, per IP, and failed authentications per IP. */
  readonly limits: ScimLimits;
  readonly clientLimits: ClientLimits;
  /** Where the route prefix names the tenant (`/t/:slug/scim/v2`). */
  readonly tenantInPath: boolean;
}

/** A refused SCIM request as the provisioning log keeps it: the outcome and why, never the credential. */
export interface RefusedAttempt {
  readonly tenantId: string;
  /** The tenant's own (revoked) credential, or null. */
  readonly credentialId: string | null;
  readonly outcome: 'wrong-token' | 'revoked-token' | 'other-tenant-token' | 'provisioning-off' | 'wrong-url';
  readonly detail: string;
}

/** The log entry of a refused request; `notes.refused` names the outcome for the connection check. */
export function refusedEntry(request: FastifyRequest, status: number, attempt: RefusedAttempt, now: number): RequestLogEntry {
  const userAgent = request.headers['user-agent'];
  return {
    tenantId: attempt.tenantId,
    id: uuidv7(now),
    atMs: now,
    method: request.method,
    path: redactUrl(request.url).slice(0, 2000),
    status,
    durationMs: 0,
    client: typeof userAgent === 'string' ? userAgent.slice(0, 300) : null,
    credentialId: attempt.credentialId,
    resourceType: null,
    resourceId: null,
    changed: false,
    notes: { refused: attempt.outcome },
    error: attempt.detail,
  };
}

/** Query parameters by lower-cased name: clients write `startIndex`, `startindex`, `StartIndex`. */
type Query = ReadonlyMap<string, string | undefined>;
const SCIM_JSON = 'application/scim+json; charset=utf-8';

function queryOf(request: FastifyRequest): Query {
  const q = request.query;
  const out = new Map<string, string | undefined>();
  if (typeof q === 'object' && q !== null) {
    for (const [k, v] of Object.entries(q)) {
      const name = k.toLowerCase();
      // The first spelling wins when a client sends the same parameter in two cases.
      if (!out.has(name)) out.set(name, Array.isArray(v) ? String(v[v.length - 1]) : typeof v === 'string' ? v : undefined);
    }
  }
  return out;
}

function listParams(q: Query): RawListParams {
  return {
    filter: q.get('filter'),
    sortBy: q.get('sortby'),
    sortOrder: q.get('sortorder'),
    startIndex: q.get('startindex'),
    count: q.get('count'),
    cursor: q.get('cursor'),
  };
}

function projectionParams(q: Query): ProjectionParams {
  return { attributes: q.get('attributes'), excludedAttributes: q.get('excludedattributes') };
}

/** A SearchRequest body (RFC 7644 §3.4.3) as list and projection parameters. */
function searchBody(body: JsonValue): { list: RawListParams; projection: ProjectionParams } {
  if (!isJsonObject(body)) throw ScimError.badRequest('invalidSyntax', 'a SearchRequest must be a JSON object');
  const text = (key: string): string | undefined => {
    const v = body[key];
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join(',');
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw ScimError.badRequest('invalidValue', `SearchRequest ${key} has the wrong type`);
  };
  return {
    list: {
      filter: text('filter'),
      sortBy: text('sortBy'),
      sortOrder: text('sortOrder'),
      startIndex: text('startIndex'),
      count: text('count'),
      cursor: text('cursor'),
    },
    projection: { attributes: text('attributes'), excludedAttributes: text('excludedAttributes') },
  };
}

/**
 * A request's notes as the provisioning log keeps them: only the lists that have something
 * (readers treat a missing list as empty). Most requests are reads with nothing to note, and
 * five empty lists on each of their rows were a third of the row.
 */
function loggedNotes(notes: ScimContext['notes']): JsonObject {
  const kept: JsonObject = {};
  for (const list of ['changes', 'warnings', 'normalisers', 'leniencies'] as const) if (notes[list].length > 0) kept[list] = [...notes[list]];
  if (notes.diff.length > 0) kept['diff'] = loggedDiff(notes.diff);
  if (notes.ignored.length > 0) {
    kept['ignored'] = notes.ignored.map(({ matches, ...entry }): JsonObject => (matches ? { ...entry, matches: [...matches] } : { ...entry }));
  }
  return kept;
}

/** What a log search matches: the path, the names of ignored attributes and of the normalisers that fired. */
function searchTextOf(url: string, notes: ScimContext['notes']): string {
  const words = [redactUrl(url).slice(0, 2000), ...notes.ignored.map((i) => i.path), ...notes.normalisers];
  return words.join('\n').toLowerCase();
}

function ifMatchOf(request: FastifyRequest) {
  const header = request.headers['if-match'];
  return typeof header === 'string' ? parseEtag(header) : undefined;
}

/**
 * The SCIM endpoints under one prefix. Every request is authenticated first; the tenant comes
 * from the credential and, under `/t/{slug}`, must match the slug (else 401).
 */
export async function registerScimRoutes(app: FastifyInstance, options: ScimRouteOptions): Promise<void> {
  const contexts = new WeakMap<FastifyRequest, { ctx: ScimContext; tenant: TenantRecord; credentialId: string }>();
  // Refused requests that can be told to a tenant (its revoked token, its slug in the URL, its
  // switched-off provisioning): the live connection check explains them. Never holds the token.
  const refused = new WeakMap<FastifyRequest, RefusedAttempt>();
  // The text of each answer as sent, for the log's response body; a streamed group is not kept.
  const answers = new WeakMap<FastifyRequest, string>();

  // As the request arrives, before its body is read: a client without a valid credential cannot
  // make Roster receive (and wait for) a body at all.
  app.addHook('onRequest', async (request, reply) => {
    const limited = (wait: number, what: string) => {
      reply.header('retry-after', String(wait));
      return new ScimError(429, undefined, `too many requests ${what}; retry after ${wait} s`);
    };
    const result = await resolveTenant(options.rt, request.headers.authorization);
    const slug = options.tenantInPath ? (request.params as { slug?: string }).slug : undefined;
    const slugTenant = async () => (slug === undefined ? undefined : options.rt.store.tenants.findBySlug(slug));
    if (!result?.ok) {
      request.log.info({ reason: result?.reason ?? 'missing', client: request.ip }, 'SCIM authentication failed');
      // Guessing credentials is slowed down per address; the answer stays one indistinct 401 until then.
      const limit = await options.clientLimits.failed(request.ip);
      if (limit) throw limited(limit.waitSeconds, limit.what);
      if (result?.revoked) {
        refused.set(request, {
          tenantId: result.revoked.tenant.id,
          credentialId: result.revoked.credential.id,
          outcome: 'revoked-token',
          detail: 'the token was revoked',
        });
      } else {
        const named = await slugTenant();
        if (named)
          refused.set(request, {
            tenantId: named.id,
            credentialId: null,
            outcome: 'wrong-token',
            detail: result ? 'the token is not one Roster issued' : 'no token was sent',
          });
      }
      throw unauthorized();
    }
    const limit = await options.clientLimits.authenticated(request.ip, result.credential.id);
    if (limit) throw limited(limit.waitSeconds, limit.what);
    if (options.tenantInPath && slug !== result.tenant.slug) {
      // Told to the tenant the URL names, without saying whose token it was.
      const named = await slugTenant();
      if (named) refused.set(request, { tenantId: named.id, credentialId: null, outcome: 'other-tenant-token', detail: "the token is another tenant's" });
      throw unauthorized();
    }
    if (!result.tenant.provisioningEnabled) {
      refused.set(request, { tenantId: result.tenant.id, credentialId: result.credential.id, outcome: 'provisioning-off', detail: 'provisioning is switched off' });
      throw new ScimError(403, undefined, `provisioning is switched off for tenant "${result.tenant.slug}"; an admin can switch it on again`);
    }
    // Under the path a host server mounted Roster at, if it did (see mount-path.ts).
    const host = `${options.publicUrl || `${request.protocol}://${request.host}`}${mountPathOf(request)}`;
    const prefix = options.tenantInPath ? `/t/${result.tenant.slug}/scim/v2` : '/scim/v2';
    const settings = tenantSettings(result.tenant);
    const ctx: ScimContext = {
      rt: options.rt,
      scope: { tenantId: result.tenant.id },
      baseUrl: `${host}${prefix}`,
      settings,
      userSchema: options.userSchemaFor(settings.extensionUrn),
      groupSchema: options.groupSchema,
      limits: options.limits,
      notes: newNotes(),
    };
    contexts.set(request, { ctx, tenant: result.tenant, credentialId: result.credential.id });
  });

  app.addHook('onSend', async (request, _reply, payload) => {
    if (typeof payload === 'string' && contexts.has(request)) answers.set(request, payload);
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const state = contexts.get(request);
    if (!state) {
      const attempt = refused.get(request);
      if (attempt) options.requestLog.append(refusedEntry(request, reply.statusCode, attempt, options.rt.now()));
      return;
    }
    const { notes } = state.ctx;
    const now = options.rt.now();
    options.activity.note(state.tenant.id, state.credentialId, now, notes.changed);
    const userAgent = request.headers['user-agent'];
    options.requestLog.append({
      tenantId: state.tenant.id,
      id: uuidv7(now),
      atMs: now,
      method: request.method,
      path: redactUrl(request.url).slice(0, 2000),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime),
      client: typeof userAgent === 'string' ? userAgent.slice(0, 300) : null,
      credentialId: state.credentialId,
      resourceType: notes.resource?.type ?? null,
      resourceId: notes.resource?.id ?? null,
      changed: notes.changed,
      notes: loggedNotes(notes),
      error: answeredDetail(request) ?? null,
      event: notes.event ?? null,
      requestBody: loggedRequestBody(request.body),
      responseBody: loggedResponseBody(answers.get(request)),
      searchText: searchTextOf(request.url, notes),
    });
    // Nothing is ignored silently: dropped attributes (password included) and normalisers that fired.
    if (notes.ignored.length > 0 || notes.normalisers.length > 0 || notes.leniencies.length > 0 || notes.warnings.length > 0) {
      request.log.info(
        { tenant: state.tenant.slug, ignored: notes.ignored, warnings: notes.warnings, normalisers: notes.normalisers, leniencies: notes.leniencies },
        'SCIM request notes',
      );
    }
  });

  const context = (request: FastifyRequest): ScimContext => {
    const state = contexts.get(request);
    if (!state) throw unauthorized();
    return state.ctx;
  };

  const send = async (request: FastifyRequest, reply: FastifyReply, response: ScimResponse) => {
    await endOfTurn();
    if (response.etag) reply.header('etag', response.etag);
    if (response.status === 201 && response.location) reply.header('location', response.location);
    const ifNoneMatch = request.headers['if-none-match'];
    if (request.method === 'GET' && response.etag && typeof ifNoneMatch === 'string' && response.status === 200) {
      const version = Number(/(\d+)/.exec(response.etag)?.[1]);
      if (etagMatches(parseEtag(ifNoneMatch), version)) return reply.code(304).send();
    }
    if (response.stream) {
      // Written as read, a page of members at a time, with backpressure (the next page is read once
      // the socket has taken the last). A failure after the first bytes cannot become an error
      // response any more: Fastify then destroys the connection, so the client sees a truncated,
      // unparseable answer and retries, rather than a 200 with half a group it would take as whole.
      // A failure before them is answered as any other error.
      return reply
        .code(response.status)
        .header('content-type', SCIM_JSON)
        .send(Readable.from(response.stream, { objectMode: false }));
    }
    if (response.body === undefined) return reply.code(response.status).send();
    return reply.code(response.status).header('content-type', SCIM_JSON).send(JSON.stringify(response.body));
  };

  const body = (request: FastifyRequest): JsonValue => {
    if (request.body === undefined || request.body === null) throw ScimError.badRequest('invalidSyntax', 'a JSON body is required');
    return request.body as JsonValue;
  };
  const id = (request: FastifyRequest): string => (request.params as { id: string }).id;

  app.get('/ServiceProviderConfig', async (req, reply) => send(req, reply, serviceProviderConfig(context(req), options.bodyLimitBytes)));
  // An alias: Microsoft's SCIM reference sample serves its configuration at /serviceConfiguration,
  // and the validator collection built on it calls that path (docs/idp/entra-id.md). RFC 7644 §4
  // names /ServiceProviderConfig, which the answer's meta.location keeps pointing to.
  app.get('/serviceConfiguration', async (req, reply) => {
    const ctx = context(req);
    ctx.notes.leniencies.push('/serviceConfiguration answered as /ServiceProviderConfig (RFC 7644 §4)');
    return send(req, reply, serviceProviderConfig(ctx, options.bodyLimitBytes));
  });
  app.get('/ResourceTypes', async (req, reply) => send(req, reply, resourceTypes(context(req))));
  app.get('/ResourceTypes/:id', async (req, reply) => send(req, reply, resourceTypes(context(req), id(req))));
  app.get('/Schemas', async (req, reply) => send(req, reply, schemas(context(req))));
  app.get('/Schemas/:id', async (req, reply) => send(req, reply, schemas(context(req), id(req))));

  app.post('/.search', async (req, reply) => {
    const s = searchBody(body(req));
    return send(req, reply, await searchRoot(context(req), s.list, s.projection));
  });
  app.get('/Users', async (req, reply) => {
    const q = queryOf(req);
    return send(req, reply, await searchUsers(context(req), listParams(q), projectionParams(q)));
  });
  app.post('/Users/.search', async (req, reply) => {
    const s = searchBody(body(req));
    return send(req, reply, await searchUsers(context(req), s.list, s.projection));
  });
  app.get('/Users/:id', async (req, reply) => send(req, reply, await readUser(context(req), id(req), projectionParams(queryOf(req)))));
  app.post('/Users', async (req, reply) => send(req, reply, await postUser(context(req), body(req), projectionParams(queryOf(req)))));
  app.put('/Users/:id', async (req, reply) => send(req, reply, await putUser(context(req), id(req), body(req), projectionParams(queryOf(req)), ifMatchOf(req))));
  app.patch('/Users/:id', async (req, reply) => send(req, reply, await patchUser(context(req), id(req), body(req), projectionParams(queryOf(req)), ifMatchOf(req))));
  app.delete('/Users/:id', async (req, reply) => send(req, reply, await removeUser(context(req), id(req), ifMatchOf(req))));

  app.get('/Groups', async (req, reply) => {
    const q = queryOf(req);
    return send(req, reply, await searchGroups(context(req), listParams(q), projectionParams(q)));
  });
  app.post('/Groups/.search', async (req, reply) => {
    const s = searchBody(body(req));
    return send(req, reply, await searchGroups(context(req), s.list, s.projection));
  });
  app.get('/Groups/:id', async (req, reply) => send(req, reply, await readGroup(context(req), id(req), projectionParams(queryOf(req)))));
  app.post('/Groups', async (req, reply) => send(req, reply, await postGroup(context(req), body(req), projectionParams(queryOf(req)))));
  app.put('/Groups/:id', async (req, reply) => send(req, reply, await putGroup(context(req), id(req), body(req), projectionParams(queryOf(req)), ifMatchOf(req))));
  app.patch('/Groups/:id', async (req, reply) => send(req, reply, await patchGroup(context(req), id(req), body(req), projectionParams(queryOf(req)), ifMatchOf(req))));
  app.delete('/Groups/:id', async (req, reply) => send(req, reply, await removeGroup(context(req), id(req), ifMatchOf(req))));

  app.post('/Bulk', async (req, reply) =>
    send(
      req,
      reply,
      await bulk(context(req), body(req), (error) => {
        const rendered = renderError(error);
        if (rendered.internal) req.log.error({ err: error }, 'bulk operation failed');
        return { status: rendered.status, body: rendered.body };
      }),
    ),
  );
}
