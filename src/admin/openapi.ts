import type { JsonObject } from '../json/json-value.js';
import { VALUE_RULES } from '../provisioning/users/validate-person.js';

/**
 * The admin API described as OpenAPI 3.1, served at /admin/api/v1/openapi.json. Written by hand
 * (a test checks that every route is described and every described path is a route).
 */
const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const str: JsonObject = { type: 'string' };
const nullableStr: JsonObject = { type: ['string', 'null'] };
const time: JsonObject = { type: ['string', 'null'], format: 'date-time' };
const arrayOf = (items: JsonObject): JsonObject => ({ type: 'array', items });
const object = (properties: JsonObject, required: string[] = Object.keys(properties)): JsonObject => ({ type: 'object', properties, required });

const slug: JsonObject = { name: 'slug', in: 'path', required: true, schema: str, description: 'The tenant slug.' };
const idParam = (what: string): JsonObject => ({ name: 'id', in: 'path', required: true, schema: str, description: `The ${what} id.` });
const query = (name: string, description: string, schema: JsonObject = str): JsonObject => ({ name, in: 'query', required: false, schema, description });
const cursorParam = query('cursor', 'nextCursor of the previous page.');
const limitParam = query('limit', 'Page size (1–200, default 50).', { type: 'integer', minimum: 1, maximum: 200 });

const ok = (schema: JsonObject, description = 'OK'): JsonObject => ({ description, content: { 'application/json': { schema } } });
const errors = (...codes: number[]): JsonObject => {
  const text: Record<number, string> = {
    400: 'Invalid parameters or body; the message names each problem.',
    401: 'Not signed in, or the session expired.',
    403: 'Missing X-CSRF-Token header, or a request from another origin.',
    404: 'No such tenant (or not one this admin manages), or no such item.',
    409: 'Conflict.',
    412: 'Refused: the last enabled operator, or a disabled admin.',
    429: 'Too many failed sign-ins; see Retry-After.',
  };
  return Object.fromEntries(codes.map((c) => [String(c), { description: text[c] ?? 'Error', content: { 'application/json': { schema: ref('Error') } } }]));
};
const read = (summary: string, parameters: JsonObject[], schema: JsonObject): JsonObject => ({
  summary,
  parameters,
  responses: { '200': ok(schema), ...errors(400, 401, 404) },
});
const write = (summary: string, parameters: JsonObject[], body: JsonObject | undefined, response: JsonObject): JsonObject => ({
  summary,
  parameters,
  security: [{ session: [], csrf: [] }],
  ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
  responses: { ...response, ...errors(400, 401, 403, 404) },
});

const person = object({
  id: str, userName: str, name: nullableStr, email: nullableStr, title: nullableStr, department: nullableStr,
  active: { type: 'boolean' }, source: { enum: ['scim', 'sso', 'admin', 'import'] },
  missing: { ...arrayOf(str), description: 'Recommended attributes the profile lacks.' }, createdAt: time, modifiedAt: time,
});
const peoplePage = object({ people: arrayOf(ref('Person')), total: { type: 'integer' }, totalExact: { type: 'boolean', description: 'False when total stopped at the 10,000 the console counts: there are more' }, nextCursor: nullableStr });
const logEntry = object({
  id: str, at: time, method: str, path: str, status: { type: 'integer' }, durationMs: { type: 'integer' },
  client: { ...nullableStr, description: 'The client User-Agent.' },
  credential: { ...nullableStr, description: 'Label of the credential used (never the secret).' },
  resourceType: nullableStr, resourceId: nullableStr, changed: { type: 'boolean' },
  changes: arrayOf(str),
  ignored: arrayOf(object({
    path: str,
    reason: { enum: ['unknownAttribute', 'notCoreAttribute', 'readOnly', 'password', 'unknownSchema', 'nullValue'] },
    suggestion: { ...nullableStr, description: 'The attribute or schema URN probably meant.' },
    matches: { ...arrayOf(str), description: "For an unknown schema: its attribute names that the suggested schema has." },
  })),
  normalisers: { ...arrayOf(str), description: 'IdP normalisers that fired.' },
  warnings: arrayOf(str), leniencies: arrayOf(str), error: nullableStr,
});

