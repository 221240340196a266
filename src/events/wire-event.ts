import type { JsonObject } from '../json/json-value.js';
import type { StoredEvent } from '../storage/store.js';

/**
 * An outbox row in the shape webhooks send and the feed returns (`RosterEvent` in event-types.ts):
 * the payload exactly as committed, wrapped with its id, type, seq, tenant and time.
 */
export function toWireEvent(event: StoredEvent, tenantSlug: string): JsonObject {
  return {
    id: event.id,
    type: event.type,
    seq: event.seq,
    tenant: { id: event.tenantId, slug: tenantSlug },
    occurredAt: new Date(event.occurredMs).toISOString(),
    data: event.data,
  };
}
