import type { EventPayloads, EventType } from '../provisioning/events/event-payloads.js';

/**
 * The events as the host product receives them. Types and payloads are declared once, in
 * provisioning/events/event-payloads.ts, where the use cases write them; this module adds the
 * envelope webhooks and the feed wrap them in.
 */
export { EVENT_PAYLOADS, EVENT_TYPES, eventPayloadProblems, type EventPayload, type EventPayloads, type EventType } from '../provisioning/events/event-payloads.js';
export type { ValueFlag, ValueRule } from '../provisioning/users/validate-person.js';

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
