import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FeedCursorExpired, MAX_FEED_LIMIT, MAX_FEED_WAIT_SECONDS, readFeed } from '../events/event-feed.js';
import type { EventNotifier } from '../events/event-notifier.js';
import { tenantSnapshot } from '../events/tenant-snapshot.js';
import { folderWithMembers, listFolders, listPeople, membershipsOf, type PeopleFilter } from '../provisioning/directory/read-directory.js';
import { getGroup, listGroups } from '../provisioning/groups/read-groups.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import { upsertSsoLogin } from '../provisioning/sso/upsert-sso-login.js';
import { listTenants } from '../provisioning/tenants/manage-tenants.js';
import { createSetupLink, listSetupLinks, revokeSetupLink } from '../provisioning/setup/setup-links.js';
import { newSetupLink, setupLinkBody, setupLinkUrl, setupLinkView } from './setup-link-input.js';
import { tenantSettings } from '../provisioning/tenants/tenant-settings.js';
import type { ListResult } from '../storage/query.js';
import { renderError } from './error-response.js';
import { HostApiError, hostAuthenticator } from './host-auth.js';
import { HOST_OPENAPI } from './host-openapi.js';
import { mountPathOf } from './mount-path.js';
import { withServer } from './openapi-server.js';
import { decodeCursor, encodeCursor, folderView, groupView, membershipsView, personView, snapshotView } from './host-views.js';
import type { ClientLimits } from './client-limits.js';

export interface HostRouteOptions {
  readonly rt: ProvisioningRuntime;
  readonly notifier: EventNotifier;
  /** How often a waiting feed request polls for other processes' commits. */
  readonly feedPollMs: number;
  /** Failed authentications per IP (shared with SCIM, so guessing keys costs the same everywhere). */
  readonly clientLimits?: ClientLimits;
  /** PUBLIC_URL (may be empty: then setup link URLs use the address the request was sent to). */
  readonly publicUrl?: string;
}

const STATUS_CODES: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 412: 'precondition_failed', 413: 'too_large', 415: 'unsupported_media_type', 429: 'too_many_requests', 503: 'unavailable' };

function sendError(reply: FastifyReply, status: number, code: string, detail: string, headers: Readonly<Record<string, string>> = {}, extra: Readonly<Record<string, string | number>> = {}) {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ status, error: code, detail, ...extra }));
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new HostApiError(400, 'bad_request', `${what}: ${result.error.issues.map((i) => `${i.path.join('.') || what} ${i.message}`).join('; ')}`);
}

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const page = { limit: z.coerce.number().int().min(1).max(1000).default(100), cursor: z.string().max(500).optional() };
const peopleQuery = z.object({ ...page, q: z.string().max(200).optional(), active: flag.optional(), folder: z.string().optional(), group: z.string().optional(), incomplete: flag.optional() });
const pageQuery = z.object(page);
const groupsQuery = z.object({ ...page, q: z.string().max(200).optional() });
const foldersQuery = z.object({ kind: z.enum(['department', 'division', 'organization']).optional() });
const feedQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_FEED_LIMIT).default(100),
  wait: z.coerce.number().min(0).max(MAX_FEED_WAIT_SECONDS).default(0),
});
const ssoLoginBody = z.strictObject({
  userName: z.string().trim().min(1).max(1000),
  email: z.string().trim().min(3).max(1000).optional(),
  givenName: z.string().trim().min(1).max(1000).optional(),
  familyName: z.string().trim().min(1).max(1000).optional(),
  displayName: z.string().trim().min(1).max(1000).optional(),
  externalId: z.string().trim().min(1).max(1000).optional(),
});

/**
 * The tenant is in preview: its directory is being received but the host may not see it yet. 409
 * with a code a host's sync loop can act on (wait, and start from the `tenant.live` webhook or by
 * polling `GET /host/v1/tenants`, whose `mode` turns `live`).
 */
class TenantInPreview extends Error {
  constructor(readonly slug: string) {
    super(`tenant "${slug}" is in preview: its directory is received and checked but not shown to the host until an admin presses Go live; then read the snapshot and follow the events after its seq`);
    this.name = 'TenantInPreview';
  }
}

/** What a host may do for a tenant in preview: make setup links, and record its own SSO logins. */
const OPEN_IN_PREVIEW = /\/tenants\/:slug\/(setup-links|sso-logins)(\/|$)/;

