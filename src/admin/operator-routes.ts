import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { disableAdmin, enableAdmin, removeAdmin } from '../provisioning/admins/admin-lifecycle.js';
import { inviteAdmin } from '../provisioning/admins/invite-admin.js';
import { listAdmins } from '../provisioning/admins/manage-admins.js';
import { issuePasswordReset, resetLink, resetLinkState, resetPasswordWithLink } from '../provisioning/admins/password-reset.js';
import { latestOperatorActions } from '../provisioning/operator/operator-audit.js';
import { deleteTenant, describeRemoved } from '../provisioning/tenants/delete-tenant.js';
import { createTenant, renameTenant } from '../provisioning/tenants/manage-tenants.js';
import { addRoute, declareRoute } from '../http/route-contract.js';
import type { AdminRecord } from '../storage/admin-store.js';
import { adminSurface, READ_ERRORS, tenantPath } from './admin-contract.js';
import { AdminApiError } from './admin-errors.js';
import { consoleOrigin, PUBLIC_ROUTE, requestedTenant, signedInAdmin } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { scimEndpoints } from './tenant-routes.js';
import { adminListingSchema, endpointsSchema, isoTime, jsonValue, tenantSchema, type AdminListingView } from './view-schemas.js';
import { tenantView } from './views.js';

const adminPath = z.object({ id: z.string().min(1).max(64).describe('The admin id.') });
const OPERATOR_ERRORS = [401, 403, 404] as const;

export const renameTenantRoute = declareRoute({
  method: 'PATCH',
  path: '/tenants/:slug',
  operationId: 'renameTenant',
  summary: 'Operators: rename a tenant (slug and/or display name). A new slug changes the /t/{slug}/scim/v2 URL IdPs use; /scim/v2 is unaffected',
  params: tenantPath,
  body: z.object({ slug: z.string().min(1).max(63).optional(), name: z.string().min(1).max(200).optional() }).strict(),
  response: z.strictObject({ tenant: tenantSchema, before: z.strictObject({ slug: z.string(), name: z.string() }), endpoints: endpointsSchema }),
  errors: [...READ_ERRORS, 409],
});
export const deleteTenantRoute = declareRoute({
  method: 'DELETE',
  path: '/tenants/:slug',
  operationId: 'deleteTenant',
  summary:
    'Operators: delete a tenant and everything of it (people, groups, folders, events, log, held changes, webhooks, credentials, host keys, tenant admins); answers what was removed',
  params: tenantPath,
  query: z.object({ confirm: z.string().min(1).max(63).describe('The slug again, as confirmation.') }).strict(),
  response: z.strictObject({ deleted: z.strictObject({ id: z.string(), slug: z.string(), name: z.string() }), removed: z.record(z.string(), z.number().int().min(0)) }),
  errors: READ_ERRORS,
});
export const listAdminsRoute = declareRoute({
  method: 'GET',
  path: '/admins',
  operationId: 'listAdmins',
  summary: 'Operators: every console admin, with role, tenant, disabled time and last sign-in',
  response: z.strictObject({ admins: z.array(adminListingSchema) }),
  errors: [401, 403],
});
export const disableAdminRoute = declareRoute({
  method: 'POST',
  path: '/admins/:id/disable',
  operationId: 'disableAdmin',
  summary: 'Operators: disable an admin; they cannot sign in and their sessions end now',
  params: adminPath,
  response: z.strictObject({ id: z.string(), disabled: z.boolean(), sessionsEnded: z.number().int().min(0) }),
  errors: [...OPERATOR_ERRORS, 412],
});
export const enableAdminRoute = declareRoute({
  method: 'POST',
  path: '/admins/:id/enable',
  operationId: 'enableAdmin',
  summary: 'Operators: let a disabled admin sign in again',
  params: adminPath,
  response: z.strictObject({ id: z.string(), disabled: z.boolean() }),
  errors: OPERATOR_ERRORS,
});
export const removeAdminRoute = declareRoute({
  method: 'DELETE',
  path: '/admins/:id',
  operationId: 'removeAdmin',
  summary: 'Operators: remove an admin with their sessions (not the last enabled operator)',
  params: adminPath,
  response: null,
  errors: [...OPERATOR_ERRORS, 412],
});
export const issuePasswordResetRoute = declareRoute({
  method: 'POST',
  path: '/admins/:id/password-reset',
  operationId: 'issuePasswordReset',
  summary: 'Operators: a single-use link where the admin sets a new password (1 hour unless expiresInMinutes); a newer link replaces an older one',
  params: adminPath,
  body: z
    .object({
      expiresInMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .optional(),
    })
    .strict(),
  response: z.strictObject({ link: z.string(), expiresAt: isoTime }),
  errors: [400, ...OPERATOR_ERRORS, 412],
});
export const operatorAuditRoute = declareRoute({
  method: 'GET',
  path: '/operator-audit',
  operationId: 'listOperatorActions',
  summary: 'Operators: the operator audit trail (tenant deletions and renames, admin changes), newest first',
  query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional().describe('1–500, default 100.') }).strict(),
  response: z.strictObject({
    entries: z.array(z.strictObject({ id: z.string(), at: isoTime, actor: z.string(), action: z.string(), subject: z.string(), detail: jsonValue })),
  }),
  errors: [400, 401, 403],
});
export const resetStatusRoute = declareRoute({
  method: 'POST',
  path: '/password-reset/status',
  operationId: 'passwordResetStatus',
  summary: 'Whether a reset link can be used (the reset page asks before showing its form)',
  ...PUBLIC_ROUTE,
  body: z.object({ token: z.string().min(1).max(200) }).strict(),
  response: z.strictObject({ state: z.enum(['usable', 'expired', 'used', 'unknown']) }),
  errors: [400],
});
export const resetPasswordRoute = declareRoute({
  method: 'POST',
  path: '/password-reset',
  operationId: 'resetPassword',
  summary: 'Set a new password with a reset link; every session of the admin ends',
  ...PUBLIC_ROUTE,
  body: z.object({ token: z.string().min(1).max(200), password: z.string().min(1).max(1024) }).strict(),
  response: z.strictObject({ email: z.string(), sessionsEnded: z.number().int().min(0) }),
  errors: [400, 404, 410],
});
export const createTenantRoute = declareRoute({
  method: 'POST',
  path: '/tenants',
  operationId: 'createTenant',
  summary: 'Operators: create a tenant',
  body: z.object({ slug: z.string().min(1).max(63), name: z.string().min(1).max(200).optional() }).strict(),
  response: z.strictObject({ tenant: tenantSchema, endpoints: endpointsSchema }),
  statuses: [201],
  errors: [400, 401, 403, 409],
});
export const inviteAdminRoute = declareRoute({
  method: 'POST',
  path: '/admins',
  operationId: 'inviteAdmin',
  summary:
    'Operators: invite an admin (tenant: a slug, or null for an operator); answers a single-use link where they set their first password (3 days unless expiresInMinutes), shown only here',
  body: z
    .object({
      email: z.string().min(3).max(254),
      tenant: z.string().min(1).max(63).nullable(),
      expiresInMinutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .optional(),
    })
    .strict(),
  response: z.strictObject({ admin: adminListingSchema, link: z.string(), expiresAt: isoTime }),
  statuses: [201],
  errors: [400, 401, 403, 404, 409],
});

