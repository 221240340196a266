import { z } from 'zod';
import { EVENT_TYPES } from '../events/event-types.js';
import { jsonObjectSchema } from '../json/json-schema.js';
import { VALUE_RULES } from '../provisioning/users/validate-person.js';

/**
 * What the host API answers, declared once: host-views.ts returns these types, the routes declare
 * them and its OpenAPI document is generated from them. Objects are strict, so a field a view adds
 * without declaring it fails the tests. `host.` keeps zod's registry ids apart from the admin API's.
 */
const named = <S extends z.ZodType>(schema: S, id: string, description?: string): S => schema.meta({ id: `host.${id}`, ...(description ? { description } : {}) });

const isoTime = z.iso.datetime();
const folderKind = z.enum(['department', 'division', 'organization']);
const jsonObject = jsonObjectSchema;

export const hostTenantSchema = named(
  z.strictObject({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    mode: z.enum(['live', 'preview']).describe('preview: the directory is kept from the host until an admin presses Go live (tenant.live).'),
  }),
  'Tenant',
);

export const hostValueFlagSchema = named(
  z.strictObject({
    path: z.string().describe('The attribute as a SCIM path, e.g. `addresses[type eq "work"].country`.'),
    value: z.string().describe('The value as stored (exactly as sent).'),
    rule: z.enum(VALUE_RULES),
    accepted: z.string().describe('The form the rule accepts.'),
  }),
  'ValueFlag',
);

export const hostPersonSchema = named(
  z.strictObject({
    id: z.string(),
    userName: z.string(),
    externalId: z.string().nullable(),
    displayName: z.string().nullable(),
    email: z.string().nullable().describe('The work email.'),
    active: z.boolean(),
    source: z.enum(['scim', 'sso', 'admin', 'import']).describe('Who made the profile; only `scim` is SCIM-managed.'),
    managerId: z.string().nullable(),
    incomplete: z.boolean(),
    missing: z.array(z.string()).describe('Recommended attributes the profile lacks.'),
    valueFlags: z
      .array(hostValueFlagSchema)
      .describe("Values kept exactly as the IdP sent them that break a rule under the tenant's current settings (derived on each read)."),
    version: z.number().int(),
    created: isoTime,
    lastModified: isoTime,
    attributes: jsonObject.describe('All attributes, SCIM-shaped (extensions under their URN).'),
  }),
  'Person',
);

export const hostGroupSchema = named(
  z.strictObject({ id: z.string(), displayName: z.string(), externalId: z.string().nullable(), version: z.number().int(), created: isoTime, lastModified: isoTime }),
  'Group',
);
export const folderRefSchema = named(z.strictObject({ id: z.string(), kind: folderKind, value: z.string() }), 'FolderRef');
export const hostFolderSchema = named(
  z.strictObject({
    id: z.string(),
    kind: folderKind,
    value: z.string(),
    created: isoTime,
    memberCount: z.number().int().min(0).optional().describe('People in the folder, counted up to 10,000; a lower bound when memberCountExact is false.'),
    memberCountExact: z.boolean().optional().describe('False when memberCount stopped at 10,000 and the folder holds more.'),
  }),
  'Folder',
);
export const membershipsSchema = named(
  z.strictObject({ groups: z.array(z.strictObject({ id: z.string(), displayName: z.string() })), folders: z.array(folderRefSchema) }),
  'Memberships',
);
export const memberSchema = named(z.strictObject({ id: z.string(), type: z.enum(['User', 'Group']), display: z.string().nullable() }), 'Member');

export const snapshotSchema = named(
  z.strictObject({
    tenant: z.strictObject({ id: z.string(), slug: z.string() }),
    seq: z.number().int().min(0).describe('The last event reflected; follow the feed with after=seq.'),
    people: z.array(hostPersonSchema),
    groups: z.array(hostGroupSchema.extend({ members: z.array(memberSchema) })),
    folders: z.array(hostFolderSchema.extend({ members: z.array(z.string()) })),
  }),
  'Snapshot',
);

export const eventSchema = named(
  z.strictObject({
    id: z.string().describe('Unique; use it to drop a repeated delivery.'),
    type: z.string().describe(`One of ${EVENT_TYPES.join(', ')} (docs/events.md).`),
    seq: z.number().int().min(1).describe("Position in the tenant's events: 1, 2, 3… without gaps."),
    tenant: z.strictObject({ id: z.string(), slug: z.string() }),
    occurredAt: isoTime,
    data: jsonObject.describe('The payload of the type (docs/events.md), with `schemaVersion`.'),
  }),
  'Event',
);
export const feedPageSchema = named(
  z.strictObject({ events: z.array(eventSchema), next: z.number().int().min(0).describe('Pass as `after` next time.'), hasMore: z.boolean() }),
  'FeedPage',
);

/** The host API's one error body (410 `cursor_expired` adds where to resynchronise from). */
export const hostErrorSchema = named(
  z.strictObject({
    status: z.number().int(),
    error: z.string(),
    detail: z.string(),
    snapshot: z.string().optional().describe('410: path of the snapshot to resynchronise from (also in the Link header).'),
    oldestAfter: z.number().int().optional().describe('410: the smallest `after` still served.'),
  }),
  'Error',
);

export type HostPersonView = z.infer<typeof hostPersonSchema>;
export type HostGroupView = z.infer<typeof hostGroupSchema>;
export type HostFolderView = z.infer<typeof hostFolderSchema>;
export type MembershipsView = z.infer<typeof membershipsSchema>;
export type MemberView = z.infer<typeof memberSchema>;
export type SnapshotView = z.infer<typeof snapshotSchema>;
