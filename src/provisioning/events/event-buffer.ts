import type { JsonObject } from '../../json/json-value.js';
import type { EventDraft, ScopedRepositories } from '../../storage/store.js';
import type { ProvisioningRuntime } from '../runtime.js';
import type { EventPayload, EventType } from './event-payloads.js';

/** Version of the event payloads; bumped on any incompatible change (docs/events.md). */
export const EVENT_SCHEMA_VERSION = 1;

/** Above this many ids, a membership change is split into several events of this size. */
export const MEMBERS_PER_EVENT = 1000;

/** The membership events, and the key their subject goes under. */
type MemberEvents = {
  'group.members_added': 'group';
  'group.members_removed': 'group';
  'folder.members_added': 'folder';
  'folder.members_removed': 'folder';
};

/** The group or folder a membership event names. */
type SubjectOf<T extends keyof MemberEvents> = EventPayload<T> extends { readonly [K in MemberEvents[T]]: infer S } ? S : never;

const SUBJECT_KEY: MemberEvents = {
  'group.members_added': 'group',
  'group.members_removed': 'group',
  'folder.members_added': 'folder',
  'folder.members_removed': 'folder',
};

/**
 * A payload as the outbox stores it. The declared payloads are JSON by construction (strings,
 * numbers, booleans, null, arrays and objects of them); only their readonly arrays and optional
 * fields keep TypeScript from seeing so, and the row is serialised as JSON, which drops an
 * optional field left undefined.
 */
const stored = (data: object): JsonObject => data as JsonObject;

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

  /** Adds one event; `data` must be its type's payload (event-payloads.ts), checked at compile time. */
  push<T extends EventType>(type: T, data: EventPayload<T>): void {
    this.drafts.push({ id: this.rt.newId(), type, occurredMs: this.occurredMs, data: stored({ schemaVersion: EVENT_SCHEMA_VERSION, ...data }) });
  }

  /** One event per batch of at most MEMBERS_PER_EVENT ids. */
  pushMembers<T extends keyof MemberEvents>(type: T, subject: SubjectOf<T>, ids: readonly string[]): void {
    const key = SUBJECT_KEY[type];
    for (let i = 0; i < ids.length; i += MEMBERS_PER_EVENT) {
      this.drafts.push({
        id: this.rt.newId(),
        type,
        occurredMs: this.occurredMs,
        data: stored({ schemaVersion: EVENT_SCHEMA_VERSION, [key]: subject, members: ids.slice(i, i + MEMBERS_PER_EVENT) }),
      });
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