const cursorPage = (query: { limit: number; cursor?: string | undefined }) => ({ limit: query.limit, ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}) });
const nextCursor = <T>(result: ListResult<T>) => (result.next ? encodeCursor(result.next.id) : null);

/**
 * The host product's API under `/host/v1`: directory reads, the event feed, the snapshot and the
 * SSO just-in-time upsert. Host API keys only; errors are `{ status, error, detail }` JSON.
 */
export async function registerHostRoutes(app: FastifyInstance, options: HostRouteOptions): Promise<void> {
  const { rt } = options;
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof HostApiError) return sendError(reply, error.status, error.code, error.message, error.headers);
    if (error instanceof TenantInPreview) return sendError(reply, 409, 'tenant_in_preview', error.message, {}, { mode: 'preview', tenant: error.slug });
    if (error instanceof FeedCursorExpired) {
      // 410 Gone: the events after this cursor existed and are gone for good; the machine-readable
      // code and the snapshot's address tell a host's sync loop what to do without parsing prose.
      const slug = (request.params as { slug?: string }).slug ?? '';
      const snapshot = `${request.url.split('/tenants/')[0] ?? '/host/v1'}/tenants/${encodeURIComponent(slug)}/snapshot`;
      return sendError(reply, 410, 'cursor_expired', error.message, { link: `<${snapshot}>; rel="alternate"` }, { snapshot, oldestAfter: error.prunedThrough });
    }
    const rendered = renderError(error);
    if (rendered.internal) request.log.error({ err: error }, 'host request failed');
    const detail = typeof rendered.body['detail'] === 'string' ? rendered.body['detail'] : 'request failed';
    return sendError(reply, rendered.status, STATUS_CODES[rendered.status] ?? 'internal', detail, rendered.headers);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `no endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`));

  app.get('/openapi.json', async (request) => withServer(HOST_OPENAPI, `${mountPathOf(request)}/host/v1`));

  await app.register(async (api) => {
    const auth = hostAuthenticator(rt, options.clientLimits);
    api.addHook('onRequest', auth.hook);
    api.addHook('onRequest', async (request) => {
      const tenant = auth.context(request).tenant;
      if (tenant?.mode === 'preview' && !OPEN_IN_PREVIEW.test(request.routeOptions.url ?? '')) throw new TenantInPreview(tenant.slug);
    });
    const scopeOf = (request: FastifyRequest) => ({ tenantId: auth.tenantOf(request).id });
    const id = (request: FastifyRequest) => (request.params as { id: string }).id;
    /** A person as this request's tenant sees them (value flags follow its current settings). */
    const personOf = (request: FastifyRequest) => {
      const settings = tenantSettings(auth.tenantOf(request));
      return (user: Parameters<typeof personView>[0]) => personView(user, settings);
    };

    api.get('/tenants', async (request) => {
      const { access } = auth.context(request);
      const tenants = (await listTenants(rt)).filter((t) => access.tenantId === null || t.id === access.tenantId);
      return { tenants: tenants.map((t) => ({ id: t.id, slug: t.slug, name: t.name, mode: t.mode })) };
    });

    api.get('/tenants/:slug/events', async (request) => {
      const query = parse(feedQuery, request.query, 'query');
      const tenant = auth.tenantOf(request);
      return readFeed({ rt, notifier: options.notifier, pollMs: options.feedPollMs }, tenant, { after: query.after, limit: query.limit, waitMs: query.wait * 1000 });
    });

    api.get('/tenants/:slug/snapshot', async (request) => {
      const tenant = auth.tenantOf(request);
      return snapshotView(tenant, tenantSettings(tenant), await tenantSnapshot(rt, { tenantId: tenant.id }));
    });

    api.get('/tenants/:slug/people', async (request) => {
      const query = parse(peopleQuery, request.query, 'query');
      const filter: PeopleFilter = {
        ...(query.q !== undefined ? { text: query.q } : {}),
        ...(query.active !== undefined ? { active: query.active } : {}),
        ...(query.folder !== undefined ? { folderId: query.folder } : {}),
        ...(query.group !== undefined ? { groupId: query.group } : {}),
        ...(query.incomplete !== undefined ? { incomplete: query.incomplete } : {}),
      };
      const result = await listPeople(rt, scopeOf(request), filter, cursorPage(query));
      return { people: result.rows.map(personOf(request)), total: result.total ?? null, next: nextCursor(result) };
    });

    api.get('/tenants/:slug/people/:id', async (request) => {
      const found = await membershipsOf(rt, scopeOf(request), id(request));
      return { ...personOf(request)(found.user), ...membershipsView(found.groups, found.folders) };
    });

    api.get('/tenants/:slug/people/:id/groups', async (request) => {
      const found = await membershipsOf(rt, scopeOf(request), id(request));
      return { person: { id: found.user.id, userName: found.user.userName, active: found.user.active }, ...membershipsView(found.groups, found.folders) };
    });

    api.get('/tenants/:slug/groups', async (request) => {
      const query = parse(groupsQuery, request.query, 'query');
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const result = await listGroups(
        rt,
        scopeOf(request),
        {
          ...(query.q ? { where: { kind: 'compare', field: { path: ['displayName'], type: 'string', caseExact: false }, op: 'co', value: query.q } } : {}),
          page: after ? { kind: 'cursor', after: { id: after, sortValue: null }, limit: query.limit } : { kind: 'cursor', limit: query.limit },
        },
        { withMembers: false },
      );
      return { groups: result.rows.map((v) => groupView(v.group)), total: result.total ?? null, next: nextCursor(result) };
    });

    api.get('/tenants/:slug/groups/:id', async (request) => groupView((await getGroup(rt, scopeOf(request), id(request), { withMembers: false })).group));

    api.get('/tenants/:slug/groups/:id/members', async (request) => {
      const query = parse(pageQuery, request.query, 'query');
      const scope = scopeOf(request);
      const { group } = await getGroup(rt, scope, id(request), { withMembers: false });
      const result = await listPeople(rt, scope, { groupId: group.id }, cursorPage(query));
      return { group: { id: group.id, displayName: group.displayName }, members: result.rows.map(personOf(request)), total: result.total ?? null, next: nextCursor(result) };
    });

    api.get('/tenants/:slug/folders', async (request) => {
      const query = parse(foldersQuery, request.query, 'query');
      return { folders: (await listFolders(rt, scopeOf(request), query.kind)).map(folderView) };
    });

    api.get('/tenants/:slug/folders/:id', async (request) => folderView((await folderWithMembers(rt, scopeOf(request), id(request), { limit: 0, offset: 0 })).folder));

    api.get('/tenants/:slug/folders/:id/members', async (request) => {
      const query = parse(pageQuery, request.query, 'query');
      const scope = scopeOf(request);
      const { folder } = await folderWithMembers(rt, scope, id(request), { limit: 0, offset: 0 });
      const result = await listPeople(rt, scope, { folderId: folder.id }, cursorPage(query));
      return { folder: { id: folder.id, kind: folder.kind, value: folder.value }, members: result.rows.map(personOf(request)), total: result.total ?? null, next: nextCursor(result) };
    });

    // Setup links: the host product hands one to its customer's IT admin (docs/operations.md).
    api.post('/tenants/:slug/setup-links', async (request, reply) => {
      const body = parse(setupLinkBody, request.body, 'body');
      const tenant = auth.tenantOf(request);
      const made = await createSetupLink(rt, newSetupLink(body, tenant.id, `host-key:${auth.context(request).access.keyId}`));
      const base = options.publicUrl || `${request.protocol}://${request.host}`;
      return reply.code(201).send({ link: setupLinkView(made.link, rt.now()), url: setupLinkUrl(base, made.token), tenantMode: made.tenantMode });
    });

    api.get('/tenants/:slug/setup-links', async (request) => {
      const links = await listSetupLinks(rt, auth.tenantOf(request).id);
      return { links: links.map((l) => setupLinkView(l, rt.now())) };
    });

    api.delete('/tenants/:slug/setup-links/:id', async (request, reply) => {
      await revokeSetupLink(rt, auth.tenantOf(request).id, id(request));
      return reply.code(204).send();
    });

    api.post('/tenants/:slug/sso-logins', async (request, reply) => {
      const login = parse(ssoLoginBody, request.body, 'body');
      const result = await upsertSsoLogin(rt, auth.tenantOf(request), {
        userName: login.userName,
        ...(login.email !== undefined ? { email: login.email } : {}),
        ...(login.givenName !== undefined ? { givenName: login.givenName } : {}),
        ...(login.familyName !== undefined ? { familyName: login.familyName } : {}),
        ...(login.displayName !== undefined ? { displayName: login.displayName } : {}),
        ...(login.externalId !== undefined ? { externalId: login.externalId } : {}),
      });
      return reply.code(result.created ? 201 : 200).send({ person: personOf(request)(result.person), active: result.active, created: result.created, updated: result.updated });
    });
  });
}
