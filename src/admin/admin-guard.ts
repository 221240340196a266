import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { csrfTokenMatches, resumeSession } from '../provisioning/admins/admin-sessions.js';
import { tenantForAdmin } from '../provisioning/admins/admin-access.js';
import { DomainError } from '../provisioning/errors.js';
import { resumeSetupSession } from '../provisioning/setup/setup-links.js';
import type { SetupLinkRecord } from '../storage/admin-store.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import type { AdminRecord } from '../storage/admin-store.js';
import type { TenantRecord } from '../storage/store.js';
import { AdminApiError, csrfRejected, outsideSetupScope, signInRequired } from './admin-errors.js';
import { readCookie, SESSION_COOKIE, SETUP_COOKIE } from './session-cookie.js';

/** Who is asking: the signed-in admin and the session id from their cookie. */
export interface SignedIn {
  readonly admin: AdminRecord;
  readonly sessionId: string;
  readonly expiresMs: number;
}

/** Who is asking through a setup link: the one tenant it was made for, and the link itself. */
export interface SetupSignedIn {
  readonly tenant: TenantRecord;
  readonly link: SetupLinkRecord;
  readonly sessionId: string;
  readonly expiresMs: number;
}

/** Route declaration part: reachable without a session (sign-in, the OpenAPI document). */
export const PUBLIC_ROUTE = { config: { public: true }, security: [] } as const;
/**
 * Route declaration part: part of a tenant's provisioning setup, so also reachable by a session
 * opened with a setup link (for its own tenant). Every route without it refuses such a session with 403.
 */
export const SETUP_ROUTE = { config: { setup: true }, security: [{ session: [] }, { setupSession: [] }] } as const;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const signedIn = new WeakMap<FastifyRequest, SignedIn>();
const setupSignedIn = new WeakMap<FastifyRequest, SetupSignedIn>();

/** The origin the console is served from: PUBLIC_URL's, else the one the request was sent to. */
export function consoleOrigin(request: FastifyRequest, publicUrl: string): string {
  return publicUrl ? new URL(publicUrl).origin : `${request.protocol}://${request.host}`;
}

/**
 * Same-origin check for state-changing requests: a browser names the page that sent a request in
 * `Origin` (and `Sec-Fetch-Site`); one from another site is refused. Clients that send neither
 * (curl, scripts) still need the CSRF token, which only the console's own pages can read.
 */
function sameOrigin(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return origin === consoleOrigin(request, publicUrl);
}

/**
 * Runs before every admin API handler: the origin check for unsafe methods, then (except on public
 * routes) the session from the cookie and, for unsafe methods, the session's CSRF token in the
 * `X-CSRF-Token` header.
 */
export function adminGuard(rt: ProvisioningRuntime, publicUrl: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const unsafe = !SAFE_METHODS.has(request.method);
    if (unsafe && !sameOrigin(request, publicUrl)) throw csrfRejected();
    const config = request.routeOptions.config as { public?: boolean; setup?: boolean };
    if (config.public === true) return;
    const token = request.headers['x-csrf-token'];
    const csrfOk = (sessionId: string) => !unsafe || csrfTokenMatches(sessionId, typeof token === 'string' ? token : undefined);
    const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
    const found = sessionId ? await resumeSession(rt, sessionId) : undefined;
    if (sessionId && found) {
      if (!csrfOk(sessionId)) throw csrfRejected();
      signedIn.set(request, { admin: found.admin, sessionId, expiresMs: found.session.expiresMs });
      return;
    }
    // No admin: perhaps a browser that opened a setup link. Its scope is enforced here, before any
    // handler runs, so no route can forget to check it.
    const setupId = readCookie(request.headers.cookie, SETUP_COOKIE);
    const setup = setupId ? await resumeSetupSession(rt, setupId) : undefined;
    if (!setupId || !setup) throw signInRequired();
    if (config.setup !== true) throw outsideSetupScope();
    if (!csrfOk(setupId)) throw csrfRejected();
    setupSignedIn.set(request, { tenant: setup.tenant, link: setup.link, sessionId: setupId, expiresMs: setup.session.expiresMs });
  };
}

/** The setup-link session of a request that passed the guard, if that is what signed it in. */
export function setupSession(request: FastifyRequest): SetupSignedIn | undefined {
  return setupSignedIn.get(request);
}

/**
 * The tenant named by `:slug` on a setup route: an admin who manages it, or a setup session made for
 * exactly that tenant (any other slug is reported as missing, as for a tenant admin).
 */
export async function requestedSetupTenant(
  rt: ProvisioningRuntime,
  request: FastifyRequest,
): Promise<{ tenant: TenantRecord; admin?: AdminRecord; setup?: SetupSignedIn }> {
  const { slug } = parseInput(z.object({ slug: z.string().min(1).max(63) }).passthrough(), request.params, 'path');
  const setup = setupSignedIn.get(request);
  if (setup) {
    if (setup.tenant.slug !== slug) throw new DomainError('notFound', `tenant "${slug}" not found`);
    return { tenant: setup.tenant, setup };
  }
  const { admin } = signedInAdmin(request);
  return { tenant: await managedTenant(rt, request, admin, slug), admin };
}

/** The signed-in admin of a request that passed the guard. */
export function signedInAdmin(request: FastifyRequest): SignedIn {
  const state = signedIn.get(request);
  if (!state) throw signInRequired();
  return state;
}

/** The tenant named by `:slug`, when the signed-in admin manages it (else 404, like a missing one). */
export async function requestedTenant(rt: ProvisioningRuntime, request: FastifyRequest): Promise<{ tenant: TenantRecord; admin: AdminRecord }> {
  const { admin } = signedInAdmin(request);
  const { slug } = parseInput(z.object({ slug: z.string().min(1).max(63) }).passthrough(), request.params, 'path');
  return { tenant: await managedTenant(rt, request, admin, slug), admin };
}

const tenantOfRequest = new WeakMap<FastifyRequest, Promise<TenantRecord>>();
/** One lookup per request: the route's access check (adminSurface) and its handler both ask. */
function managedTenant(rt: ProvisioningRuntime, request: FastifyRequest, admin: AdminRecord, slug: string): Promise<TenantRecord> {
  let found = tenantOfRequest.get(request);
  if (!found) {
    found = tenantForAdmin(rt, admin, slug);
    tenantOfRequest.set(request, found);
  }
  return found;
}

/**
 * Before a route's input is parsed: the tenant named by `:slug` must be one this session may see,
 * so another tenant answers 404 whatever the body or query (it is not told apart from a missing one).
 */
export async function authorizeTenantRoute(rt: ProvisioningRuntime, request: FastifyRequest): Promise<void> {
  const params = request.params as { slug?: unknown } | undefined;
  if (params?.slug === undefined) return;
  const config = request.routeOptions.config as { setup?: boolean };
  if (config.setup === true) await requestedSetupTenant(rt, request);
  else await requestedTenant(rt, request);
}

/** Parses query, body or path parameters at the edge; every problem is named in one 400. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'body' | 'path'): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw invalidInput(where, parsed.error.issues);
}

/** The admin API's 400 for input its schema refused. */
export function invalidInput(where: 'query' | 'body' | 'path', issues: readonly z.core.$ZodIssue[]): AdminApiError {
  const problems = issues.map((i) => `${i.path.join('.') || where}: ${i.message}`);
  return new AdminApiError(400, 'invalidValue', `invalid ${where}: ${problems.join('; ')}`);
}
