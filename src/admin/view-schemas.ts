import { z } from 'zod';
import { jsonObjectSchema, jsonValueSchema } from '../json/json-schema.js';
import { VALUE_RULES } from '../provisioning/users/validate-person.js';
import { settingsSchema } from '../provisioning/tenants/tenant-settings.js';
import { setupBrandingSchema } from '../http/setup-link-input.js';

/**
 * What the admin API answers, declared once: the views (views.ts) return these types, the routes
 * declare them, the OpenAPI document and the console's types are generated from them. Objects are
 * strict, so a field a view adds without declaring it fails the tests (answers are checked there).
 * An `id` in `.meta()` makes a named component (`admin.` keeps zod's registry ids unique).
 */
const named = <S extends z.ZodType>(schema: S, id: string, description?: string): S => schema.meta({ id: `admin.${id}`, ...(description ? { description } : {}) });

export const isoTime = z.iso.datetime();
const time = isoTime.nullable();
const count = z.number().int().min(0);
/** Member counts stop at 10,000 (storage's MEMBER_COUNT_CAP): a million-member count is a million index entries. */
const cappedCount = count.describe('Direct members, counted up to 10,000; a lower bound when memberCountExact is false.');
const cappedCountExact = z.boolean().describe('False when memberCount stopped at 10,000 and there are more.');

/** Any JSON value (a person's SCIM attributes, an audit entry's detail). */
export const jsonValue = jsonValueSchema;
export const jsonObject = jsonObjectSchema;

export const adminSchema = named(z.strictObject({ id: z.string(), email: z.string(), role: z.enum(['operator', 'tenant']), tenant: z.string().nullable() }), 'Admin');
export const sessionSchema = named(z.strictObject({ admin: adminSchema, csrfToken: z.string(), expiresAt: isoTime }), 'Session');
export const adminListingSchema = named(
  z.strictObject({
    id: z.string(),
    email: z.string(),
    role: z.enum(['operator', 'tenant']),
    tenant: z.string().nullable(),
    disabledAt: time,
    createdAt: isoTime,
    lastSignInAt: time,
  }),
  'AdminListing',
);

const webhookTrouble = z.strictObject({
  endpointId: z.string(),
  label: z.string(),
  health: z.enum(['retrying', 'failing']),
  attempts: count,
  failingSince: time,
  lastError: z.string().nullable(),
  message: z.string(),
});
export const tenantHealthSchema = named(
  z.strictObject({
    level: z.enum(['ok', 'note', 'warning', 'problem']),
    findings: z.array(z.strictObject({ severity: z.enum(['note', 'warning', 'problem']), message: z.string() })),
    lastError: z.strictObject({ at: time, method: z.string(), path: z.string(), status: z.number().int(), error: z.string().nullable() }).nullable(),
    failedRecent: count,
    recentRequests: count,
    heldChanges: count,
  }),
  'TenantHealth',
  "As `roster doctor` judges the tenant (silence beyond the IdP's rhythm, failing requests), with held changes and webhook findings; level is the worst finding's severity.",
);
export const tenantModeSchema = z
  .enum(['live', 'preview'])
  .describe('preview: the first sync is received and checked but kept from the host until an admin presses Go live.');
export const tenantSchema = named(
  z.strictObject({
    slug: z.string(),
    name: z.string(),
    provisioningEnabled: z.boolean(),
    mode: tenantModeSchema,
    createdAt: time,
    lastScimRequestAt: time,
    lastScimChangeAt: time,
    webhooks: z.strictObject({
      health: z
        .enum(['ok', 'retrying', 'failing'])
        .describe(
          'ok: every webhook stream of the tenant delivers; retrying: one failed lately; failing: one has failed for 10 minutes or 5 attempts, or stopped at a dead letter.',
        ),
      troubles: z.array(webhookTrouble),
    }),
    health: tenantHealthSchema.optional(),
  }),
  'Tenant',
);

