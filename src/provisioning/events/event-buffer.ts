import type { JsonObject } from '../../json/json-value.js';
import type { EventDraft, ScopedRepositories } from '../../storage/store.js';
import type { ProvisioningRuntime } from '../runtime.js';

/** Version of the event payloads; bumped on any incompatible change (docs/events.md). */
export const EVENT_SCHEMA_VERSION = 1;

/** Above this many ids, a membership change is split into several events of this size. */
export const MEMBERS_PER_EVENT = 1000;

export type EventType =
  | 'user.created'
  | 'user.updated'
  | 'user.deactivated'
  | 'user.reactivated'
  | 'user.deleted'
  | 'user.manager_linked'
  | 'group.created'
  | 'group.updated'
  | 'group.deleted'
  | 'group.members_added'
  | 'group.members_removed'
  | 'folder.members_added'
  | 'folder.members_removed'
  | 'tenant.live';

/**
 * The events of one change, collected while the use case works and appended to the outbox in the
 * same transaction (so none is lost and none is invented).
 */
export class EventBuffer {
  private readonly drafts: EventDraft[] = [];

  constructor(
    private readonly rt: ProvisioningRuntime,
    private readonly occurredMs: number,
  ) {}

  push(type: EventType, data: JsonObject): void {
    this.drafts.push({ id: this.rt.newId(), type, occurredMs: this.occurredMs, data: { schemaVersion: EVENT_SCHEMA_VERSION, ...data } });
  }

  /** One event per batch of at most MEMBERS_PER_EVENT ids. */
  pushMembers(type: EventType, subject: JsonObject, subjectKey: 'group' | 'folder', ids: readonly string[]): void {
    for (let i = 0; i < ids.length; i += MEMBERS_PER_EVENT) {
      this.push(type, { [subjectKey]: subject, members: ids.slice(i, i + MEMBERS_PER_EVENT) });
    }
  }

  get size(): number {
    return this.drafts.length;
  }

  /** Writes the collected events; call last, so the tenant's sequence row is held only until commit. */
  async flush(repos: ScopedRepositories): Promise<void> {
    await repos.events.append(this.drafts);
    this.drafts.length = 0;
  }
}
