import { z } from 'zod';
import { jsonObjectSchema } from '../json/json-schema.js';
import { MAX_FEED_LIMIT, MAX_FEED_WAIT_SECONDS } from '../events/event-feed.js';
import { HostApiError } from './host-auth.js';
import {
  feedPageSchema,
  folderRefSchema,
  hostErrorSchema,
  hostFolderSchema,
  hostGroupSchema,
  hostPersonSchema,
  hostTenantSchema,
  membershipsSchema,
  snapshotSchema,
} from './host-view-schemas.js';
import type { OpenApiSurface } from './openapi-document.js';
import { declareRoute, type ApiSurface } from './route-contract.js';
import { madeSetupLinkSchema, setupLinkBody, setupLinkSchema } from './setup-link-input.js';

/**
 * Every route of the host API, declared once (route-contract.ts): host-routes.ts registers them,
 * and the OpenAPI document is generated from them.
 */
export function hostSurface(checkResponses: boolean): ApiSurface {
  return {
    checkResponses,
    invalidInput: (where, issues) => new HostApiError(400, 'bad_request', `${where}: ${issues.map((i) => `${i.path.join('.') || where} ${i.message}`).join('; ')}`),
  };
}

const ERRORS = [400, 401, 403, 404, 429] as const;
const slug = z.string().describe("The tenant's slug.");
const tenantPath = z.object({ slug });
const itemPath = (what: string) => z.object({ slug, id: z.string().describe(`The ${what}'s id.`) });
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const page = {
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Page size.'),
  cursor: z.string().max(500).optional().describe('The `next` of the previous page (opaque).'),
};
const pageQuery = z.object(page);
const total = z.number().int().min(0).nullable();
const next = z.string().nullable().describe('Cursor of the next page; null on the last.');

