import { z } from 'zod';
import type { JsonObject } from '../../json/json-value.js';
import { DomainError } from '../errors.js';

/**
 * The portable form of one tenant (`roster export` / `roster import`): a header, then records in
 * an order an import can apply in one pass — people, groups with members, folders with members,
 * pending references, and (only when asked) credential hashes.
 */
export const EXPORT_FORMAT = 'roster-tenant-export';
export const EXPORT_VERSION = 1;

export interface ExportCounts {
  readonly people: number;
  readonly groups: number;
  readonly folders: number;
  readonly pendingReferences: number;
  readonly credentials: number;
}

export interface ExportHeader {
  readonly format: typeof EXPORT_FORMAT;
  readonly version: typeof EXPORT_VERSION;
  readonly exportedAt: string;
  /** Roster version and database engine that wrote the file. */
  readonly producer: { readonly version: string; readonly engine: string };
  readonly tenant: {
    readonly id: string;
    readonly slug: string;
    readonly name: string;
    readonly provisioningEnabled: boolean;
    readonly createdMs: number;
    readonly settings: JsonObject;
  };
  /** The outbox position at export: the next event after import is `lastSeq + 1`. */
  readonly eventCursor: { readonly lastSeq: number };
  /** How many records of each kind follow; an import refuses a file that has fewer (truncated). */
  readonly counts: ExportCounts;
}

export interface PersonRecord {
  readonly type: 'person';
  readonly id: string;
  readonly source: 'scim' | 'sso' | 'admin' | 'import';
  readonly managerId: string | null;
  readonly version: number;
  readonly createdMs: number;
  readonly modifiedMs: number;
  /** The attributes as stored (core, enterprise and Roster extension). */
  readonly document: JsonObject;
}

export interface GroupRecordExport {
  readonly type: 'group';
  readonly id: string;
  readonly version: number;
  readonly createdMs: number;
  readonly modifiedMs: number;
  readonly document: JsonObject;
  /** `display` only where the client set a label other than the member's name (kept as sent). */
  readonly members: readonly { readonly id: string; readonly type: 'User' | 'Group'; readonly display?: string }[];
}

export interface FolderRecordExport {
  readonly type: 'folder';
  readonly id: string;
  readonly kind: 'department' | 'division' | 'organization';
  readonly value: string;
  readonly createdMs: number;
  /** Ids of the people in the folder. */
  readonly members: readonly string[];
}

export interface PendingRecordExport {
  readonly type: 'pending';
  readonly kind: 'manager' | 'member';
  readonly subjectId: string;
  readonly reference: string;
  readonly createdMs: number;
}

/** A credential's hash and bookkeeping (never a secret): exported only with `--with-credentials`. */
export interface CredentialRecordExport {
  readonly type: 'credential';
  readonly id: string;
  readonly kind: 'bearer' | 'basic';
  readonly label: string;
  readonly secretHash: string;
  readonly createdMs: number;
  readonly lastUsedMs: number | null;
  readonly revokedMs: number | null;
}

export type ExportRecord = PersonRecord | GroupRecordExport | FolderRecordExport | PendingRecordExport | CredentialRecordExport;

// Validation of what an import reads: the file may come from anywhere.
const id = z.string().min(1).max(200);
const ms = z.number().int().nonnegative();
const document = z.record(z.string(), z.unknown()).transform((d) => d as JsonObject);

export const headerSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.string(),
  producer: z.object({ version: z.string(), engine: z.string() }),
  tenant: z.object({
    id,
    slug: z.string().min(1),
    name: z.string(),
    provisioningEnabled: z.boolean(),
    createdMs: ms,
    settings: document,
  }),
  eventCursor: z.object({ lastSeq: ms }),
  counts: z.object({ people: ms, groups: ms, folders: ms, pendingReferences: ms, credentials: ms }),
});

export const recordSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('person'),
    id,
    source: z.enum(['scim', 'sso', 'admin', 'import']),
    managerId: id.nullable(),
    version: z.number().int().min(1),
    createdMs: ms,
    modifiedMs: ms,
    document: document.refine((d) => typeof d['userName'] === 'string' && d['userName'] !== '', 'a person needs a userName'),
  }),
  z.object({
    type: z.literal('group'),
    id,
    version: z.number().int().min(1),
    createdMs: ms,
    modifiedMs: ms,
    document: document.refine((d) => typeof d['displayName'] === 'string' && d['displayName'] !== '', 'a group needs a displayName'),
    members: z.array(z.object({ id, type: z.enum(['User', 'Group']), display: z.string().optional() })),
  }),
  z.object({
    type: z.literal('folder'),
    id,
    kind: z.enum(['department', 'division', 'organization']),
    value: z.string().min(1),
    createdMs: ms,
    members: z.array(id),
  }),
  z.object({ type: z.literal('pending'), kind: z.enum(['manager', 'member']), subjectId: id, reference: z.string().min(1), createdMs: ms }),
  z.object({
    type: z.literal('credential'),
    id,
    kind: z.enum(['bearer', 'basic']),
    label: z.string(),
    secretHash: z.string().min(1),
    createdMs: ms,
    lastUsedMs: ms.nullable(),
    revokedMs: ms.nullable(),
  }),
]);

/** The order records must come in (a later kind may refer to an earlier one). */
export const RECORD_ORDER: readonly ExportRecord['type'][] = ['person', 'group', 'folder', 'pending', 'credential'];

/** Validates a header read from a file; the message names what is wrong. */
export function parseHeader(value: unknown): ExportHeader {
  const parsed = headerSchema.safeParse(value);
  if (!parsed.success) {
    throw new DomainError(
      'invalidValue',
      `not a Roster tenant export (version ${EXPORT_VERSION}): ${parsed.error.issues.map((i) => `${i.path.join('.') || 'header'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data as ExportHeader;
}

/** Validates one record; `where` says where it was read (for the message). */
export function parseRecord(value: unknown, where: string): ExportRecord {
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) throw new DomainError('invalidValue', `${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ')}`);
  return parsed.data as ExportRecord;
}