export const openApiDocument: JsonObject = {
  openapi: '3.1.0',
  info: {
    title: 'Roster admin API',
    version: '1',
    description:
      'The JSON API behind the admin console. Sign in with POST /session; the session travels in an HttpOnly, SameSite=Strict cookie. ' +
      'Every POST, PATCH and DELETE (except sign-in) must carry the session\'s csrfToken in the X-CSRF-Token header, and requests from ' +
      'another origin are refused. Operators see every tenant; a tenant admin sees only theirs (other tenants answer 404). ' +
      'Secrets appear only in the response that creates them.',
  },
  servers: [{ url: '/admin/api/v1' }],
  security: [{ session: [] }],
  components: {
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'roster_admin' },
      csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
      setupSession: { type: 'apiKey', in: 'cookie', name: 'roster_setup', description: 'A session opened with a setup link: only the /setup routes of its own tenant.' },
    },
    schemas: {
      SetupLink: object({
        id: str, state: { enum: ['open', 'expired', 'used', 'revoked'] }, createdAt: time, expiresAt: time, singleUse: { type: 'boolean' }, idp: nullableStr,
        branding: object({ productName: str, logoUrl: str, accent: str, returnUrl: str }, []), createdBy: str, uses: { type: 'integer' }, lastUsedAt: time, revokedAt: time,
      }),
      SetupGuide: object({
        idp: str, name: str, title: str, intro: str,
        sections: arrayOf(object({ id: str, title: str, kind: str, blocks: arrayOf({ type: 'object' }) }, ['id', 'title', 'kind', 'blocks'])),
      }),
      ConnectionAttempt: object({
        id: str, at: time, method: str, path: str, status: { type: 'integer' }, idp: nullableStr, client: nullableStr,
        ok: { type: 'boolean' }, outcome: str, explanation: str,
      }),
      Error: object({ error: object({ status: { type: 'integer' }, code: str, message: str }) }),
      Admin: object({ id: str, email: str, role: { enum: ['operator', 'tenant'] }, tenant: nullableStr }),
      AdminListing: object({ id: str, email: str, role: { enum: ['operator', 'tenant'] }, tenant: nullableStr, disabledAt: time, createdAt: time, lastSignInAt: time }),
      Session: object({ admin: ref('Admin'), csrfToken: str, expiresAt: time }),
      Tenant: object({
        slug: str, name: str, provisioningEnabled: { type: 'boolean' }, createdAt: time, lastScimRequestAt: time, lastScimChangeAt: time,
        webhooks: object({
          health: { enum: ['ok', 'retrying', 'failing'], description: 'ok: every webhook stream of the tenant delivers; retrying: one failed lately; failing: one has failed for 10 minutes or 5 attempts, or stopped at a dead letter.' },
          troubles: arrayOf(object({
            endpointId: str, label: str, health: { enum: ['retrying', 'failing'] }, attempts: { type: 'integer' }, failingSince: time, lastError: nullableStr, message: str,
          })),
        }),
        health: {
          ...object({
            level: { enum: ['ok', 'note', 'warning', 'problem'] },
            findings: arrayOf(object({ severity: { enum: ['note', 'warning', 'problem'] }, message: str })),
            lastError: { type: ['object', 'null'], properties: { at: time, method: str, path: str, status: { type: 'integer' }, error: nullableStr } },
            failedRecent: { type: 'integer' }, recentRequests: { type: 'integer' }, heldChanges: { type: 'integer' },
          }),
          description: "As `roster doctor` judges the tenant (silence beyond the IdP's rhythm, failing requests), with held changes and webhook findings; level is the worst finding's severity.",
        },
      }, ['slug', 'name', 'provisioningEnabled', 'createdAt', 'lastScimRequestAt', 'lastScimChangeAt', 'webhooks']),
      Settings: object({
        supportedLanguages: arrayOf(str), matchingField: { enum: ['userName', 'email', 'externalId'] }, extensionUrn: str,
        ssoMayUpdate: { type: 'boolean' }, valueRules: { enum: ['report', 'enforce'], description: 'report (default): keep and flag values that break a rule; enforce: refuse them with 400.' }, massChangeGuard: { enum: ['on', 'off'] },
        massChangePercent: { type: 'number' }, massChangeWindowMinutes: { type: 'integer' }, massChangeMinActive: { type: 'integer' },
        massChangeGroupSize: { type: 'integer' }, provisioningEnabled: { type: 'boolean' },
        logRetentionDays: { type: 'integer', description: 'Days the provisioning log keeps an entry (default 30).' },
        eventRetentionDays: { type: 'integer', description: 'Days an event every webhook endpoint has received stays in the feed (default 90).' },
      }),
      HeldChange: object({
        id: str, kind: { enum: ['user.deactivate', 'user.delete', 'group.empty'] }, resourceId: str, reason: str,
        status: { enum: ['held', 'approved', 'discarded'] }, heldAt: time, decidedAt: time,
        target: { ...object({ type: { enum: ['person', 'group'] }, name: nullableStr, exists: { type: 'boolean' }, members: { type: ['integer', 'null'] } }), description: 'While held: the person or group approval would change.' },
        changes: { ...arrayOf(object({ attribute: str, before: {}, after: {} })), description: 'While held: each attribute approval would change, its value now and after (null: absent).' },
      }, ['id', 'kind', 'resourceId', 'reason', 'status', 'heldAt', 'decidedAt']),
      Endpoints: object({ byCredential: str, byTenantPath: str }),
      Credential: object(
        { id: str, kind: { enum: ['bearer', 'basic'] }, label: str, key: { ...str, description: 'Basic: the username.' }, createdAt: time, lastUsedAt: time, revokedAt: time },
        ['id', 'kind', 'label', 'createdAt', 'lastUsedAt', 'revokedAt'],
      ),
      Person: person,
      ValueFlag: object({ path: str, value: str, rule: { enum: [...VALUE_RULES] }, accepted: str }),
      PeoplePage: peoplePage,
      Folder: object({ id: str, kind: { enum: ['department', 'division', 'organization'] }, value: str, memberCount: { type: 'integer' }, createdAt: time }),
      Group: object({ id: str, displayName: str, externalId: nullableStr, memberCount: { type: 'integer' }, createdAt: time, modifiedAt: time }),
      Pending: object({ kind: { enum: ['manager', 'member'] }, subjectId: str, subjectName: nullableStr, reference: str, since: time, ageSeconds: { type: 'integer' } }),
      LogEntry: logEntry,
    },
  },
  paths: {
    '/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': ok({ type: 'object' }) } } },
    '/session': {
      post: {
        summary: 'Sign in',
        security: [],
        requestBody: { required: true, content: { 'application/json': { schema: object({ email: str, password: str }) } } },
        responses: { '200': { ...ok(ref('Session')), headers: { 'Set-Cookie': { schema: str } } }, ...errors(400, 401, 403, 429) },
      },
      get: read('The signed-in admin and the CSRF token', [], ref('Session')),
      delete: write('Sign out', [], undefined, { '204': { description: 'Signed out' } }),
    },
    '/tenants': {
      get: read('Tenants this admin manages, with Last SCIM request / change', [], object({ tenants: arrayOf(ref('Tenant')) })),
      post: write('Operators: create a tenant', [], object({ slug: str, name: str }, ['slug']), { '201': ok(object({ tenant: ref('Tenant'), endpoints: ref('Endpoints') })), ...errors(409) }),
    },
    '/tenants/{slug}': {
      get: read('A tenant, its settings and its SCIM endpoint URLs', [slug], object({ tenant: ref('Tenant'), settings: ref('Settings'), endpoints: ref('Endpoints') })),
      patch: write(
        'Operators: rename a tenant (slug and/or display name). A new slug changes the /t/{slug}/scim/v2 URL IdPs use; /scim/v2 is unaffected',
        [slug],
        object({ slug: str, name: str }, []),
        { '200': ok(object({ tenant: ref('Tenant'), before: object({ slug: str, name: str }), endpoints: ref('Endpoints') })), ...errors(409) },
      ),
      delete: write(
        'Operators: delete a tenant and everything of it (people, groups, folders, events, log, held changes, webhooks, credentials, host keys, tenant admins); answers what was removed',
        [slug, { ...query('confirm', 'The slug again, as confirmation.'), required: true }],
        undefined,
        { '200': ok(object({ deleted: object({ id: str, slug: str, name: str }), removed: { type: 'object', additionalProperties: { type: 'integer' } } })) },
      ),
    },
    '/admins': {
      get: read('Operators: every console admin, with role, tenant, disabled time and last sign-in', [], object({ admins: arrayOf(ref('AdminListing')) })),
      post: write(
        'Operators: invite an admin (tenant: a slug, or null for an operator); answers a single-use link where they set their first password (3 days unless expiresInMinutes), shown only here',
        [],
        object({ email: str, tenant: nullableStr, expiresInMinutes: { type: 'integer', minimum: 1, maximum: 10080 } }, ['email', 'tenant']),
        { '201': ok(object({ admin: ref('AdminListing'), link: str, expiresAt: time })), ...errors(409) },
      ),
    },
    '/admins/{id}': {
      delete: write('Operators: remove an admin with their sessions (not the last enabled operator)', [idParam('admin')], undefined, { '204': { description: 'Removed' }, ...errors(412) }),
    },
    '/admins/{id}/disable': {
      post: write('Operators: disable an admin; they cannot sign in and their sessions end now', [idParam('admin')], undefined, {
        '200': ok(object({ id: str, disabled: { type: 'boolean' }, sessionsEnded: { type: 'integer' } })), ...errors(412),
      }),
    },
    '/admins/{id}/enable': {
      post: write('Operators: let a disabled admin sign in again', [idParam('admin')], undefined, { '200': ok(object({ id: str, disabled: { type: 'boolean' } })) }),
    },
    '/admins/{id}/password-reset': {
      post: write(
        'Operators: a single-use link where the admin sets a new password (1 hour unless expiresInMinutes); a newer link replaces an older one',
        [idParam('admin')],
        object({ expiresInMinutes: { type: 'integer', minimum: 1, maximum: 10080 } }, []),
        { '200': ok(object({ link: str, expiresAt: time })), ...errors(412) },
      ),
    },
    '/operator-audit': {
      get: read('Operators: the operator audit trail (tenant deletions and renames, admin changes), newest first', [query('limit', '1–500, default 100.', { type: 'integer', minimum: 1, maximum: 500 })], object({
        entries: arrayOf(object({ id: str, at: time, actor: str, action: str, subject: str, detail: { type: 'object' } })),
      })),
    },
    '/password-reset/status': {
      post: {
        summary: 'Whether a reset link can be used (the reset page asks before showing its form)',
        security: [],
        requestBody: { required: true, content: { 'application/json': { schema: object({ token: str }) } } },
        responses: { '200': ok(object({ state: { enum: ['usable', 'expired', 'used', 'unknown'] } })), ...errors(400) },
      },
    },
    '/password-reset': {
      post: {
        summary: 'Set a new password with a reset link; every session of the admin ends',
        security: [],
        requestBody: { required: true, content: { 'application/json': { schema: object({ token: str, password: str }) } } },
        responses: {
          '200': ok(object({ email: str, sessionsEnded: { type: 'integer' } })),
          '410': { description: 'The link expired or was already used.', content: { 'application/json': { schema: ref('Error') } } },
          ...errors(400, 404),
        },
      },
    },
    '/tenants/{slug}/settings': {
      get: read('Provisioning settings', [slug], object({ settings: ref('Settings') })),
      patch: write(
        'Change settings (any subset); provisioningEnabled false makes SCIM answer 403',
        [slug],
        {
          type: 'object',
          properties: {
            supportedLanguages: arrayOf(str), matchingField: str, extensionUrn: str, ssoMayUpdate: { type: 'boolean' }, valueRules: str,
            massChangeGuard: str, massChangePercent: { type: 'number' }, massChangeWindowMinutes: { type: 'integer' },
            massChangeMinActive: { type: 'integer' }, massChangeGroupSize: { type: 'integer' }, provisioningEnabled: { type: 'boolean' },
            logRetentionDays: { type: 'integer' }, eventRetentionDays: { type: 'integer' },
          },
        },
        { '200': ok(object({ settings: ref('Settings') })) },
      ),
    },
    '/tenants/{slug}/credentials': {
      get: read('SCIM credentials with last use (never secrets)', [slug], object({ credentials: arrayOf(ref('Credential')) })),
      post: write(
        'Create a bearer token or a key/secret pair; the secret is in this response only',
        [slug],
        object({ kind: { enum: ['bearer', 'basic'] }, label: str }),
        { '201': ok(object({ credential: ref('Credential'), secret: str, key: str }, ['credential', 'secret']), 'Created') },
      ),
    },
    '/tenants/{slug}/held-changes': {
      get: read('Changes the mass-change guard held (status held by default; all for every decision)',
        [slug, query('status', 'held, approved, discarded or all.', { enum: ['held', 'approved', 'discarded', 'all'] })], object({ heldChanges: arrayOf(ref('HeldChange')) })),
    },
    '/tenants/{slug}/held-changes/{id}/approve': {
      post: write('Apply a held change now; its events are emitted from this moment', [slug, idParam('held change')], undefined, { '200': ok(object({ heldChange: ref('HeldChange') })) }),
    },
    '/tenants/{slug}/held-changes/{id}/discard': {
      post: write('Drop a held change: nothing is applied, no event is emitted', [slug, idParam('held change')], undefined, { '200': ok(object({ heldChange: ref('HeldChange') })) }),
    },
    '/tenants/{slug}/credentials/{id}': {
      delete: write('Revoke a credential; the next SCIM request with it gets 401', [slug, idParam('credential')], undefined, { '204': { description: 'Revoked' } }),
    },
    '/tenants/{slug}/people': {
      get: read(
        'People overview, filtered and paginated in the database',
        [
          slug,
          query('q', 'Substring of userName, display name or an email.'),
          query('status', 'active or inactive.', { enum: ['active', 'inactive'] }),
          query('folder', 'A folder id.'),
          query('group', 'A pushed group id.'),
          query('incomplete', 'true: only profiles missing a recommended attribute.', { enum: ['true', 'false'] }),
          query('source', 'Who made the profile.', { enum: ['scim', 'sso', 'admin', 'import'] }),
          cursorParam,
          limitParam,
        ],
        ref('PeoplePage'),
      ),
    },
    '/tenants/{slug}/people.csv': {
      get: {
        summary: 'Every person matching the People overview filters as CSV, streamed (a cell starting with = + - @ gets a leading apostrophe)',
        parameters: [
          slug,
          query('q', 'Substring of userName, display name or an email.'),
          query('status', 'active or inactive.', { enum: ['active', 'inactive'] }),
          query('folder', 'A folder id.'),
          query('group', 'A pushed group id.'),
          query('incomplete', 'true: only profiles missing a recommended attribute.', { enum: ['true', 'false'] }),
          query('source', 'Who made the profile.', { enum: ['scim', 'sso', 'admin', 'import'] }),
        ],
        responses: { '200': { description: 'id, userName, name, email, title, department, status, source, missing, createdAt, modifiedAt', content: { 'text/csv': { schema: str } } }, ...errors(400, 401, 404) },
      },
    },
    '/tenants/{slug}/people/{id}': {
      get: read(
        'A person: every attribute, groups, folders, manager, reports, pending references and SCIM history',
        [slug, idParam('person')],
        object({
          person: {
            allOf: [
              ref('Person'),
              object({
                externalId: nullableStr,
                employeeNumber: nullableStr,
                attributes: { type: 'object' },
                valueFlags: { ...arrayOf(ref('ValueFlag')), description: "Values kept as sent that break a rule under the tenant's current settings." },
              }),
            ],
          },
          groups: arrayOf(object({ id: str, displayName: str })),
          folders: arrayOf(ref('Folder')),
          manager: { oneOf: [ref('Person'), { type: 'null' }] },
          reports: arrayOf(ref('Person')),
          pending: arrayOf(ref('Pending')),
          history: arrayOf(ref('LogEntry')),
        }),
      ),
    },
    '/tenants/{slug}/groups': {
      get: read('Pushed groups with member counts', [slug, query('q', 'Substring of the display name.'), cursorParam, limitParam],
        object({ groups: arrayOf(ref('Group')), total: { type: 'integer' }, nextCursor: nullableStr })),
    },
    '/tenants/{slug}/groups/{id}': {
      get: read('A pushed group and a page of its members', [slug, idParam('group'), cursorParam, limitParam], object({ group: ref('Group'), members: ref('PeoplePage') })),
    },
    '/tenants/{slug}/folders': {
      get: read('Attribute folders (department, division, organization) with member counts',
        [slug, query('kind', 'Only this kind.', { enum: ['department', 'division', 'organization'] })], object({ folders: arrayOf(ref('Folder')) })),
    },
    '/tenants/{slug}/folders/{id}': {
      get: read('A folder and a page of its members (an empty folder has memberCount 0)', [slug, idParam('folder'), cursorParam, limitParam],
        object({ folder: ref('Folder'), members: ref('PeoplePage') })),
    },
    '/tenants/{slug}/pending': {
      get: read('References waiting for their target (late managers, early group members), oldest first',
        [slug, query('offset', 'Rows to skip.', { type: 'integer', minimum: 0 }), limitParam], object({ pending: arrayOf(ref('Pending')), total: { type: 'integer' } })),
    },
    '/tenants/{slug}/duplicates': {
      get: read('Possible duplicates: people sharing an email, then people with the same given and family name, minus pairs decided not to be',
        [slug, cursorParam, query('limit', 'Sets per page (1–100, default 25).', { type: 'integer', minimum: 1, maximum: 100 })],
        object({
          duplicates: arrayOf(object({ reason: { enum: ['email', 'name'] }, key: str, people: arrayOf(ref('Person')), more: { type: 'boolean', description: 'More people share the key than the first 20 listed in people' } })),
          total: { type: 'integer', description: 'Sets in the tenant; when totalExact is false, there are at least this many.' },
          totalExact: { type: 'boolean' },
          nextCursor: { ...nullableStr, description: 'Where the next page starts. Each page reads a bounded part of the index, so a page may hold fewer sets than asked (even none) and still have a next one.' },
        })),
    },
    '/tenants/{slug}/duplicates/dismissals': {
      post: write('Mark people as not duplicates of one another: every pair among them stops making a set (recorded in the audit log)', [slug],
        object({ userIds: { ...arrayOf(str), minItems: 2, maxItems: 50 } }),
        { '200': ok(object({ pairs: { type: 'integer' }, added: { type: 'integer', description: 'Pairs not decided before.' } })) }),
      delete: write('Undo a "not duplicates" decision among these people', [slug],
        object({ userIds: { ...arrayOf(str), minItems: 2, maxItems: 50 } }),
        { '200': ok(object({ removed: { type: 'integer' } })) }),
    },
    '/tenants/{slug}/setup-links': {
      get: read("The tenant's setup links (never their secrets)", [slug], object({ links: arrayOf(ref('SetupLink')) })),
      post: write(
        "Make a link for the customer's IT admin to set up provisioning alone; the URL is in this response only",
        [slug],
        object({
          expiresIn: { type: 'string', description: '30m, 12h or 7d (default 7d, at most 30d).' }, singleUse: { type: 'boolean' },
          idp: { enum: ['okta', 'entra-id', 'onelogin', 'jumpcloud', 'google-workspace', 'pingone', 'generic-scim'] },
          productName: str, logoUrl: str, accent: str, returnUrl: str,
        }, []),
        { '201': ok(object({ link: ref('SetupLink'), url: str }), 'Created') },
      ),
    },
    '/tenants/{slug}/setup-links/{id}': {
      delete: write('Revoke a setup link and end the sessions it opened', [slug, idParam('setup link')], undefined, { '204': { description: 'Revoked' } }),
    },
    '/setup/session': {
      get: { ...read('The setup-link session: its tenant, preselected IdP and branding (404 for an admin session)', [], object({ tenant: object({ slug: str, name: str }), idp: nullableStr, branding: { type: 'object' }, csrfToken: str, expiresAt: time })), security: [{ setupSession: [] }] },
      delete: write('End the setup-link session', [], undefined, { '204': { description: 'Signed out' } }),
    },
    '/setup/guides/{idp}': {
      get: read('The guided setup for an IdP: numbered steps, the attribute mapping from the schema registry, troubleshooting', [{ name: 'idp', in: 'path', required: true, schema: str }], ref('SetupGuide')),
    },
    '/tenants/{slug}/setup': {
      get: read('What the guided setup shows of the tenant: SCIM URLs and whether provisioning is on (also for a setup-link session)', [slug],
        object({ tenant: object({ slug: str, name: str, provisioningEnabled: { type: 'boolean' } }), endpoints: object({ byCredential: str, byTenantPath: str }) })),
    },
    '/tenants/{slug}/setup/token': {
      post: write('Generate the SCIM token in the guided setup (also for a setup-link session); the secret is in this response only', [slug],
        object({ idp: str }, []), { '201': ok(object({ credential: ref('Credential'), secret: str }), 'Created') }),
    },
    '/tenants/{slug}/setup/connection': {
      get: read('The live connection check: SCIM requests (and refused attempts) for the tenant after a cursor, oldest first, each explained',
        [slug, query('after', 'The cursor of the previous answer; without it, the last ten minutes.'), query('idp', 'The IdP of the guide on screen, for the explanations\' wording.')],
        object({ attempts: arrayOf(ref('ConnectionAttempt')), cursor: str })),
    },
    '/tenants/{slug}/log': {
      get: read(
        'The provisioning log, newest first',
        [
          slug,
          query('q', 'Substring of path, client or error.'),
          query('method', 'HTTP method.', { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] }),
          query('status', 'ok (<400), error (≥400) or a status code.'),
          query('changed', 'true: only requests that changed data.', { enum: ['true', 'false'] }),
          query('cursor', 'nextCursor of the previous page (older entries).'),
          limitParam,
        ],
        object({ entries: arrayOf(ref('LogEntry')), nextCursor: nullableStr }),
      ),
    },
  },
};
