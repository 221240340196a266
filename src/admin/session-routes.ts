import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { csrfTokenFor, SESSION_MAX_MS, signIn, signOut } from '../provisioning/admins/admin-sessions.js';
import { mountPathOf } from '../http/mount-path.js';
import { addRoute, declareRoute } from '../http/route-contract.js';
import type { AdminRecord } from '../storage/admin-store.js';
import { adminSurface } from './admin-contract.js';
import { AdminApiError } from './admin-errors.js';
import { PUBLIC_ROUTE, signedInAdmin } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { clearedSessionCookie, sessionCookie } from './session-cookie.js';
import { sessionSchema } from './view-schemas.js';
import { adminView } from './views.js';

export const signInRoute = declareRoute({
  method: 'POST',
  path: '/session',
  operationId: 'signIn',
  summary: 'Sign in; the session cookie is set on the answer',
  ...PUBLIC_ROUTE,
  body: z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) }).strict(),
  response: sessionSchema,
  errors: [400, 401, 403, 429],
});
export const getSessionRoute = declareRoute({
  method: 'GET',
  path: '/session',
  operationId: 'getSession',
  summary: 'The signed-in admin and the CSRF token',
  response: sessionSchema,
  errors: [401],
});
export const signOutRoute = declareRoute({ method: 'DELETE', path: '/session', operationId: 'signOut', summary: 'Sign out', response: null, errors: [401, 403] });

/** Sign in, who am I, sign out. */
export function registerSessionRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;
  const surface = adminSurface(options);
  const secureCookie = (request: FastifyRequest) => options.publicUrl.startsWith('https:') || request.protocol === 'https';
  const tenantSlugOf = async (admin: AdminRecord) => (admin.tenantId === null ? null : ((await rt.store.tenants.findById(admin.tenantId))?.slug ?? null));

  addRoute(app, surface, signInRoute, async ({ body, request, reply }) => {
    // request.ip is the client's own address behind a TRUSTED_PROXIES proxy, so one client's
    // failures never lock out everyone behind the proxy.
    const result = await signIn(rt, {
      email: body.email,
      password: body.password,
      clientAddress: request.ip,
      ...(options.signInAttemptsPerAddress ? { attemptsPerAddress: options.signInAttemptsPerAddress } : {}),
    });
    if (!result.ok && result.reason === 'throttled') {
      const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      const what = result.scope === 'address' ? 'too many sign-ins from your address' : 'too many failed sign-ins for this email from your address';
      request.log.warn({ client: request.ip, scope: result.scope }, 'console sign-in throttled');
      throw new AdminApiError(429, 'throttled', `${what}; try again in ${seconds} second${seconds === 1 ? '' : 's'}`, { 'retry-after': String(seconds) });
    }
    if (!result.ok && result.reason === 'disabled') throw new AdminApiError(403, 'adminDisabled', 'this admin is disabled; ask an operator to enable you again');
    if (!result.ok) throw new AdminApiError(401, 'invalidCredentials', 'the email or the password is wrong');
    request.log.info({ admin: result.admin.id, role: result.admin.role }, 'admin signed in');
    reply.header('set-cookie', sessionCookie(result.sessionId, { maxAgeSeconds: SESSION_MAX_MS / 1000, secure: secureCookie(request), mountPath: mountPathOf(request) }));
    return {
      admin: adminView(result.admin, await tenantSlugOf(result.admin)),
      csrfToken: result.csrfToken,
      expiresAt: new Date(result.expiresMs).toISOString(),
    };
  });

  addRoute(app, surface, getSessionRoute, async ({ request }) => {
    const { admin, sessionId, expiresMs } = signedInAdmin(request);
    return { admin: adminView(admin, await tenantSlugOf(admin)), csrfToken: csrfTokenFor(sessionId), expiresAt: new Date(expiresMs).toISOString() };
  });

  addRoute(app, surface, signOutRoute, async ({ request, reply }) => {
    const { sessionId } = signedInAdmin(request);
    await signOut(rt, sessionId);
    reply.header('set-cookie', clearedSessionCookie(secureCookie(request), mountPathOf(request)));
  });
}
