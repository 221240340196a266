import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { JsonValue } from '../json/json-value.js';
import { hasUnstorableText } from '../json/storable-text.js';
import { withReadBudget } from '../storage/read-budget.js';
import { ScimError } from '../scim/errors.js';
import { limitConnectionsPerAddress } from './connection-limit.js';
import { noteAnsweredDetail, renderError, scimErrorBody } from './error-response.js';
import { redactUrl } from './redact-url.js';
import type { TlsMaterial } from './tls-context.js';
import { trustedProxyMatcher } from './trusted-proxies.js';

export interface HttpOptions {
  readonly bodyLimitBytes: number;
  /** A client that has not sent a request's headers within this long gets 408 and is disconnected. */
  readonly headersTimeoutMs: number;
  /** A client that has not sent a whole request (headers and body) within this long gets 408 and is disconnected. */
  readonly requestTimeoutMs: number;
  /** Open connections one address may hold (0: no limit). */
  readonly maxConnectionsPerAddress: number;
  /** READ_DEADLINE_MS: each request's budget for the reads whose cost its client chose (storage/read-budget.ts); 0: none. */
  readonly readBudgetMs?: number;
  /** Peers (addresses, CIDRs) whose X-Forwarded-For/-Proto/-Host are believed; nobody else's are. */
  readonly trustedProxies?: readonly string[];
  /** Serve HTTPS with this certificate and key (the server's secure context can be swapped later). */
  readonly tls?: TlsMaterial;
  readonly logger: FastifyServerOptions['logger'];
  /** A logger of the host's instead (an embedded Roster logs where its host does); `logger` is then ignored. */
  readonly loggerInstance?: FastifyBaseLogger;
}

/** When each request arrived (its first hook), for its read budget. */
const arrivals = new WeakMap<FastifyRequest, number>();

/** Both SCIM media types and plain JSON clients (RFC 7644 §3.1 names application/scim+json). */
const JSON_TYPES = ['application/json', 'application/scim+json', 'text/json'];

/** Far deeper than any SCIM message (a Bulk operation's PATCH value is about ten levels), far from the stack's end. */
export const MAX_BODY_DEPTH = 64;

/**
 * What makes a parsed body unacceptable before any route sees it; walked without recursion. Text
 * PostgreSQL cannot store is refused on either engine, so a client learns why instead of a 500 on
 * one and silence on the other; in JSON it can only arrive as `\u` escapes, hence the cheap
 * pre-check on the body text.
 */
function bodyProblem(value: JsonValue, hasEscapes: boolean): string | undefined {
  const pending: [JsonValue, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [JsonValue, number];
    if (typeof current === 'string') {
      if (hasEscapes && hasUnstorableText(current)) return 'the body contains U+0000 or an unpaired surrogate (\\u0000, \\ud800…); such text cannot be stored';
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth > MAX_BODY_DEPTH) return `the body nests arrays and objects more than ${MAX_BODY_DEPTH} levels deep`;
    if (Array.isArray(current)) {
      for (const item of current) pending.push([item, depth + 1]);
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      if (hasEscapes && hasUnstorableText(key)) return 'the body contains U+0000 or an unpaired surrogate in a member name; such text cannot be stored';
      pending.push([item, depth + 1]);
    }
  }
  return undefined;
}

const LOGS_REQUESTS = new Set(['trace', 'debug', 'info']);

/**
 * The transport: body limits, media types, request ids, and the single place where errors become
 * responses. Routes are added by the composition root.
 */