/** A tenant's settings as the console shows them: the settings schema, and whether SCIM is switched on. */
export const settingsViewSchema = named(settingsSchema.extend({ provisioningEnabled: z.boolean() }).strict(), 'Settings');
export const endpointsSchema = named(z.strictObject({ byCredential: z.string(), byTenantPath: z.string() }), 'Endpoints');
export const tenantDetailSchema = named(z.strictObject({ tenant: tenantSchema, settings: settingsViewSchema, endpoints: endpointsSchema }), 'TenantDetail');

export const heldChangeSchema = named(
  z.strictObject({
    id: z.string(),
    kind: z.enum(['user.deactivate', 'user.delete', 'group.empty']),
    resourceId: z.string(),
    reason: z.string(),
    status: z.enum(['held', 'approved', 'discarded']),
    heldAt: time,
    decidedAt: time,
    target: z
      .strictObject({ type: z.enum(['person', 'group']), name: z.string().nullable(), exists: z.boolean(), members: z.number().int().nullable() })
      .optional()
      .describe('While held: the person or group approval would change.'),
    changes: z
      .array(z.strictObject({ attribute: z.string(), before: jsonValue.nullable(), after: jsonValue.nullable() }))
      .optional()
      .describe('While held: each attribute approval would change, its value now and after (null: absent).'),
  }),
  'HeldChange',
);

export const credentialSchema = named(
  z.strictObject({
    id: z.string(),
    kind: z.enum(['bearer', 'basic']),
    label: z.string(),
    key: z.string().optional().describe('Basic: the username.'),
    createdAt: time,
    lastUsedAt: time,
    revokedAt: time,
  }),
  'Credential',
);
export const issuedCredentialSchema = named(
  z.strictObject({ credential: credentialSchema, secret: z.string(), key: z.string().optional() }),
  'IssuedCredential',
  'The one answer that carries the secret: it is not stored and never shown again.',
);

export const personSchema = named(
  z.strictObject({
    id: z.string(),
    userName: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    title: z.string().nullable(),
    department: z.string().nullable(),
    active: z.boolean(),
    source: z.enum(['scim', 'sso', 'admin', 'import']),
    missing: z.array(z.string()).describe('Recommended attributes the profile lacks.'),
    createdAt: time,
    modifiedAt: time,
  }),
  'Person',
);
export const peoplePageSchema = named(
  z.strictObject({
    people: z.array(personSchema),
    total: count.describe('A lower bound when totalExact is false (the console counts at most 10,000).'),
    totalExact: z.boolean(),
    nextCursor: z.string().nullable(),
  }),
  'PeoplePage',
);

export const logEntrySchema = named(
  z.strictObject({
    id: z.string(),
    at: time,
    method: z.string(),
    path: z.string(),
    status: z.number().int(),
    durationMs: z.number().min(0),
    client: z.string().nullable().describe('The client User-Agent.'),
    credential: z.string().nullable().describe('Label of the credential used (never the secret).'),
    resourceType: z.string().nullable(),
    resourceId: z.string().nullable(),
    changed: z.boolean(),
    changes: z.array(z.string()),
    ignored: z.array(
      z.strictObject({
        path: z.string(),
        reason: z.string(),
        suggestion: z.string().nullable().describe('The attribute or schema URN probably meant.'),
        matches: z.array(z.string()),
      }),
    ),
    normalisers: z.array(z.string()).describe('IdP normalisers that fired.'),
    warnings: z.array(z.string()),
    leniencies: z.array(z.string()),
    error: z.string().nullable(),
    event: z.string().nullable().describe('The event type of the change the request made (user.created, …), null when none or before this was kept.'),
    diff: z
      .array(z.strictObject({ attribute: z.string(), before: jsonValue.nullable(), after: jsonValue.nullable() }))
      .describe('Before and after of each attribute a person write changed (secrets redacted, long values cut).'),
  }),
  'LogEntry',
);

export const logEntryDetailSchema = named(
  z.strictObject({
    entry: logEntrySchema,
    requestBody: z.string().nullable().describe('The request body, passwords, secrets and tokens redacted, cut at 16 KB.'),
    responseBody: z.string().nullable().describe('The answer as sent, cut at 16 KB (a streamed group is not kept).'),
  }),
  'LogEntryDetail',
);

