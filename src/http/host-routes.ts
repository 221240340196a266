import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FeedCursorExpired, readFeed } from '../events/event-feed.js';
import type { EventNotifier } from '../events/event-notifier.js';
import { tenantSnapshot } from '../events/tenant-snapshot.js';
import { folderSummary, listFolders, listPeople, membershipsOf, type PeopleFilter } from '../provisioning/directory/read-directory.js';
import { getGroup, listGroups } from '../provisioning/groups/read-groups.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import { upsertSsoLogin } from '../provisioning/sso/upsert-sso-login.js';
import { listTenants } from '../provisioning/tenants/manage-tenants.js';
import { createSetupLink, listSetupLinks, revokeSetupLink } from '../provisioning/setup/setup-links.js';
import { newSetupLink, setupLinkUrl, setupLinkView } from './setup-link-input.js';
import { tenantSettings } from '../provisioning/tenants/tenant-settings.js';
import type { ListResult } from '../storage/query.js';
import { renderError } from './error-response.js';
import { HostApiError, hostAuthenticator } from './host-auth.js';
import {
  createSetupLinkRoute,
  folderMembersRoute,
  getFolderRoute,
  getGroupRoute,
  getPersonRoute,
  groupMembersRoute,
  HOST_OPENAPI,
  hostSurface,
  listFoldersRoute,
  listGroupsRoute,
  listSetupLinksRoute,
  listTenantsRoute,
  openApiRoute,
  personGroupsRoute,
  readEventsRoute,
  revokeSetupLinkRoute,
  searchPeopleRoute,
  snapshotRoute,
  ssoLoginRoute,
} from './host-contract.js';
import { openApiDocument } from './openapi-document.js';
import { addRoute, contractOf, type AnyRouteContract } from './route-contract.js';
import type { JsonObject } from '../json/json-value.js';
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
  /** Tests and development: every answer is checked against its route's declared schema (a mismatch is a 500). */
  readonly checkResponses?: boolean;
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  headers: Readonly<Record<string, string>> = {},
  extra: Readonly<Record<string, string | number>> = {},
) {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify({ status, error: code, detail, ...extra }));
}

/**
 * The tenant is in preview: its directory is being received but the host may not see it yet. 409
 * with a code a host's sync loop can act on (wait, and start from the `tenant.live` webhook or by
 * polling `GET /host/v1/tenants`, whose `mode` turns `live`).
 */
