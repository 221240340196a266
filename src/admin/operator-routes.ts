import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { disableAdmin, enableAdmin, removeAdmin } from '../provisioning/admins/admin-lifecycle.js';
import { inviteAdmin } from '../provisioning/admins/invite-admin.js';
import { listAdmins } from '../provisioning/admins/manage-admins.js';
import { issuePasswordReset, resetLink, resetLinkState, resetPasswordWithLink } from '../provisioning/admins/password-reset.js';
import { latestOperatorActions } from '../provisioning/operator/operator-audit.js';
import { deleteTenant, describeRemoved } from '../provisioning/tenants/delete-tenant.js';
import { createTenant, renameTenant } from '../provisioning/tenants/manage-tenants.js';
import type { AdminRecord } from '../storage/admin-store.js';
import { AdminApiError } from './admin-errors.js';
import { consoleOrigin, parseInput, PUBLIC_ROUTE, requestedTenant, signedInAdmin } from './admin-guard.js';
import type { AdminApiOptions } from './admin-options.js';
import { scimEndpoints } from './tenant-routes.js';
import { tenantView } from './views.js';

const adminPath = z.object({ id: z.string().min(1).max(64) });
const renameBody = z.object({ slug: z.string().min(1).max(63).optional(), name: z.string().min(1).max(200).optional() }).strict();
const deleteQuery = z.object({ confirm: z.string().min(1).max(63) }).strict();
const resetIssueBody = z.object({ expiresInMinutes: z.number().int().min(1).max(7 * 24 * 60).optional() }).strict();
const tokenBody = z.object({ token: z.string().min(1).max(200) }).strict();
const resetBody = z.object({ token: z.string().min(1).max(200), password: z.string().min(1).max(1024) }).strict();
const newTenant = z.object({ slug: z.string().min(1).max(63), name: z.string().min(1).max(200).optional() }).strict();
const invitation = z.object({ email: z.string().min(3).max(254), tenant: z.string().min(1).max(63).nullable(), expiresInMinutes: z.number().int().min(1).max(7 * 24 * 60).optional() }).strict();
const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).optional() }).strict();

/** Operator-only routes answer a tenant admin 403: the route exists, it is not theirs to use. */
function operator(request: FastifyRequest): AdminRecord {
  const { admin } = signedInAdmin(request);
  if (admin.role !== 'operator') throw new AdminApiError(403, 'operatorOnly', 'only an operator may do this');
  return admin;
}