export const openApiRoute = declareRoute({
  method: 'GET',
  path: '/openapi.json',
  operationId: 'getHostOpenApi',
  summary: 'This document (OpenAPI 3.1), generated from the route declarations',
  security: [],
  response: jsonObjectSchema,
  errors: [],
});
export const listTenantsRoute = declareRoute({
  method: 'GET',
  path: '/tenants',
  operationId: 'listTenants',
  summary: 'Tenants this key can read',
  response: z.strictObject({ tenants: z.array(hostTenantSchema) }),
  errors: [401, 429],
});
export const readEventsRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/events',
  operationId: 'readEvents',
  summary: 'Events after a cursor, in order (pull feed)',
  description:
    "Events are numbered 1, 2, 3… per tenant without gaps, in commit order. Pass `next` back as `after` to see each event exactly once. With `wait`, an empty answer waits up to that many seconds for new events (long poll). Events older than the tenant's `eventRetentionDays` (default 90) that every webhook endpoint has received are deleted: a cursor from before them is answered 410 `cursor_expired` with the snapshot to read; read it and follow on from its `seq`.",
  params: tenantPath,
  query: z.object({
    after: z.coerce.number().int().min(0).default(0).describe('The last seq already processed (0: from the start; a snapshot’s `seq`).'),
    limit: z.coerce.number().int().min(1).max(MAX_FEED_LIMIT).default(100).describe('Most events to return.'),
    wait: z.coerce.number().min(0).max(MAX_FEED_WAIT_SECONDS).default(0).describe('Seconds to wait for events when there are none yet.'),
  }),
  response: feedPageSchema,
  errors: [...ERRORS, 409, 410],
});
export const snapshotRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/snapshot',
  operationId: 'readSnapshot',
  summary: "The tenant's whole directory and the event seq it is consistent with",
  description: 'Read in one transaction at one point in time. Reconcile with it, then follow the feed from `after=seq`.',
  params: tenantPath,
  response: snapshotSchema,
  errors: [...ERRORS, 409],
});
export const searchPeopleRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/people',
  operationId: 'searchPeople',
  summary: 'Search people',
  params: tenantPath,
  query: z.object({
    ...page,
    q: z.string().max(200).optional().describe('Case-insensitive substring of userName, displayName or an email.'),
    active: flag.optional().describe('Only active (true) or deactivated (false) people.'),
    folder: z.string().optional().describe('Only members of this attribute folder (id).'),
    group: z.string().optional().describe('Only members of this pushed group (id).'),
    incomplete: flag.optional().describe('Only people missing (true) or not missing (false) a recommended attribute.'),
  }),
  response: z.strictObject({ people: z.array(hostPersonSchema), total, next }),
  errors: [...ERRORS, 409, 503],
});
export const getPersonRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/people/:id',
  operationId: 'getPerson',
  summary: 'One person with their groups and folders',
  params: itemPath('person'),
  response: hostPersonSchema.extend(membershipsSchema.shape),
  errors: [...ERRORS, 409],
});
export const personGroupsRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/people/:id/groups',
  operationId: 'getPersonMemberships',
  summary: "A person's pushed groups and attribute folders, in one call",
  params: itemPath('person'),
  response: membershipsSchema.extend({ person: z.strictObject({ id: z.string(), userName: z.string(), active: z.boolean() }) }),
  errors: [...ERRORS, 409],
});
export const listGroupsRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/groups',
  operationId: 'listGroups',
  summary: 'Pushed groups',
  params: tenantPath,
  query: z.object({ ...page, q: z.string().max(200).optional().describe('Case-insensitive substring of displayName.') }),
  response: z.strictObject({ groups: z.array(hostGroupSchema), total, next }),
  errors: [...ERRORS, 409, 503],
});
export const getGroupRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/groups/:id',
  operationId: 'getGroup',
  summary: 'One pushed group',
  params: itemPath('group'),
  response: hostGroupSchema,
  errors: [...ERRORS, 409],
});
export const groupMembersRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/groups/:id/members',
  operationId: 'listGroupMembers',
  summary: 'People in a pushed group',
  description: 'Direct members that are people. Groups nested in a group appear in the snapshot.',
  params: itemPath('group'),
  query: pageQuery,
  response: z.strictObject({ group: z.strictObject({ id: z.string(), displayName: z.string() }), members: z.array(hostPersonSchema), total, next }),
  errors: [...ERRORS, 409, 503],
});
export const listFoldersRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/folders',
  operationId: 'listFolders',
  summary: 'Attribute folders (department, division, organization)',
  params: tenantPath,
  query: z.object({ kind: z.enum(['department', 'division', 'organization']).optional().describe('Only folders of this kind.') }),
  response: z.strictObject({ folders: z.array(hostFolderSchema) }),
  errors: [...ERRORS, 409],
});
export const getFolderRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/folders/:id',
  operationId: 'getFolder',
  summary: 'One attribute folder',
  params: itemPath('folder'),
  response: hostFolderSchema,
  errors: [...ERRORS, 409],
});
export const folderMembersRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/folders/:id/members',
  operationId: 'listFolderMembers',
  summary: 'People in an attribute folder',
  params: itemPath('folder'),
  query: pageQuery,
  response: z.strictObject({ folder: folderRefSchema, members: z.array(hostPersonSchema), total, next }),
  errors: [...ERRORS, 409, 503],
});
export const createSetupLinkRoute = declareRoute({
  method: 'POST',
  path: '/tenants/:slug/setup-links',
  operationId: 'createSetupLink',
  summary: "A link for the customer's IT admin to set up provisioning alone",
  description:
    'Opening the link needs no Roster account: it signs the person into a session that can see the SCIM URL, generate a token and watch the connection check for this tenant, and nothing else. `expiresIn` is `30m`, `12h` or `7d` (default 7d, at most 30d). The URL is in this answer only; Roster keeps a hash of its secret.',
  params: tenantPath,
  body: setupLinkBody,
  response: madeSetupLinkSchema,
  statuses: [201],
  errors: ERRORS,
});
export const listSetupLinksRoute = declareRoute({
  method: 'GET',
  path: '/tenants/:slug/setup-links',
  operationId: 'listSetupLinks',
  summary: "The tenant's setup links (never their secrets)",
  params: tenantPath,
  response: z.strictObject({ links: z.array(setupLinkSchema) }),
  errors: ERRORS,
});
export const revokeSetupLinkRoute = declareRoute({
  method: 'DELETE',
  path: '/tenants/:slug/setup-links/:id',
  operationId: 'revokeSetupLink',
  summary: 'Revoke a setup link and end the sessions it opened',
  params: itemPath('setup link'),
  response: null,
  errors: ERRORS,
});
export const ssoLoginRoute = declareRoute({
  method: 'POST',
  path: '/tenants/:slug/sso-logins',
  operationId: 'upsertSsoLogin',
  summary: 'Just-in-time upsert at SSO login (200: an existing person; 201: created by this login)',
  description:
    "Finds the person by the tenant's matching field (userName, work email or externalId), creates them if absent (source `sso`, adopted by a later SCIM create), and updates their details only when the tenant lets logins do so or SCIM does not manage the person. Refuse the login when `active` is false.",
  params: tenantPath,
  body: z
    .strictObject({
      userName: z.string().trim().min(1).max(1000),
      email: z.string().trim().min(3).max(1000).optional(),
      givenName: z.string().trim().min(1).max(1000).optional(),
      familyName: z.string().trim().min(1).max(1000).optional(),
      displayName: z.string().trim().min(1).max(1000).optional(),
      externalId: z.string().trim().min(1).max(1000).optional(),
    })
    .meta({ id: 'host.SsoLogin' }),
  response: z.strictObject({ person: hostPersonSchema, active: z.boolean(), created: z.boolean(), updated: z.boolean() }).meta({ id: 'host.SsoLoginResult' }),
  statuses: [200, 201],
  errors: [...ERRORS, 409],
});

/** The host API's description of itself; its operations come from the declarations above. */
export const HOST_OPENAPI: OpenApiSurface = {
  info: {
    title: 'Roster host API',
    version: '1.0.0',
    description:
      'For the product that runs Roster: read the directory Roster keeps (people, pushed groups, attribute folders, memberships), follow its events with a cursor, take a consistent snapshot, and upsert people at SSO login. Authenticate with a host API key (`roster hostkey create`). Webhook deliveries carry the same event objects as the feed; see docs/events.md. Generated from the route declarations.',
  },
  serverUrl: '/host/v1',
  security: [{ hostKey: [] }],
  securitySchemes: { hostKey: { type: 'http', scheme: 'bearer', description: 'A host API key, `rhk_…`.' } },
  errorSchema: hostErrorSchema,
  errorDescriptions: {
    400: 'Invalid parameters or body.',
    401: 'No valid host API key (a SCIM token is not one).',
    403: 'The key is for another tenant.',
    404: 'No such tenant or record.',
    409: 'tenant_in_preview: the tenant is in preview, its directory kept from the host until an admin presses Go live (then start from the snapshot); or, for an SSO login, the userName belongs to someone else.',
    410: 'The events after this cursor were deleted by retention: resynchronise from the snapshot (`snapshot`, also in the Link header), then follow the feed from its `seq`.',
    429: 'Too many failed authentications from this address; see Retry-After.',
    503: 'The read took too long or the database is busy; see Retry-After.',
  },
};