class TenantInPreview extends Error {
  constructor(readonly slug: string) {
    super(
      `tenant "${slug}" is in preview: its directory is received and checked but not shown to the host until an admin presses Go live; then read the snapshot and follow the events after its seq`,
    );
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

  const surface = hostSurface(options.checkResponses ?? false);
  const declared: AnyRouteContract[] = [];
  app.addHook('onRoute', (route) => {
    const contract = contractOf(route.config);
    // Fastify adds a HEAD route for each GET, with the GET's options.
    if (route.method === 'HEAD') return;
    if (!contract) throw new Error(`host route ${String(route.method)} ${route.url} has no declaration: declare it in host-contract.ts`);
    declared.push(contract);
  });

  // Generated once, on first request: every route is registered by then.
  let document: JsonObject | undefined;
  addRoute(app, surface, openApiRoute, async ({ request }) => {
    document ??= openApiDocument(HOST_OPENAPI, declared);
    return withServer(document, `${mountPathOf(request)}/host/v1`);
  });

  await app.register(async (api) => {
    const auth = hostAuthenticator(rt, options.clientLimits);
    api.addHook('onRequest', auth.hook);
    api.addHook('onRequest', async (request) => {
      const tenant = auth.context(request).tenant;
      if (tenant?.mode === 'preview' && !OPEN_IN_PREVIEW.test(request.routeOptions.url ?? '')) throw new TenantInPreview(tenant.slug);
    });
    const scopeOf = (request: FastifyRequest) => ({ tenantId: auth.tenantOf(request).id });
    /** A person as this request's tenant sees them (value flags follow its current settings). */
    const personOf = (request: FastifyRequest) => {
      const settings = tenantSettings(auth.tenantOf(request));
      return (user: Parameters<typeof personView>[0]) => personView(user, settings);
    };

    addRoute(api, surface, listTenantsRoute, async ({ request }) => {
      const { access } = auth.context(request);
      const tenants = (await listTenants(rt)).filter((t) => access.tenantId === null || t.id === access.tenantId);
      return { tenants: tenants.map((t) => ({ id: t.id, slug: t.slug, name: t.name, mode: t.mode })) };
    });

    addRoute(api, surface, readEventsRoute, async ({ request, query }) => {
      const tenant = auth.tenantOf(request);
      return readFeed({ rt, notifier: options.notifier, pollMs: options.feedPollMs }, tenant, { after: query.after, limit: query.limit, waitMs: query.wait * 1000 });
    });

    addRoute(api, surface, snapshotRoute, async ({ request }) => {
      const tenant = auth.tenantOf(request);
      return snapshotView(tenant, tenantSettings(tenant), await tenantSnapshot(rt, { tenantId: tenant.id }));
    });

    addRoute(api, surface, searchPeopleRoute, async ({ request, query }) => {
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

    addRoute(api, surface, getPersonRoute, async ({ request, params }) => {
      const found = await membershipsOf(rt, scopeOf(request), params.id);
      return { ...personOf(request)(found.user), ...membershipsView(found.groups, found.folders) };
    });

    addRoute(api, surface, personGroupsRoute, async ({ request, params }) => {
      const found = await membershipsOf(rt, scopeOf(request), params.id);
      return { person: { id: found.user.id, userName: found.user.userName, active: found.user.active }, ...membershipsView(found.groups, found.folders) };
    });

    addRoute(api, surface, listGroupsRoute, async ({ request, query }) => {
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

    addRoute(api, surface, getGroupRoute, async ({ request, params }) => groupView((await getGroup(rt, scopeOf(request), params.id, { withMembers: false })).group));

    addRoute(api, surface, groupMembersRoute, async ({ request, params, query }) => {
      const scope = scopeOf(request);
      const { group } = await getGroup(rt, scope, params.id, { withMembers: false });
      const result = await listPeople(rt, scope, { groupId: group.id }, cursorPage(query));
      return {
        group: { id: group.id, displayName: group.displayName },
        members: result.rows.map(personOf(request)),
        total: result.total ?? null,
        next: nextCursor(result),
      };
    });

    addRoute(api, surface, listFoldersRoute, async ({ request, query }) => ({
      folders: (await listFolders(rt, scopeOf(request), query.kind)).map((f) => folderView(f.folder, f.memberCount)),
    }));

    addRoute(api, surface, getFolderRoute, async ({ request, params }) => {
      const { folder, memberCount } = await folderSummary(rt, scopeOf(request), params.id);
      return folderView(folder, memberCount);
    });

    addRoute(api, surface, folderMembersRoute, async ({ request, params, query }) => {
      const scope = scopeOf(request);
      const { folder } = await folderSummary(rt, scope, params.id);
      const result = await listPeople(rt, scope, { folderId: folder.id }, cursorPage(query));
      return {
        folder: { id: folder.id, kind: folder.kind, value: folder.value },
        members: result.rows.map(personOf(request)),
        total: result.total ?? null,
        next: nextCursor(result),
      };
    });

    // Setup links: the host product hands one to its customer's IT admin (docs/operations.md).
    addRoute(api, surface, createSetupLinkRoute, async ({ request, body }) => {
      const tenant = auth.tenantOf(request);
      const made = await createSetupLink(rt, newSetupLink(body, tenant.id, `host-key:${auth.context(request).access.keyId}`));
      const base = options.publicUrl || `${request.protocol}://${request.host}`;
      return { link: setupLinkView(made.link, rt.now()), url: setupLinkUrl(base, made.token), tenantMode: made.tenantMode };
    });

    addRoute(api, surface, listSetupLinksRoute, async ({ request }) => {
      const links = await listSetupLinks(rt, auth.tenantOf(request).id);
      return { links: links.map((l) => setupLinkView(l, rt.now())) };
    });

    addRoute(api, surface, revokeSetupLinkRoute, async ({ request, params }) => {
      await revokeSetupLink(rt, auth.tenantOf(request).id, params.id);
    });

    addRoute(api, surface, ssoLoginRoute, async ({ request, reply, body: login }) => {
      const result = await upsertSsoLogin(rt, auth.tenantOf(request), {
        userName: login.userName,
        ...(login.email !== undefined ? { email: login.email } : {}),
        ...(login.givenName !== undefined ? { givenName: login.givenName } : {}),
        ...(login.familyName !== undefined ? { familyName: login.familyName } : {}),
        ...(login.displayName !== undefined ? { displayName: login.displayName } : {}),
        ...(login.externalId !== undefined ? { externalId: login.externalId } : {}),
      });
      if (result.created) reply.code(201);
      return { person: personOf(request)(result.person), active: result.active, created: result.created, updated: result.updated };
    });
  });
}