function adminListView(admin: AdminRecord, slugOf: Map<string, string>) {
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
  const adminById = async (request: FastifyRequest): Promise<AdminRecord> => {
    const { id } = parseInput(adminPath, request.params, 'path');
    const admin = await rt.store.admin.admins.findById(id);
    if (!admin) throw new AdminApiError(404, 'notFound', `no admin ${id}`);
    return admin;
  };

  app.post('/tenants', async (request, reply) => {
    const me = operator(request);
    const body = parseInput(newTenant, request.body, 'body');
    const tenant = await createTenant(rt, { slug: body.slug, ...(body.name ? { name: body.name } : {}) });
    request.log.info({ admin: me.id, tenant: tenant.slug }, 'tenant created');
    return reply.code(201).send({ tenant: tenantView(tenant), endpoints: scimEndpoints(request, options.publicUrl, tenant.slug) });
  });

  // An invitation is the account plus a one-time link to set its first password (shown once here).
  app.post('/admins', async (request, reply) => {
    const me = operator(request);
    const body = parseInput(invitation, request.body, 'body');
    const invited = await inviteAdmin(
      rt,
      { email: body.email, ...(body.tenant === null ? {} : { tenantSlug: body.tenant }), ...(body.expiresInMinutes ? { ttlMs: body.expiresInMinutes * 60_000 } : {}) },
      { adminId: me.id },
    );
    request.log.info({ admin: me.id, invited: invited.admin.id, tenant: body.tenant }, 'admin invited');
    const slugOf = new Map(body.tenant === null || invited.admin.tenantId === null ? [] : [[invited.admin.tenantId, body.tenant]]);
    return reply.code(201).send({
      admin: adminListView(invited.admin, slugOf),
      link: resetLink(consoleOrigin(request, options.publicUrl), invited.token),
      expiresAt: new Date(invited.expiresMs).toISOString(),
    });
  });

  // A tenant admin asking about another tenant gets 404, as everywhere; about their own, 403.
  app.patch('/tenants/:slug', async (request) => {
    const { slug } = (await requestedTenant(rt, request)).tenant;
    const me = operator(request);
    const body = parseInput(renameBody, request.body, 'body');
    const { before, after } = await renameTenant(rt, slug, body, { adminId: me.id });
    request.log.info({ admin: me.id, before: before.slug, after: after.slug }, 'tenant renamed');
    return { tenant: tenantView(after), before, endpoints: scimEndpoints(request, options.publicUrl, after.slug) };
  });

  app.delete('/tenants/:slug', async (request) => {
    const { slug } = (await requestedTenant(rt, request)).tenant;
    const me = operator(request);
    const { confirm } = parseInput(deleteQuery, request.query, 'query');
    if (confirm !== slug) throw new AdminApiError(400, 'confirmationMismatch', `to delete tenant ${slug}, pass ?confirm=${slug}`);
    // This process's unwritten log entries of the tenant go first, so nothing of it is written after.
    await options.requestLog.flush().catch(() => {});
    const { tenant, removed } = await deleteTenant(rt, slug, { actor: { adminId: me.id } });
    request.log.warn({ admin: me.id, tenant: tenant.slug, id: tenant.id }, 'tenant deleted');
    return { deleted: tenant, removed: Object.fromEntries(describeRemoved(removed).map(([key, , n]) => [key, n])) };
  });

  app.get('/admins', async (request) => {
    operator(request);
    const [admins, tenants] = await Promise.all([listAdmins(rt), rt.store.tenants.list()]);
    const slugOf = new Map(tenants.map((t) => [t.id, t.slug]));
    return { admins: admins.map((a) => adminListView(a, slugOf)) };
  });

  app.post('/admins/:id/disable', async (request) => {
    const me = operator(request);
    const target = await adminById(request);
    const { sessionsEnded } = await disableAdmin(rt, target.email, { adminId: me.id });
    return { id: target.id, disabled: true, sessionsEnded };
  });

  app.post('/admins/:id/enable', async (request) => {
    const me = operator(request);
    const target = await adminById(request);
    await enableAdmin(rt, target.email, { adminId: me.id });
    return { id: target.id, disabled: false };
  });

  app.delete('/admins/:id', async (request, reply) => {
    const me = operator(request);
    const target = await adminById(request);
    await removeAdmin(rt, target.email, { adminId: me.id });
    return reply.code(204).send();
  });

  app.post('/admins/:id/password-reset', async (request) => {
    const me = operator(request);
    const target = await adminById(request);
    const { expiresInMinutes } = parseInput(resetIssueBody, request.body, 'body');
    const issued = await issuePasswordReset(rt, target.email, { actor: { adminId: me.id }, ...(expiresInMinutes ? { ttlMs: expiresInMinutes * 60_000 } : {}) });
    return { link: resetLink(consoleOrigin(request, options.publicUrl), issued.token), expiresAt: new Date(issued.expiresMs).toISOString() };
  });

  app.get('/operator-audit', async (request) => {
    operator(request);
    const { limit } = parseInput(auditQuery, request.query, 'query');
    const entries = await latestOperatorActions(rt, limit ?? 100);
    return {
      entries: entries.map((e) => ({ id: e.id, at: new Date(e.atMs).toISOString(), actor: e.actor, action: e.action, subject: e.subject, detail: JSON.parse(e.detail) as unknown })),
    };
  });

  // The reset page's two calls: public, since whoever holds the link is not signed in.
  app.post('/password-reset/status', PUBLIC_ROUTE, async (request) => {
    const { token } = parseInput(tokenBody, request.body, 'body');
    return { state: await resetLinkState(rt, token) };
  });

  app.post('/password-reset', PUBLIC_ROUTE, async (request) => {
    const { token, password } = parseInput(resetBody, request.body, 'body');
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