export function createHttpApp(options: HttpOptions): FastifyInstance {
  const headersTimeout = Math.min(options.headersTimeoutMs, options.requestTimeoutMs);
  const connectionsCheckingInterval = Math.max(25, Math.min(1000, Math.floor(headersTimeout / 4)));
  const isTrustedProxy = trustedProxyMatcher(options.trustedProxies ?? []);
  const common = {
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    bodyLimit: options.bodyLimitBytes,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    requestIdHeader: 'x-request-id',
    // Unique across processes (Fastify's default counts from req-1 in each process); a caller's own
    // x-request-id, e.g. from the load balancer, is kept as it is.
    genReqId: () => randomUUID(),
    // Fastify's two lines per request are replaced by the one line logged in onResponse below.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Slow clients cannot hold a connection for free: the headers and the whole request each have a
    // deadline. Node checks deadlines on a timer (30 s by default), which would let a trickling
    // client stay up to 30 s past its deadline; checking often costs a walk over open connections.
    requestTimeout: options.requestTimeoutMs,
    // request.ip / protocol / host follow X-Forwarded-* only through peers in TRUSTED_PROXIES,
    // hop by hop from the right, so a client cannot claim another address by sending the header.
    trustProxy: (address: string) => isTrustedProxy(address),
  } satisfies FastifyServerOptions;
  const tls = options.tls;
  // Fastify hands its `http` options only to a plain HTTP server; the HTTPS server takes the same
  // deadlines among its own options. Either way the app is used as an HTTP one: only its server's
  // secure context differs (tls-context.ts swaps it).
  const app: FastifyInstance = tls
    ? (Fastify({ ...common, https: { cert: tls.cert, key: tls.key, headersTimeout, connectionsCheckingInterval } }) as unknown as FastifyInstance)
    : Fastify({ ...common, http: { headersTimeout, connectionsCheckingInterval } });
  limitConnectionsPerAddress(app.server, options.maxConnectionsPerAddress, isTrustedProxy);

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      const value = JSON.parse(text) as JsonValue;
      const problem = bodyProblem(value, text.includes('\\u'));
      if (problem) return done(ScimError.badRequest('invalidValue', problem), undefined);
      done(null, value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'invalid JSON';
      done(ScimError.badRequest('invalidSyntax', `the body is not valid JSON: ${reason}`), undefined);
    }
  });

  // The headers every answer carries are set as the request arrives (an error answer keeps them),
  // in the one hook every request passes anyway: each hook costs a lookup a few microseconds.
  app.addHook('onRequest', async (request, reply) => {
    arrivals.set(request, performance.now());
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    // A NUL in the path or query (an id, a filter) would reach the database as a parameter PostgreSQL refuses.
    if (/%00|\u0000/i.test(request.url)) throw ScimError.badRequest('invalidValue', 'the URL contains U+0000 (%00), which no identifier or value can hold');
  });

  // Each request's handler runs inside its read budget. Opened as the last step before the handler
  // (preHandler, callback style): the body has been read by then, whose stream events would run
  // outside a context opened as the request arrived, and the handler is called from `done`. The
  // budget counts from the request's arrival (the hook above), so that what came before the
  // handler (waiting for a connection to check the credential or count the rate limit on a busy
  // database) cannot push the answer past it: measured, refusals came 2.06-2.19 s after the
  // request with the budget at 1.8 s. A budget already spent still opens (a thousandth of a
  // millisecond): its reads are refused at once.
  const readBudgetMs = options.readBudgetMs ?? 0;
  if (readBudgetMs > 0) {
    app.addHook('preHandler', (request, _reply, done) => {
      const arrived = arrivals.get(request);
      withReadBudget(Math.max(0.001, readBudgetMs - (arrived === undefined ? 0 : performance.now() - arrived)), done);
    });
  }

  // Above info the line would be dropped anyway (the level is fixed at start), so the hook is not added.
  if (LOGS_REQUESTS.has(app.log.level)) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        // The client as TRUSTED_PROXIES allow it to be known: behind a proxy, the address it forwarded.
        {
          method: request.method,
          url: redactUrl(request.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          client: request.ip,
          protocol: request.protocol,
        },
        'request',
      );
    });
  }

  // A request refused before its body was read (authentication runs as the request arrives, on
  // every API) closes its connection after the answer; otherwise Node would go on reading, and
  // waiting for, a body nobody wants. An error hook of the root covers every scope's error handler.
  app.addHook('onError', async (request, reply) => {
    if (!request.raw.complete) reply.header('connection', 'close');
  });

  app.setErrorHandler((error, request, reply) => {
    const rendered = renderError(error);
    noteAnsweredDetail(request, rendered.body);
    if (rendered.internal) request.log.error({ err: error }, 'request failed');
    if (rendered.status === 401) reply.header('www-authenticate', 'Bearer realm="roster"');
    for (const [name, value] of Object.entries(rendered.headers ?? {})) reply.header(name, value);
    return reply.code(rendered.status).header('content-type', 'application/scim+json; charset=utf-8').send(JSON.stringify(rendered.body));
  });

  app.setNotFoundHandler((request, reply) => {
    const body = scimErrorBody(404, `no endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`);
    return reply.code(404).header('content-type', 'application/scim+json; charset=utf-8').send(JSON.stringify(body));
  });

  return app;
}
