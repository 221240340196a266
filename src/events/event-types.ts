import type { JsonObject, JsonValue } from '../json/json-value.js';
import type { EventType } from '../provisioning/events/event-buffer.js';

import type { ValueFlag } from '../provisioning/users/validate-person.js';

export type { EventType } from '../provisioning/events/event-buffer.js';
export type { ValueFlag, ValueRule } from '../provisioning/users/validate-person.js';

/** A person named in an event. */
export interface PersonRef {
  readonly id: string;
  readonly userName: string;
}

/** One changed attribute: its path (extension attributes URN-qualified) and values before and after. */
export interface AttributeChange {
  readonly attribute: string;
  readonly before: JsonValue | null;
  readonly after: JsonValue | null;
}

/** A group named in a membership event; `displayName` is absent when the change came from a deletion elsewhere. */
export interface GroupRef {
  readonly id: string;
  readonly displayName?: string | null;
}

export interface FolderRef {
  readonly id: string;
  readonly kind: 'department' | 'division' | 'organization';
  readonly value: string;
}

/**
 * The person's values, after the change, that break a rule under the tenant's settings at that
 * moment; kept as sent (docs/events.md "Value flags"). Empty when every value passes; absent in
 * events written before Roster 0.2.
 */
interface Flagged {
  readonly valueFlags?: readonly ValueFlag[];
}

interface Versioned {
  /** Payload schema version (docs/events.md); bumped on an incompatible change. */
  readonly schemaVersion: number;
}

/** The `data` of each event type, exactly as written to the outbox by the provisioning use cases. */
export interface EventPayloads {
  'user.created': Versioned & Flagged & {
    readonly user: PersonRef & { readonly externalId: string | null; readonly active: boolean; readonly managerId: string | null; readonly attributes: JsonObject };
  };
  'user.updated': Versioned & Flagged & { readonly user: PersonRef; readonly changes: readonly AttributeChange[]; readonly adopted?: boolean };
  'user.deactivated': Versioned & { readonly user: PersonRef };
  'user.reactivated': Versioned & { readonly user: PersonRef };
  'user.deleted': Versioned & { readonly user: { readonly id: string } };
  'user.manager_linked': Versioned & { readonly user: { readonly id: string }; readonly manager: { readonly id: string }; readonly reference: string };
  'group.created': Versioned & { readonly group: { readonly id: string; readonly displayName: string; readonly externalId: string | null } };
  'group.updated': Versioned & { readonly group: { readonly id: string; readonly displayName: string }; readonly changes: readonly AttributeChange[] };
  'group.deleted': Versioned & { readonly group: { readonly id: string; readonly displayName: string } };
  'group.members_added': Versioned & { readonly group: GroupRef; readonly members: readonly string[] };
  'group.members_removed': Versioned & { readonly group: GroupRef; readonly members: readonly string[] };
  'folder.members_added': Versioned & { readonly folder: FolderRef; readonly members: readonly string[] };
  'folder.members_removed': Versioned & { readonly folder: FolderRef; readonly members: readonly string[] };
  /**
   * The tenant left preview (docs/events.md "Preview before go-live"): the first event a webhook
   * receives of it. `snapshotSeq` is this event's own seq; read the snapshot at `snapshot` (its seq
   * is at least that) and apply only events after the snapshot's seq.
   */
  'tenant.live': Versioned & { readonly snapshotSeq: number; readonly snapshot: string };
}

/** Every event type has a payload type: adding a type to the outbox without one fails to compile. */
type Covered = { [K in EventType]: K extends keyof EventPayloads ? true : never };
export const EVENT_TYPES = Object.keys({
  'user.created': true,
  'user.updated': true,
  'user.deactivated': true,
  'user.reactivated': true,
  'user.deleted': true,
  'user.manager_linked': true,
  'group.created': true,
  'group.updated': true,
  'group.deleted': true,
  'group.members_added': true,
  'group.members_removed': true,
  'folder.members_added': true,
  'folder.members_removed': true,
  'tenant.live': true,
} satisfies Covered) as EventType[];

/** One event as webhooks send it and the feed returns it. */
export type RosterEvent = {
  [K in EventType]: {
    /** Unique id: a receiver that sees it twice can drop the second. */
    readonly id: string;
    readonly type: K;
    /** Position in the tenant's outbox: 1, 2, 3… without gaps. */
    readonly seq: number;
    readonly tenant: { readonly id: string; readonly slug: string };
    /** When the change was committed (ISO 8601). */
    readonly occurredAt: string;
    readonly data: EventPayloads[K];
  };
}[EventType];

/** The event of one type, for handlers: `(event: RosterEventOf<'user.created'>) => …`. */
export type RosterEventOf<K extends EventType> = Extract<RosterEvent, { type: K }>;
