import type { JsonObject } from '../json/json-value.js';
import { EVENT_TYPES } from '../events/event-types.js';
import { VALUE_RULES } from '../provisioning/users/validate-person.js';

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string): JsonObject => ({ type: [type, 'null'] });
const json = (schema: JsonObject, description: string): JsonObject => ({ description, content: { 'application/json': { schema } } });
const slug: JsonObject = { name: 'slug', in: 'path', required: true, schema: { type: 'string' }, description: "The tenant's slug." };
const idParam = (what: string): JsonObject => ({ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: `The ${what}'s id.` });
const query = (name: string, schema: JsonObject, description: string): JsonObject => ({ name, in: 'query', required: false, schema, description });
const limit = query('limit', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, 'Page size.');
const cursor = query('cursor', { type: 'string' }, 'The `next` of the previous page (opaque).');
const errors: JsonObject = {
  '400': json(ref('Error'), 'Invalid parameters or body.'),
  '401': json(ref('Error'), 'No valid host API key (a SCIM token is not one).'),
  '403': json(ref('Error'), 'The key is for another tenant.'),
  '404': json(ref('Error'), 'No such tenant or record.'),
};
const page = (item: string, extra: JsonObject = {}): JsonObject => ({
  type: 'object',
  required: [item, 'next'],
  properties: { ...extra, [item]: { type: 'array', items: ref(item === 'people' || item === 'members' ? 'Person' : 'Group') }, total: nullable('integer'), next: { ...nullable('string'), description: 'Cursor of the next page; null on the last.' } },
});

