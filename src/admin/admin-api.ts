import type { FastifyInstance } from 'fastify';
import { AdminApiError, sendAdminError } from './admin-errors.js';
import { adminGuard, PUBLIC_ROUTE } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { ADMIN_OPENAPI, adminSurface } from './admin-contract.js';
import { registerDirectoryRoutes } from './directory-routes.js';
import { registerLogRoutes } from './log-routes.js';
import { mountPathOf } from '../http/mount-path.js';
import { openApiDocument } from '../http/openapi-document.js';
import { withServer } from '../http/openapi-server.js';
import { addRoute, contractOf, declareRoute, type AnyRouteContract } from '../http/route-contract.js';
import type { JsonObject } from '../json/json-value.js';
import { registerOperatorRoutes } from './operator-routes.js';
import { API_SECURITY_HEADERS } from './security-headers.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerSetupLinkRoutes } from './setup-link-routes.js';
import { registerConnectionCheckRoutes } from './connection-check.js';
import { registerPreviewRoutes } from './preview-routes.js';
import { registerTenantRoutes } from './tenant-routes.js';
import { jsonObject } from './view-schemas.js';

export const adminOpenApiRoute = declareRoute({
  method: 'GET',
  path: '/openapi.json',
  operationId: 'getAdminOpenApi',
  summary: 'This document (OpenAPI 3.1), generated from the route declarations',
  ...PUBLIC_ROUTE,
  response: jsonObject,
  errors: [],
});

/**
 * The admin JSON API (register under /admin/api/v1). Its own error bodies, its own guard
 * (session cookie, CSRF token, same origin), and nothing of SCIM. Every route is declared
 * (route-contract.ts): registering one without a declaration fails at start.
 */
export async function registerAdminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  const declared: AnyRouteContract[] = [];
  app.addHook('onRoute', (route) => {
    const contract = contractOf(route.config);
    // Fastify adds a HEAD route for each GET, with the GET's options.
    if (route.method === 'HEAD') return;
    if (!contract) throw new Error(`admin route ${String(route.method)} ${route.url} has no declaration: register it with addRoute (src/http/route-contract.ts)`);
    declared.push(contract);
  });
  app.setErrorHandler((error, request, reply) => sendAdminError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendAdminError(new AdminApiError(404, 'notFound', `no endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`), request, reply),
  );
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) reply.header(name, value);
  });
  // As the request arrives, before its body is read (see the SCIM routes).
  app.addHook('onRequest', adminGuard(options.rt, options.publicUrl));

  // Generated once, on first request: every route is registered by then.
  let document: JsonObject | undefined;
  addRoute(app, adminSurface(options), adminOpenApiRoute, async ({ request }) => {
    document ??= openApiDocument(ADMIN_OPENAPI, declared);
    return withServer(document, `${mountPathOf(request)}/admin/api/v1`);
  });
  registerSessionRoutes(app, options);
  registerTenantRoutes(app, options);
  registerOperatorRoutes(app, options);
  registerDirectoryRoutes(app, options);
  registerLogRoutes(app, options);
  registerSetupLinkRoutes(app, options);
  registerConnectionCheckRoutes(app, options);
  registerPreviewRoutes(app, options);
}

/** The admin API's OpenAPI document, without serving it (the console types are generated from it). */
export function adminOpenApiDocument(contracts: readonly AnyRouteContract[]): JsonObject {
  return openApiDocument(ADMIN_OPENAPI, contracts);
}
