import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Store, TenantScope } from '../../storage/store.js';
import { tenantSettings } from './tenant-settings.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Rows one pruning transaction deletes at most. Small enough that a chunk holds SQLite's one
 * writer (and the serving thread) for a few milliseconds, large enough that a year's backlog of a
 * big tenant goes in a few thousand rounds.
 */
export const RETENTION_CHUNK = 500;

/** What one pass deleted. */
export interface PruneTotals {
  readonly logEntries: number;
  readonly events: number;
}

export interface RetentionDeps {
  readonly store: Store;
  readonly now: () => number;
  /** Rows per transaction (tests and the bench use smaller or larger chunks). */
  readonly chunk?: number;
  /** Checked between chunks: a server shutting down stops at the next one. */
  readonly stopping?: () => boolean;
}

/**
 * Keeps the provisioning log and the outbox bounded: deletes, per tenant and by the tenant's own
 * settings, log entries older than `logRetentionDays` and events older than `eventRetentionDays`
 * that every webhook endpoint has received (the storage decides what is received and keeps the
 * outbox one unbroken range, see EventRepository.prune). Each chunk is its own short transaction
 * and the event loop gets a turn between chunks, so requests interleave with a large backlog.
 */
export async function pruneRetention(deps: RetentionDeps, tenantIds?: readonly string[]): Promise<PruneTotals> {
  const chunk = deps.chunk ?? RETENTION_CHUNK;
  const tenants = (await deps.store.tenants.list()).filter((t) => tenantIds === undefined || tenantIds.includes(t.id));
  let logEntries = 0;
  let events = 0;
  for (const tenant of tenants) {
    if (deps.stopping?.()) break;
    const settings = tenantSettings(tenant);
    const scope: TenantScope = { tenantId: tenant.id };
    const now = deps.now();
    logEntries += await inChunks(chunk, deps.stopping, () =>
      deps.store.transaction(scope, (repos) => repos.requestLog.prune(now - settings.logRetentionDays * DAY_MS, chunk)),
    );
    events += await inChunks(chunk, deps.stopping, () => deps.store.transaction(scope, (repos) => repos.events.prune(now - settings.eventRetentionDays * DAY_MS, chunk)));
  }
  return { logEntries, events };
}

/** Runs `step` until it deletes less than a full chunk, yielding the event loop after each. */
async function inChunks(chunk: number, stopping: (() => boolean) | undefined, step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await step();
    total += deleted;
    await yieldToEventLoop();
    if (deleted < chunk || stopping?.()) return total;
  }
}

/** Runs `pruneRetention` every interval in the background, one pass at a time. */
export class RetentionPruner {
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private stopped = false;
  private readonly deps: RetentionDeps;

  constructor(
    deps: RetentionDeps,
    private readonly onError: (error: unknown) => void,
  ) {
    this.deps = { ...deps, stopping: () => this.stopped };
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => void this.runNow(), intervalMs);
    this.timer.unref();
  }

  /** Starts a pass unless one is running (then answers that one); resolves when it ends. */
  runNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.pass ??= pruneRetention(this.deps)
      .then(() => undefined, this.onError)
      .finally(() => {
        this.pass = undefined;
      });
    return this.pass;
  }

  /** No new pass starts, the running one ends after its current chunk. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.pass;
  }
}