/** Operator-only routes answer a tenant admin 403: the route exists, it is not theirs to use. */
function operator(request: FastifyRequest): AdminRecord {
  const { admin } = signedInAdmin(request);
  if (admin.role !== 'operator') throw new AdminApiError(403, 'operatorOnly', 'only an operator may do this');
  return admin;
}

function adminListView(admin: AdminRecord, slugOf: Map<string, string>): AdminListingView {
  return {
    id: admin.id,
    email: admin.email,
    role: admin.role,
    tenant: admin.tenantId === null ? null : (slugOf.get(admin.tenantId) ?? null),
    disabledAt: admin.disabledMs === null ? null : new Date(admin.disabledMs).toISOString(),
    createdAt: new Date(admin.createdMs).toISOString(),
    lastSignInAt: admin.lastSignInMs === null ? null : new Date(admin.lastSignInMs).toISOString(),
  };
}

/**
 * Day-2 administration for operators (create, rename and delete a tenant; invite admins by a one-time link; list, disable, enable and remove
 * admins; issue password-reset links; read the operator audit trail), and the two public routes
 * behind the console's reset page.
 */
export function registerOperatorRoutes(app: FastifyInstance, options: AdminApiOptions): void {
  const { rt } = options;
  const surface = adminSurface(options);
  const adminById = async ({ id }: { id: string }): Promise<AdminRecord> => {
    const admin = await rt.store.admin.admins.findById(id);
    if (!admin) throw new AdminApiError(404, 'notFound', `no admin ${id}`);
    return admin;
  };

  addRoute(app, surface, createTenantRoute, async ({ request, body }) => {
    const me = operator(request);
    const tenant = await createTenant(rt, { slug: body.slug, ...(body.name ? { name: body.name } : {}) });
    request.log.info({ admin: me.id, tenant: tenant.slug }, 'tenant created');
    return { tenant: tenantView(tenant), endpoints: scimEndpoints(request, options.publicUrl, tenant.slug) };
  });

  // An invitation is the account plus a one-time link to set its first password (shown once here).
  addRoute(app, surface, inviteAdminRoute, async ({ request, body }) => {
    const me = operator(request);
    const invited = await inviteAdmin(
      rt,
      { email: body.email, ...(body.tenant === null ? {} : { tenantSlug: body.tenant }), ...(body.expiresInMinutes ? { ttlMs: body.expiresInMinutes * 60_000 } : {}) },
      { adminId: me.id },
    );
    request.log.info({ admin: me.id, invited: invited.admin.id, tenant: body.tenant }, 'admin invited');
    const slugOf = new Map(body.tenant === null || invited.admin.tenantId === null ? [] : [[invited.admin.tenantId, body.tenant]]);
    return {
      admin: adminListView(invited.admin, slugOf),
      link: resetLink(consoleOrigin(request, options.publicUrl), invited.token),
      expiresAt: new Date(invited.expiresMs).toISOString(),
    };
  });

  // A tenant admin asking about another tenant gets 404, as everywhere; about their own, 403.
  addRoute(app, surface, renameTenantRoute, async ({ request, body }) => {
    const { slug } = (await requestedTenant(rt, request)).tenant;
    const me = operator(request);
    const { before, after } = await renameTenant(rt, slug, body, { adminId: me.id });
    request.log.info({ admin: me.id, before: before.slug, after: after.slug }, 'tenant renamed');
    return { tenant: tenantView(after), before, endpoints: scimEndpoints(request, options.publicUrl, after.slug) };
  });

  addRoute(app, surface, deleteTenantRoute, async ({ request, query: { confirm } }) => {
    const { slug } = (await requestedTenant(rt, request)).tenant;
    const me = operator(request);
    if (confirm !== slug) throw new AdminApiError(400, 'confirmationMismatch', `to delete tenant ${slug}, pass ?confirm=${slug}`);
    // This process's unwritten log entries of the tenant go first, so nothing of it is written after.
    await options.requestLog.flush().catch(() => {});
    const { tenant, removed } = await deleteTenant(rt, slug, { actor: { adminId: me.id } });
    request.log.warn({ admin: me.id, tenant: tenant.slug, id: tenant.id }, 'tenant deleted');
    return { deleted: tenant, removed: Object.fromEntries(describeRemoved(removed).map(([key, , n]) => [key, n])) };
  });

  addRoute(app, surface, listAdminsRoute, async ({ request }) => {
    operator(request);
    const [admins, tenants] = await Promise.all([listAdmins(rt), rt.store.tenants.list()]);
    const slugOf = new Map(tenants.map((t) => [t.id, t.slug]));
    return { admins: admins.map((a) => adminListView(a, slugOf)) };
  });

  addRoute(app, surface, disableAdminRoute, async ({ request, params }) => {
    const me = operator(request);
    const target = await adminById(params);
    const { sessionsEnded } = await disableAdmin(rt, target.email, { adminId: me.id });
    return { id: target.id, disabled: true, sessionsEnded };
  });

  addRoute(app, surface, enableAdminRoute, async ({ request, params }) => {
    const me = operator(request);
    const target = await adminById(params);
    await enableAdmin(rt, target.email, { adminId: me.id });
    return { id: target.id, disabled: false };
  });

  addRoute(app, surface, removeAdminRoute, async ({ request, params }) => {
    const me = operator(request);
    const target = await adminById(params);
    await removeAdmin(rt, target.email, { adminId: me.id });
  });

  addRoute(app, surface, issuePasswordResetRoute, async ({ request, params, body: { expiresInMinutes } }) => {
    const me = operator(request);
    const target = await adminById(params);
    const issued = await issuePasswordReset(rt, target.email, { actor: { adminId: me.id }, ...(expiresInMinutes ? { ttlMs: expiresInMinutes * 60_000 } : {}) });
    return { link: resetLink(consoleOrigin(request, options.publicUrl), issued.token), expiresAt: new Date(issued.expiresMs).toISOString() };
  });

  addRoute(app, surface, operatorAuditRoute, async ({ request, query: { limit } }) => {
    operator(request);
    const entries = await latestOperatorActions(rt, limit ?? 100);
    return {
      entries: entries.map((e) => ({
        id: e.id,
        at: new Date(e.atMs).toISOString(),
        actor: e.actor,
        action: e.action,
        subject: e.subject,
        detail: JSON.parse(e.detail) as z.infer<typeof jsonValue>,
      })),
    };
  });

  // The reset page's two calls: public, since whoever holds the link is not signed in.
  addRoute(app, surface, resetStatusRoute, async ({ body: { token } }) => {
    return { state: await resetLinkState(rt, token) };
  });

  addRoute(app, surface, resetPasswordRoute, async ({ request, body: { token, password } }) => {
    const result = await resetPasswordWithLink(rt, token, password);
    if (!result.ok) {
      if (result.state === 'expired') throw new AdminApiError(410, 'resetLinkExpired', 'this reset link has expired; ask an operator for a new one');
      if (result.state === 'used') throw new AdminApiError(410, 'resetLinkUsed', 'this reset link was already used; ask an operator for a new one if you need it');
      throw new AdminApiError(404, 'resetLinkUnknown', 'this reset link is not valid (a newer link replaced it, or it was mistyped); ask an operator for a new one');
    }
    request.log.info({ admin: result.admin.id, sessionsEnded: result.sessionsEnded }, 'admin password reset');
    return { email: result.admin.email, sessionsEnded: result.sessionsEnded };
  });
}
