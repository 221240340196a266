import type { JsonObject } from '../json/json-value.js';
import type { StoredEvent } from '../storage/store.js';

/** An event on the wire (a type alias, so it is also a JsonObject). */
export type WireEvent = {
  readonly id: string;
  readonly type: string;
  readonly seq: number;
  readonly tenant: { readonly id: string; readonly slug: string };
  readonly occurredAt: string;
  readonly data: JsonObject;
};

/**
 * An outbox row in the shape webhooks send and the feed returns (`RosterEvent` in event-types.ts):
 * the payload exactly as committed, wrapped with its id, type, seq, tenant and time.
 */
export function toWireEvent(event: StoredEvent, tenantSlug: string): WireEvent {
  return {
    id: event.id,
    type: event.type,
    seq: event.seq,
    tenant: { id: event.tenantId, slug: tenantSlug },
    occurredAt: new Date(event.occurredMs).toISOString(),
    data: event.data,
  };
}