/** A folder named on a person's page (no count: the page links to the folder). */
export const folderRefSchema = named(z.strictObject({ id: z.string(), kind: z.enum(['department', 'division', 'organization']), value: z.string() }), 'FolderRef');
export const folderSchema = named(
  z.strictObject({
    id: z.string(),
    kind: z.enum(['department', 'division', 'organization']),
    value: z.string(),
    memberCount: cappedCount,
    memberCountExact: cappedCountExact,
    createdAt: time,
  }),
  'Folder',
);
export const groupSchema = named(
  z.strictObject({
    id: z.string(),
    displayName: z.string(),
    externalId: z.string().nullable(),
    memberCount: cappedCount,
    memberCountExact: cappedCountExact,
    createdAt: time,
    modifiedAt: time,
  }),
  'Group',
);
export const pendingSchema = named(
  z.strictObject({
    kind: z.enum(['manager', 'member']),
    subjectId: z.string(),
    subjectName: z.string().nullable().optional(),
    reference: z.string(),
    since: time,
    ageSeconds: count,
  }),
  'Pending',
);
export const valueFlagSchema = named(
  z.strictObject({ path: z.string(), value: z.string(), rule: z.enum(VALUE_RULES), accepted: z.string() }),
  'ValueFlag',
  "A value kept exactly as the identity provider sent it that breaks one of the directory's rules.",
);
export const personDetailSchema = named(
  z.strictObject({
    person: personSchema.extend({
      externalId: z.string().nullable(),
      employeeNumber: z.string().nullable(),
      attributes: jsonObject,
      valueFlags: z.array(valueFlagSchema).describe("Values kept as sent that break a rule under the tenant's current settings."),
    }),
    groups: z.array(z.strictObject({ id: z.string(), displayName: z.string() })),
    folders: z.array(folderRefSchema),
    manager: personSchema.nullable(),
    reports: z.array(personSchema),
    pending: z.array(pendingSchema),
    history: z.array(logEntrySchema),
  }),
  'PersonDetail',
);

export const duplicateSchema = named(
  z.strictObject({
    reason: z.enum(['email', 'name']),
    key: z.string(),
    people: z.array(personSchema).describe('The first 20 people of the set.'),
    more: z.boolean().describe('More people share the key than people lists.'),
  }),
  'Duplicate',
);
export const duplicatesPageSchema = named(
  z.strictObject({
    duplicates: z.array(duplicateSchema),
    total: count.describe('Sets in the tenant; a lower bound when totalExact is false.'),
    totalExact: z.boolean(),
    nextCursor: z
      .string()
      .nullable()
      .describe(
        'Where the next page starts. Each page reads a bounded part of the index, so a page may hold fewer sets than asked (even none) and still have a next one.',
      ),
  }),
  'DuplicatesPage',
);

export const setupSessionSchema = named(
  z.strictObject({
    tenant: z.strictObject({ slug: z.string(), name: z.string() }),
    idp: z.string().nullable(),
    branding: setupBrandingSchema,
    csrfToken: z.string(),
    expiresAt: isoTime,
  }),
  'SetupSession',
  "A browser signed in with a setup link: one tenant's provisioning setup and nothing else.",
);
export const setupOverviewSchema = named(
  z.strictObject({
    tenant: z.strictObject({ slug: z.string(), name: z.string(), provisioningEnabled: z.boolean(), mode: tenantModeSchema }),
    endpoints: endpointsSchema,
  }),
  'SetupOverview',
);

export const guideBlockSchema = named(
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('md'), text: z.string() }),
    z.strictObject({ type: z.literal('table'), header: z.array(z.string()), rows: z.array(z.array(z.string())) }),
    z.strictObject({ type: z.literal('scim-url') }),
    z.strictObject({ type: z.literal('token') }),
    z.strictObject({ type: z.literal('live-check') }),
    z.strictObject({ type: z.literal('if-it-fails'), items: z.array(z.strictObject({ shows: z.string(), fix: z.string() })) }),
  ]),
  'GuideBlock',
);
export const guideSchema = named(
  z.strictObject({
    idp: z.string(),
    name: z.string(),
    title: z.string(),
    intro: z.string(),
    terms: z.strictObject({ url: z.string(), token: z.string(), test: z.string() }),
    sections: z.array(z.strictObject({ id: z.string(), title: z.string(), kind: z.string(), blocks: z.array(guideBlockSchema) })),
  }),
  'Guide',
);
export const connectionAttemptSchema = named(
  z.strictObject({
    id: z.string(),
    at: isoTime,
    method: z.string(),
    path: z.string(),
    status: z.number().int(),
    idp: z.string().nullable(),
    client: z.string().nullable(),
    ok: z.boolean(),
    outcome: z.string(),
    explanation: z.string(),
  }),
  'ConnectionAttempt',
);

