import { z } from 'zod';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value.js';
import { VALUE_RULES } from '../users/validate-person.js';

/**
 * The one declaration of Roster's events: each type and the `data` it carries, as the use cases
 * write it to the outbox (docs/events.md describes the same fields; event-types.test.ts holds the
 * two together). Objects are strict, so a field written but not declared fails the runtime check.
 *
 * The schemas give the types the writers are checked against at compile time. They are not run
 * when an event is written: parsing a group change's 1,000-id member lists on every request would
 * be per-member work on the hot path, and the type-checker already refuses a wrong payload. Tests
 * parse what the real app writes (`parseEventPayload`).
 */

/** JSON the event carries as it was stored (a profile, a value before or after); not described further. */
const jsonObject = z.custom<JsonObject>((v) => isJsonObject(v), 'expected a JSON object');
const jsonValue = z.custom<JsonValue | null>((v) => v !== undefined, 'expected a JSON value');

const members = z.array(z.string()).readonly();
const personRef = z.strictObject({ id: z.string(), userName: z.string() });
const idOnly = z.strictObject({ id: z.string() });
const attributeChange = z.strictObject({ attribute: z.string(), before: jsonValue, after: jsonValue });
const changes = z.array(attributeChange).readonly();
/** `displayName` is absent when the change came from a deletion elsewhere, null when a pending member arrives in a group read without it. */
const groupRef = z.strictObject({ id: z.string(), displayName: z.string().nullable().optional() });
const folderRef = z.strictObject({ id: z.string(), kind: z.enum(['department', 'division', 'organization']), value: z.string() });
const valueFlag = z.strictObject({ path: z.string(), value: z.string(), rule: z.enum(VALUE_RULES), accepted: z.string() });
/** Absent in events written before Roster 0.2 (docs/events.md "Value flags"). */
const valueFlags = z.array(valueFlag).readonly().optional();

/** Every payload carries its schema version (docs/events.md); the rest is the type's own. */
const versioned = <S extends z.ZodRawShape>(shape: S) => z.strictObject({ schemaVersion: z.number().int().positive(), ...shape });

export const EVENT_PAYLOADS = {
  'user.created': versioned({
    user: z.strictObject({
      id: z.string(),
      userName: z.string(),
      externalId: z.string().nullable(),
      active: z.boolean(),
      managerId: z.string().nullable(),
      attributes: jsonObject,
    }),
    valueFlags,
  }),
  'user.updated': versioned({ user: personRef, changes, adopted: z.boolean().optional(), valueFlags }),
  'user.deactivated': versioned({ user: personRef }),
  'user.reactivated': versioned({ user: personRef }),
  'user.deleted': versioned({ user: idOnly }),
  'user.manager_linked': versioned({ user: idOnly, manager: idOnly, reference: z.string() }),
  'group.created': versioned({ group: z.strictObject({ id: z.string(), displayName: z.string(), externalId: z.string().nullable() }) }),
  'group.updated': versioned({ group: z.strictObject({ id: z.string(), displayName: z.string() }), changes }),
  'group.deleted': versioned({ group: z.strictObject({ id: z.string(), displayName: z.string() }) }),
  'group.members_added': versioned({ group: groupRef, members }),
  'group.members_removed': versioned({ group: groupRef, members }),
  'folder.members_added': versioned({ folder: folderRef, members }),
  'folder.members_removed': versioned({ folder: folderRef, members }),
  /**
   * The tenant left preview (docs/events.md "Preview before go-live"): the first event a webhook
   * receives of it. `snapshotSeq` is this event's own seq; read the snapshot at `snapshot` (its seq
   * is at least that) and apply only events after the snapshot's seq.
   */
  'tenant.live': versioned({ snapshotSeq: z.number().int().positive(), snapshot: z.string() }),
} as const;

/** The name of an event: `noun.past_tense`. */
export type EventType = keyof typeof EVENT_PAYLOADS;

/** Every event type, in the declaration's order. */
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[];

/** The `data` of each event type, exactly as written to the outbox. */
export type EventPayloads = { [K in EventType]: z.infer<(typeof EVENT_PAYLOADS)[K]> };

/** What a use case writes for one event; the buffer adds `schemaVersion`. */
export type EventPayload<T extends EventType> = Omit<EventPayloads[T], 'schemaVersion'>;

/** Checks stored `data` against its type's declaration; answers the problems, empty when it matches. */
export function eventPayloadProblems(type: string, data: unknown): string[] {
  if (!Object.hasOwn(EVENT_PAYLOADS, type)) return [`unknown event type "${type}"`];
  const parsed = EVENT_PAYLOADS[type as EventType].safeParse(data);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`);
}
