import { performance } from 'node:perf_hooks';
import { DomainError } from '../provisioning/errors.js';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import type { EventNotifier } from './event-notifier.js';
import { toWireEvent, type WireEvent } from './wire-event.js';

/** The longest a feed request may wait for events (seconds). */
export const MAX_FEED_WAIT_SECONDS = 30;
export const MAX_FEED_LIMIT = 1000;

export interface FeedPage {
  /** Events after the cursor, in seq order. */
  readonly events: readonly WireEvent[];
  /** The cursor for the next request: the last seq returned, or the one given when none was. */
  readonly next: number;
  /** More events follow right away. */
  readonly hasMore: boolean;
}

/**
 * The cursor is older than the oldest event the outbox still holds (retention deleted the events
 * after it): following the feed from it would skip events silently, so the host must reconcile
 * with a snapshot and follow on from the snapshot's seq.
 */
export class FeedCursorExpired extends Error {
  constructor(
    readonly after: number,
    /** The last seq retention deleted: a cursor at or past it is served again. */
    readonly prunedThrough: number,
  ) {
    super(
      `after=${after} is older than this tenant's retained events (events up to seq ${prunedThrough} were deleted by retention); read the snapshot and follow the feed from its seq`,
    );
    this.name = 'FeedCursorExpired';
  }
}

export interface FeedDeps {
  readonly rt: ProvisioningRuntime;
  readonly notifier: EventNotifier;
  /** How often to look for commits made by other processes while waiting. */
  readonly pollMs: number;
}

/**
 * A tenant's events after a cursor (a seq). The outbox is gapless and numbered in commit order,
 * so a consumer that always passes back `next` sees every event exactly once, across restarts of
 * either side. With `waitMs`, an empty answer waits until this process commits events for the
 * tenant (notifier) or a poll finds another process's, up to the limit.
 */
export async function readFeed(deps: FeedDeps, tenant: { id: string; slug: string }, query: { after: number; limit: number; waitMs: number }): Promise<FeedPage> {
  const scope = { tenantId: tenant.id };
  const deadline = performance.now() + Math.min(query.waitMs, MAX_FEED_WAIT_SECONDS * 1000);
  for (;;) {
    const events = await deps.rt.store.read(scope, (repos) => repos.events.after(query.after, query.limit + 1));
    const remaining = deadline - performance.now();
    if (events.length > 0 || remaining <= 0 || deps.notifier.isClosed) {
      // The outbox holds prunedThrough+1 … lastSeq without holes: an answer that starts right after
      // the cursor proves nothing was pruned past it, so only other answers pay for the check.
      if (events[0]?.seq !== query.after + 1) await refuseCursorPruned(deps.rt, scope, query.after);
      if (events.length === 0) await refuseCursorAhead(deps.rt, scope, query.after);
      const page = events.slice(0, query.limit);
      return { events: page.map((e) => toWireEvent(e, tenant.slug)), next: page.at(-1)?.seq ?? query.after, hasMore: events.length > query.limit };
    }
    await deps.notifier.wait(tenant.id, Math.min(deps.pollMs, remaining));
  }
}

async function refuseCursorPruned(rt: ProvisioningRuntime, scope: { tenantId: string }, after: number): Promise<void> {
  const pruned = await rt.store.read(scope, (repos) => repos.events.prunedThrough());
  if (after < pruned) throw new FeedCursorExpired(after, pruned);
}

/** A cursor past the end means the consumer follows another database (restored, or a different one): say so. */
async function refuseCursorAhead(rt: ProvisioningRuntime, scope: { tenantId: string }, after: number): Promise<void> {
  const last = await rt.store.read(scope, (repos) => repos.events.lastSeq());
  if (after > last) throw new DomainError('invalidValue', `after=${after} is beyond this tenant's last event (seq ${last}); re-read the snapshot`);
}