/** The admin API's one error body. */
export const adminErrorSchema = named(z.strictObject({ error: z.strictObject({ status: z.number().int(), code: z.string(), message: z.string() }) }), 'Error');

export type AdminView = z.infer<typeof adminSchema>;
export type TenantView = z.infer<typeof tenantSchema>;
export type SettingsView = z.infer<typeof settingsViewSchema>;
export type HeldChangeView = z.infer<typeof heldChangeSchema>;
export type CredentialView = z.infer<typeof credentialSchema>;
export type PersonView = z.infer<typeof personSchema>;
export type LogEntryView = z.infer<typeof logEntrySchema>;
export type LogEntryDetailView = z.infer<typeof logEntryDetailSchema>;
export type FolderView = z.infer<typeof folderSchema>;
export type GroupView = z.infer<typeof groupSchema>;
export type PendingView = z.infer<typeof pendingSchema>;
export type PersonDetailView = z.infer<typeof personDetailSchema>;
export type AdminListingView = z.infer<typeof adminListingSchema>;
export type PeoplePageView = z.infer<typeof peoplePageSchema>;

/** A tenant's first sync in preview, as the console polls it (src/provisioning/tenants/preview-summary.ts). */
const capped = { total: count, exact: z.boolean().describe('false: there are at least `total`; counting stopped there.') };
export const previewSchema = named(
  z.strictObject({
    tenant: z.strictObject({ slug: z.string(), name: z.string(), mode: tenantModeSchema }),
    people: z.strictObject({ ...capped, active: count }),
    groups: z.strictObject(capped),
    requests: z.strictObject({ ...capped, failed: count, lastAt: time }),
    ignored: z.array(
      z.strictObject({ path: z.string(), reason: z.string(), suggestion: z.string().nullable().describe('The attribute probably meant.'), requests: count }),
    ),
    flagged: z.strictObject({
      people: count,
      checked: count,
      complete: z.boolean(),
      byRule: z.array(
        z.strictObject({
          path: z.string(),
          rule: z.string(),
          accepted: z.string(),
          people: count,
          examples: z.array(z.strictObject({ id: z.string(), userName: z.string(), value: z.string() })),
        }),
      ),
    }),
    incomplete: z.strictObject({ ...capped, examples: z.array(z.strictObject({ id: z.string(), userName: z.string(), missing: z.array(z.string()) })) }),
    pending: z.strictObject({
      total: count,
      examples: z.array(z.strictObject({ kind: z.enum(['manager', 'member']), subjectId: z.string(), reference: z.string(), createdAt: time })),
    }),
    guard: z.strictObject({ mode: z.string(), percent: z.number(), windowMinutes: count, minActive: count, groupSize: count, removedInWindow: count, held: count }),
    eventsHeldBack: count.describe('Events of the preview in the outbox: deleted when it goes live, never sent one by one.'),
  }),
  'Preview',
);
export const wentLiveSchema = named(
  z.strictObject({ tenant: z.strictObject({ slug: z.string(), mode: z.literal('live') }), snapshotSeq: count, snapshot: z.string() }),
  'WentLive',
  "The host's webhooks get tenant.live (snapshotSeq, snapshot), then events.",
);
export const discardedPreviewSchema = named(
  z.strictObject({
    tenant: z.strictObject({ slug: z.string(), mode: z.literal('preview') }),
    removed: z.strictObject({ people: count, groups: count, folders: count, pendingReferences: count, heldChanges: count, provisioningLogEntries: count, events: count }),
  }),
  'DiscardedPreview',
);
