import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { JsonValue } from '../json/json-value.js';
import { ScimError } from '../scim/errors.js';
import { renderError, scimErrorBody } from './error-response.js';

export interface HttpOptions {
  readonly bodyLimitBytes: number;
  readonly logger: FastifyServerOptions['logger'];
}

/** Both SCIM media types and plain JSON clients (RFC 7644 §3.1 names application/scim+json). */
const JSON_TYPES = ['application/json', 'application/scim+json', 'text/json'];

/**
 * The transport: body limits, media types, request ids, and the single place where errors become
 * responses. Routes are added by the composition root.
 */
export function createHttpApp(options: HttpOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    requestIdHeader: 'x-request-id',
    // Fastify's two lines per request are replaced by the one line logged in onResponse below.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as JsonValue);
    } catch (error) {
      const reason = error instanceof Error ? error.message : 'invalid JSON';
      done(ScimError.badRequest('invalidSyntax', `the body is not valid JSON: ${reason}`), undefined);
    }
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
  });

  app.setErrorHandler((error, request, reply) => {
    const rendered = renderError(error);
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
