import type { FastifyInstance } from 'fastify';
import { AdminApiError, sendAdminError } from './admin-errors.js';
import { adminGuard, PUBLIC_ROUTE } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { registerDirectoryRoutes } from './directory-routes.js';
import { registerLogRoutes } from './log-routes.js';
import { mountPathOf } from '../http/mount-path.js';
import { withServer } from '../http/openapi-server.js';
import { openApiDocument } from './openapi.js';
import { registerOperatorRoutes } from './operator-routes.js';
import { API_SECURITY_HEADERS } from './security-headers.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerSetupLinkRoutes } from './setup-link-routes.js';
import { registerConnectionCheckRoutes } from './connection-check.js';
import { registerPreviewRoutes } from './preview-routes.js';
import { registerTenantRoutes } from './tenant-routes.js';

/**
 * The admin JSON API (register under /admin/api/v1). Its own error bodies, its own guard
 * (session cookie, CSRF token, same origin), and nothing of SCIM.
 */
export async function registerAdminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  app.setErrorHandler((error, request, reply) => sendAdminError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendAdminError(new AdminApiError(404, 'notFound', `no endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`), request, reply),
  );
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) reply.header(name, value);
  });
  // As the request arrives, before its body is read (see the SCIM routes).
  app.addHook('onRequest', adminGuard(options.rt, options.publicUrl));

  app.get('/openapi.json', PUBLIC_ROUTE, async (request) => withServer(openApiDocument, `${mountPathOf(request)}/admin/api/v1`));
  registerSessionRoutes(app, options);
  registerTenantRoutes(app, options);
  registerOperatorRoutes(app, options);
  registerDirectoryRoutes(app, options);
  registerLogRoutes(app, options);
  registerSetupLinkRoutes(app, options);
  registerConnectionCheckRoutes(app, options);
  registerPreviewRoutes(app, options);
}
