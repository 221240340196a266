/**
 * The events Roster sends, as a receiver sees them. This package stands alone (receivers install it
 * without the server), so the shapes are declared here; the server's test suite checks that its
 * own event types and these are the same, so they cannot drift apart.
 */

/** JSON as it arrives in an event. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Every event type, in one list (handy for a switch that must cover them all). */
export const EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  'user.manager_linked',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.members_added',
  'group.members_removed',
  'folder.members_added',
  'folder.members_removed',
  'tenant.live',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The rules a value can break (docs/events.md "Value flags"). */
export type ValueRule = 'iso-date' | 'iana-timezone' | 'tenant-language' | 'iso-country' | 'email-address';

/** A value that breaks one of the directory's rules, kept exactly as the IdP sent it. */
export interface ValueFlag {
  readonly path: string;
  readonly value: string;
  readonly rule: ValueRule;
  readonly accepted: string;
}

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

interface Flagged {
  /** The person's values that break a rule under the tenant's settings; absent in events from before Roster 0.2. */
  readonly valueFlags?: readonly ValueFlag[];
}

interface Versioned {
  /** Payload schema version; bumped on an incompatible change. */
  readonly schemaVersion: number;
}

/** The `data` of each event type. */
export interface EventPayloads {
  'user.created': Versioned &
    Flagged & {
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
   * The tenant left preview: the first event a webhook receives of it. Read the snapshot (its seq is
   * at least `snapshotSeq`, which is this event's own seq), then apply only events after the snapshot's seq.
   */
  'tenant.live': Versioned & { readonly snapshotSeq: number; readonly snapshot: string };
}

/** One event as webhooks send it and the feed returns it. */
export type RosterEvent = {
  [K in EventType]: {
    /** Unique and the same on every attempt: the idempotency key (a receiver that sees it twice drops the second). */
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