/** The host API described for clients and code generators (OpenAPI 3.1), served at `/host/v1/openapi.json`. */
export const HOST_OPENAPI: JsonObject = {
  openapi: '3.1.0',
  info: {
    title: 'Roster host API',
    version: '1.0.0',
    description:
      'For the product that runs Roster: read the directory Roster keeps (people, pushed groups, attribute folders, memberships), follow its events with a cursor, take a consistent snapshot, and upsert people at SSO login. Authenticate with a host API key (`roster hostkey create`). Webhook deliveries carry the same event objects as the feed; see docs/events.md.',
  },
  servers: [{ url: '/host/v1' }],
  security: [{ hostKey: [] }],
  paths: {
    '/tenants': {
      get: { summary: 'Tenants this key can read', responses: { '200': json({ type: 'object', properties: { tenants: { type: 'array', items: ref('Tenant') } } }, 'The tenants.'), '401': errors['401'] ?? {} } },
    },
    '/tenants/{slug}/events': {
      get: {
        summary: 'Events after a cursor, in order (pull feed)',
        description:
          'Events are numbered 1, 2, 3… per tenant without gaps, in commit order. Pass `next` back as `after` to see each event exactly once. With `wait`, an empty answer waits up to that many seconds for new events (long poll). Events older than the tenant\'s `eventRetentionDays` (default 90) that every webhook endpoint has received are deleted: a cursor from before them is answered 410 `cursor_expired`; read the snapshot and follow on from its `seq`.',
        parameters: [
          slug,
          query('after', { type: 'integer', minimum: 0, default: 0 }, 'The last seq already processed (0: from the start; a snapshot’s `seq`).'),
          query('limit', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, 'Most events to return.'),
          query('wait', { type: 'number', minimum: 0, maximum: 30, default: 0 }, 'Seconds to wait for events when there are none yet.'),
        ],
        responses: {
          '200': json(ref('FeedPage'), 'Events (possibly none) and the next cursor.'),
          ...errors,
          '410': json(
            {
              type: 'object',
              required: ['status', 'error', 'detail', 'snapshot', 'oldestAfter'],
              properties: {
                status: { const: 410 },
                error: { const: 'cursor_expired' },
                detail: { type: 'string' },
                snapshot: { type: 'string', description: 'Path of the snapshot to resynchronise from (also in the Link header).' },
                oldestAfter: { type: 'integer', description: 'The smallest `after` still served: the last seq retention deleted.' },
              },
            },
            'The events after this cursor were deleted by retention: resynchronise from the snapshot, then follow the feed from its `seq`.',
          ),
        },
      },
    },
    '/tenants/{slug}/snapshot': {
      get: {
        summary: "The tenant's whole directory and the event seq it is consistent with",
        description: 'Read in one transaction at one point in time. Reconcile with it, then follow the feed from `after=seq`.',
        parameters: [slug],
        responses: { '200': json(ref('Snapshot'), 'The snapshot.'), ...errors },
      },
    },
    '/tenants/{slug}/people': {
      get: {
        summary: 'Search people',
        parameters: [
          slug,
          query('q', { type: 'string' }, 'Case-insensitive substring of userName, displayName or an email.'),
          query('active', { type: 'boolean' }, 'Only active (true) or deactivated (false) people.'),
          query('folder', { type: 'string' }, 'Only members of this attribute folder (id).'),
          query('group', { type: 'string' }, 'Only members of this pushed group (id).'),
          query('incomplete', { type: 'boolean' }, 'Only people missing (true) or not missing (false) a recommended attribute.'),
          limit,
          cursor,
        ],
        responses: { '200': json(page('people'), 'A page of people.'), ...errors },
      },
    },
    '/tenants/{slug}/people/{id}': {
      get: { summary: 'One person with their groups and folders', parameters: [slug, idParam('person')], responses: { '200': json({ allOf: [ref('Person'), ref('Memberships')] }, 'The person.'), ...errors } },
    },
    '/tenants/{slug}/people/{id}/groups': {
      get: {
        summary: "A person's pushed groups and attribute folders, in one call",
        parameters: [slug, idParam('person')],
        responses: {
          '200': json({ allOf: [{ type: 'object', properties: { person: { type: 'object', properties: { id: { type: 'string' }, userName: { type: 'string' }, active: { type: 'boolean' } } } } }, ref('Memberships')] }, 'Groups and folders.'),
          ...errors,
        },
      },
    },
    '/tenants/{slug}/groups': {
      get: { summary: 'Pushed groups', parameters: [slug, query('q', { type: 'string' }, 'Case-insensitive substring of displayName.'), limit, cursor], responses: { '200': json(page('groups'), 'A page of groups.'), ...errors } },
    },
    '/tenants/{slug}/groups/{id}': {
      get: { summary: 'One pushed group', parameters: [slug, idParam('group')], responses: { '200': json(ref('Group'), 'The group.'), ...errors } },
    },
    '/tenants/{slug}/groups/{id}/members': {
      get: {
        summary: 'People in a pushed group',
        description: 'Direct members that are people. Groups nested in a group appear in the snapshot.',
        parameters: [slug, idParam('group'), limit, cursor],
        responses: { '200': json(page('members', { group: { type: 'object', properties: { id: { type: 'string' }, displayName: { type: 'string' } } } }), 'A page of members.'), ...errors },
      },
    },
    '/tenants/{slug}/folders': {
      get: { summary: 'Attribute folders (department, division, organization)', parameters: [slug, query('kind', { enum: ['department', 'division', 'organization'] }, 'Only folders of this kind.')], responses: { '200': json({ type: 'object', properties: { folders: { type: 'array', items: ref('Folder') } } }, 'The folders.'), ...errors } },
    },
    '/tenants/{slug}/folders/{id}': {
      get: { summary: 'One attribute folder', parameters: [slug, idParam('folder')], responses: { '200': json(ref('Folder'), 'The folder.'), ...errors } },
    },
    '/tenants/{slug}/folders/{id}/members': {
      get: { summary: 'People in an attribute folder', parameters: [slug, idParam('folder'), limit, cursor], responses: { '200': json(page('members', { folder: ref('FolderRef') }), 'A page of members.'), ...errors } },
    },
    '/tenants/{slug}/setup-links': {
      get: { summary: "The tenant's setup links (never their secrets)", parameters: [slug], responses: { '200': json({ type: 'object', properties: { links: { type: 'array', items: ref('SetupLink') } } }, 'The links, newest first.'), ...errors } },
      post: {
        summary: "A link for the customer's IT admin to set up provisioning alone",
        description:
          'Opening the link needs no Roster account: it signs the person into a session that can see the SCIM URL, generate a token and watch the connection check for this tenant, and nothing else. `expiresIn` is `30m`, `12h` or `7d` (default 7d, at most 30d). The URL is in this answer only; Roster keeps a hash of its secret.',
        parameters: [slug],
        requestBody: { required: true, content: { 'application/json': { schema: ref('NewSetupLink') } } },
        responses: { '201': json({ type: 'object', properties: { link: ref('SetupLink'), url: { type: 'string' } } }, 'Created.'), ...errors },
      },
    },
    '/tenants/{slug}/setup-links/{id}': {
      delete: { summary: 'Revoke a setup link and end the sessions it opened', parameters: [slug, idParam('setup link')], responses: { '204': { description: 'Revoked.' }, ...errors } },
    },
    '/tenants/{slug}/sso-logins': {
      post: {
        summary: 'Just-in-time upsert at SSO login',
        description:
          "Finds the person by the tenant's matching field (userName, work email or externalId), creates them if absent (source `sso`, adopted by a later SCIM create), and updates their details only when the tenant lets logins do so or SCIM does not manage the person. Refuse the login when `active` is false.",
        parameters: [slug],
        requestBody: { required: true, content: { 'application/json': { schema: ref('SsoLogin') } } },
        responses: { '200': json(ref('SsoLoginResult'), 'An existing person.'), '201': json(ref('SsoLoginResult'), 'A person created by this login.'), '409': json(ref('Error'), 'The userName belongs to someone else.'), ...errors },
      },
    },
  },
  components: {
    securitySchemes: { hostKey: { type: 'http', scheme: 'bearer', description: 'A host API key, `rhk_…`.' } },
    schemas: {
      Error: { type: 'object', required: ['status', 'error', 'detail'], properties: { status: { type: 'integer' }, error: { type: 'string' }, detail: { type: 'string' } } },
      NewSetupLink: {
        type: 'object',
        properties: {
          expiresIn: { type: 'string', examples: ['7d'] }, singleUse: { type: 'boolean' },
          idp: { enum: ['okta', 'entra-id', 'onelogin', 'jumpcloud', 'google-workspace', 'pingone', 'generic-scim'] },
          productName: { type: 'string' }, logoUrl: { type: 'string', description: 'https only.' }, accent: { type: 'string', description: '#rrggbb' }, returnUrl: { type: 'string' },
          preview: { type: 'boolean', description: 'Open the tenant in preview (default: when it holds nothing yet); false leaves it live. While in preview the tenant\'s reads answer 409 tenant_in_preview.' },
        },
      },
      SetupLink: {
        type: 'object',
        properties: {
          id: { type: 'string' }, state: { enum: ['open', 'expired', 'used', 'revoked'] }, createdAt: { type: 'string' }, expiresAt: { type: 'string' },
          singleUse: { type: 'boolean' }, idp: { type: ['string', 'null'] }, branding: { type: 'object' }, createdBy: { type: 'string' }, uses: { type: 'integer' },
          lastUsedAt: { type: ['string', 'null'] }, revokedAt: { type: ['string', 'null'] },
        },
      },
      Tenant: { type: 'object', properties: { id: { type: 'string' }, slug: { type: 'string' }, name: { type: 'string' }, mode: { enum: ['live', 'preview'] } } },
      Person: {
        type: 'object',
        required: ['id', 'userName', 'active', 'source'],
        properties: {
          id: { type: 'string' },
          userName: { type: 'string' },
          externalId: nullable('string'),
          displayName: nullable('string'),
          email: { ...nullable('string'), description: 'The work email.' },
          active: { type: 'boolean' },
          source: { enum: ['scim', 'sso', 'admin', 'import'], description: 'Who made the profile; only `scim` is SCIM-managed.' },
          managerId: nullable('string'),
          incomplete: { type: 'boolean' },
          missing: { type: 'array', items: { type: 'string' }, description: 'Recommended attributes the profile lacks.' },
          valueFlags: {
            type: 'array',
            items: ref('ValueFlag'),
            description: "Values kept exactly as the IdP sent them that break a rule under the tenant's current settings (derived on each read).",
          },
          version: { type: 'integer' },
          created: { type: 'string', format: 'date-time' },
          lastModified: { type: 'string', format: 'date-time' },
          attributes: { type: 'object', description: 'All attributes, SCIM-shaped (extensions under their URN).' },
        },
      },
      ValueFlag: {
        type: 'object',
        required: ['path', 'value', 'rule', 'accepted'],
        properties: {
          path: { type: 'string', description: 'The attribute as a SCIM path, e.g. `addresses[type eq "work"].country`.' },
          value: { type: 'string', description: 'The value as stored (exactly as sent).' },
          rule: { enum: [...VALUE_RULES] },
          accepted: { type: 'string', description: 'The form the rule accepts.' },
        },
      },
      Group: {
        type: 'object',
        properties: { id: { type: 'string' }, displayName: { type: 'string' }, externalId: nullable('string'), version: { type: 'integer' }, created: { type: 'string', format: 'date-time' }, lastModified: { type: 'string', format: 'date-time' } },
      },
      FolderRef: { type: 'object', properties: { id: { type: 'string' }, kind: { enum: ['department', 'division', 'organization'] }, value: { type: 'string' } } },
      Folder: { allOf: [ref('FolderRef'), { type: 'object', properties: { memberCount: { type: 'integer' }, created: { type: 'string', format: 'date-time' } } }] },
      Memberships: {
        type: 'object',
        properties: {
          groups: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, displayName: { type: 'string' } } } },
          folders: { type: 'array', items: ref('FolderRef') },
        },
      },
      Event: {
        type: 'object',
        required: ['id', 'type', 'seq', 'tenant', 'occurredAt', 'data'],
        properties: {
          id: { type: 'string', description: 'Unique; use it to drop a repeated delivery.' },
          type: { enum: EVENT_TYPES },
          seq: { type: 'integer', description: "Position in the tenant's events: 1, 2, 3… without gaps." },
          tenant: { type: 'object', properties: { id: { type: 'string' }, slug: { type: 'string' } } },
          occurredAt: { type: 'string', format: 'date-time' },
          data: { type: 'object', description: 'The payload of the type (docs/events.md), with `schemaVersion`.' },
        },
      },
      FeedPage: {
        type: 'object',
        required: ['events', 'next', 'hasMore'],
        properties: { events: { type: 'array', items: ref('Event') }, next: { type: 'integer', description: 'Pass as `after` next time.' }, hasMore: { type: 'boolean' } },
      },
      Snapshot: {
        type: 'object',
        properties: {
          tenant: ref('Tenant'),
          seq: { type: 'integer', description: 'The last event reflected; follow the feed with after=seq.' },
          people: { type: 'array', items: ref('Person') },
          groups: {
            type: 'array',
            items: { allOf: [ref('Group'), { type: 'object', properties: { members: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, type: { enum: ['User', 'Group'] }, display: nullable('string') } } } } }] },
          },
          folders: { type: 'array', items: { allOf: [ref('Folder'), { type: 'object', properties: { members: { type: 'array', items: { type: 'string' } } } }] } },
        },
      },
      SsoLogin: {
        type: 'object',
        required: ['userName'],
        additionalProperties: false,
        properties: {
          userName: { type: 'string' },
          email: { type: 'string' },
          givenName: { type: 'string' },
          familyName: { type: 'string' },
          displayName: { type: 'string' },
          externalId: { type: 'string' },
        },
      },
      SsoLoginResult: {
        type: 'object',
        required: ['person', 'active', 'created', 'updated'],
        properties: { person: ref('Person'), active: { type: 'boolean' }, created: { type: 'boolean' }, updated: { type: 'boolean' } },
      },
    },
  },
};
