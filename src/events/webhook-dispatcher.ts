import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ProvisioningRuntime } from '../provisioning/runtime.js';
import type { StreamClaim, StreamKey, StreamLease } from '../storage/delivery-store.js';
import type { StoredEvent } from '../storage/store.js';
import type { EventNotifier } from './event-notifier.js';
import { signingSecrets } from './manage-webhooks.js';
import { retryDelayMs, type DeliverySettings } from './retry-policy.js';
import { ATTEMPT_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signatureHeader, standardHeaders } from './webhook-signature.js';
import type { WebhookTransport } from './webhook-transport.js';
import { toWireEvent } from './wire-event.js';

/** Where the dispatcher reports; Fastify's logger fits. Never given a secret. */
export interface DeliveryLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface DispatcherDeps {
  readonly rt: ProvisioningRuntime;
  readonly notifier: EventNotifier;
  readonly transport: WebhookTransport;
  readonly settings: DeliverySettings;
  readonly log: DeliveryLog;
}

/** What this process's attempts to one endpoint came to since it started (for /metrics). */
export interface EndpointOutcomes {
  delivered: number;
  failed: number;
  deadLettered: number;
}

/** Events read from the outbox per round trip while a stream is behind. */
const BATCH = 100;

/**
 * Delivers the outbox to webhook endpoints, after commit and off the request path. Each
 * (endpoint, tenant) stream is claimed by one process at a time and delivered strictly in seq
 * order: an event is sent only once the one before it got a 2xx. Failures back off with jitter
 * until the retry window ends; then the event becomes a dead letter and its stream waits.
 */
/** The shortest time between two looks for work triggered by commits. */
const MIN_WAKE_INTERVAL_MS = 50;

function streamId(claim: StreamClaim): string {
  return `${claim.endpoint.id} ${claim.stream.tenantId}`;
}

export class WebhookDispatcher {
  /** Identifies this process's claims in the database. */
  readonly owner = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  private running = false;
  private loopDone: Promise<void> | undefined;
  private readonly active = new Set<Promise<void>>();
  /** Streams this process is delivering, each with the lease its loop acts under. */
  private readonly delivering = new Map<string, { owner: string; token: number }>();
  private wakeSleeper: (() => void) | undefined;
  private wakeRequested = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly leaseMs: number;
  private failing = false;
  private readonly outcomes = new Map<string, EndpointOutcomes>();

  constructor(private readonly deps: DispatcherDeps) {
    this.leaseMs = deps.settings.leaseMs;
  }

  /** Attempts by endpoint id, counted by this process since it started. */
  endpointOutcomes(): ReadonlyMap<string, Readonly<EndpointOutcomes>> {
    return this.outcomes;
  }

  private count(endpointId: string, outcome: keyof EndpointOutcomes): void {
    const counts = this.outcomes.get(endpointId) ?? { delivered: 0, failed: 0, deadLettered: 0 };
    counts[outcome] += 1;
    this.outcomes.set(endpointId, counts);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.deps.notifier.subscribe(() => this.wake());
    this.loopDone = this.loop();
  }

  /** Finishes attempts in flight (each bounded by the timeout), starts no new ones, and gives up every claim. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    clearTimeout(this.retryTimer);
    this.wake();
    await this.loopDone;
    await Promise.allSettled([...this.active]);
    await this.deps.rt.store.delivery.releaseAll(this.owner).catch((error: unknown) => this.deps.log.warn({ err: error }, 'webhook claims not released'));
  }

  /** Looks for work now rather than at the next poll. */
  wake(): void {
    const sleeper = this.wakeSleeper;
    this.wakeSleeper = undefined;
    if (sleeper) sleeper();
    else this.wakeRequested = true;
  }

  private async loop(): Promise<void> {
    const { rt, settings, log } = this.deps;
    let lastRunMs = 0;
    while (this.running) {
      // Commits wake the loop; under load that is hundreds of times a second. Looking for work at
      // most every MIN_WAKE_INTERVAL_MS keeps delivery prompt without a claim query per request.
      const sinceLast = Date.now() - lastRunMs;
      if (sinceLast < MIN_WAKE_INTERVAL_MS) await new Promise((resolve) => setTimeout(resolve, MIN_WAKE_INTERVAL_MS - sinceLast));
      lastRunMs = Date.now();
      this.wakeRequested = false;
      try {
        await rt.store.delivery.openMissingStreams(rt.now());
        const free = settings.concurrency - this.active.size;
        // The time is read just before claiming: a lease dated from before a slow statement would
        // be partly spent, or already over, when the claim lands.
        const now = rt.now();
        const claims = free > 0 ? await rt.store.delivery.claimDue(this.owner, now, now + this.leaseMs, free) : [];
        for (const claim of claims) {
          // This process claimed again a stream it is still delivering (its lease lapsed, no other
          // process took it): the loop under way goes on under the new claim, never a second loop.
          const held = this.delivering.get(streamId(claim));
          if (held) held.token = claim.stream.leaseToken;
          else this.track(this.deliverStream(claim));
        }
        if (this.failing) log.info({}, 'webhook dispatcher reaches the database again');
        this.failing = false;
      } catch (error) {
        // Once per outage, not once per poll.
        if (!this.failing) log.warn({ err: error }, 'webhook dispatcher cannot reach the database; retrying every poll');
        this.failing = true;
      }
      await this.sleep(settings.pollMs);
    }
  }

  private track(work: Promise<void>): void {
    this.active.add(work);
    void work.finally(() => {
      this.active.delete(work);
      this.wake();
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakeRequested || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /** Wakes the loop when a retry falls due before the next poll would notice it. */
  private scheduleWake(inMs: number): void {
    if (inMs >= this.deps.settings.pollMs || !this.running) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.wake(), Math.max(0, inMs));
    this.retryTimer.unref();
  }

  /**
   * Delivers a claimed stream until it is caught up, an attempt fails, or the claim is lost. Every
   * write is conditional on the claim's owner and token, and the lease is renewed before each send,
   * so a loop whose claim was taken over (by another process, or by this one after the lease ran
   * out) stops before sending again.
   */
  private async deliverStream(claim: StreamClaim): Promise<void> {
    const { rt, log } = this.deps;
    const key: StreamKey = { endpointId: claim.endpoint.id, tenantId: claim.stream.tenantId };
    const lease = { owner: this.owner, token: claim.stream.leaseToken };
    const id = streamId(claim);
    this.delivering.set(id, lease);
    let lastSeq = claim.stream.lastSeq;
    let attempts = claim.stream.attempts;
    let firstFailureMs = claim.stream.firstFailureMs;
    const keeper = this.keepLease(key, lease);
    try {
      while (this.running) {
        const events = await rt.store.read({ tenantId: key.tenantId }, (repos) => repos.events.after(lastSeq, BATCH));
        if (events.length === 0) break;
        const first = events[0]!.seq;
        if (first > lastSeq + 1) {
          // Events after the cursor were deleted undelivered: a preview's, when its tenant went live
          // (the host starts from tenant.live and the snapshot instead).
          if (!(await rt.store.delivery.skipDeleted(key, lease, lastSeq, first - 1))) {
            await rt.store.delivery.release(key, lease);
            return;
          }
          lastSeq = first - 1;
        }
        for (const event of events) {
          if (!this.running) break;
          if (keeper.lost() || !(await this.renewBeforeSend(key, lease, lastSeq))) {
            log.info({ endpoint: key.endpointId, tenant: claim.tenantSlug, seq: event.seq }, 'webhook stream claimed elsewhere; not sending');
            // Gives the claim up in case it is still this loop's (the cursor moved under it).
            await rt.store.delivery.release(key, lease);
            return;
          }
          const outcome = await this.attempt(claim, event, attempts + 1);
          const now = rt.now();
          this.count(key.endpointId, outcome.ok ? 'delivered' : 'failed');
          if (outcome.ok) {
            // Conditional on still holding the claim and on the cursor being where we left it.
            if (!(await rt.store.delivery.recordSuccess(key, lease, event.seq, now, now + this.leaseMs))) {
              // Only when this process could not renew its lease for a whole lease period: the
              // new holder sends this event again (at-least-once; the event id tells them apart).
              log.warn(
                { endpoint: key.endpointId, tenant: claim.tenantSlug, seq: event.seq },
                'webhook delivered but the claim was lost before it was recorded; it will be sent again',
              );
              return;
            }
            lastSeq = event.seq;
            attempts = 0;
            firstFailureMs = null;
            continue;
          }
          attempts += 1;
          firstFailureMs ??= now;
          if (now - firstFailureMs >= this.deps.settings.retryWindowMs) {
            await this.giveUp(claim, key, lease, event, attempts, firstFailureMs, outcome.error);
            return;
          }
          const nextAttemptMs = now + retryDelayMs(attempts, this.deps.settings);
          await rt.store.delivery.recordFailure(key, lease, { attempts, firstFailureMs, nextAttemptMs, error: outcome.error });
          // warn, not info: an operator running LOG_LEVEL=warn must see a receiver failing.
          log.warn(
            {
              endpoint: key.endpointId,
              url: claim.endpoint.url,
              tenant: claim.tenantSlug,
              seq: event.seq,
              eventId: event.id,
              attempts,
              error: outcome.error,
              retryInMs: nextAttemptMs - now,
            },
            'webhook delivery failed; will retry',
          );
          this.scheduleWake(nextAttemptMs - now);
          return;
        }
      }
      await rt.store.delivery.release(key, lease);
    } catch (error) {
      log.warn({ err: error, endpoint: key.endpointId, tenant: claim.tenantSlug }, 'webhook stream interrupted');
      await rt.store.delivery.release(key, lease).catch(() => {});
    } finally {
      keeper.stop();
      this.delivering.delete(id);
    }
  }

  /**
   * Renews the lease just before a send, so it starts with a whole lease ahead; while it is in
   * flight the keeper below renews it again every third of a lease. Another process can claim the
   * stream only if this one could not renew for a whole lease (it crashed, or stalled that long):
   * leases can therefore be short, and a dead process's streams are taken over within seconds.
   */
  private async renewBeforeSend(key: StreamKey, lease: StreamLease, lastSeq: number): Promise<boolean> {
    const { rt } = this.deps;
    return rt.store.delivery.renewLease(key, lease, rt.now() + this.leaseMs, lastSeq);
  }

  /**
   * Renews the lease every third of its length while a stream is held, so the time an attempt's
   * answer takes to be recorded does not cost the claim. A renewal refused means the claim was
   * taken over; the loop then stops before its next send.
   */
  private keepLease(key: StreamKey, lease: StreamLease): { lost(): boolean; stop(): void } {
    const { rt, log } = this.deps;
    let lost = false;
    let renewing = false;
    const timer = setInterval(
      () => {
        if (renewing || lost) return;
        renewing = true;
        rt.store.delivery
          .renewLease(key, lease, rt.now() + this.leaseMs)
          .then((held) => {
            if (!held) lost = true;
          })
          .catch((error: unknown) => log.warn({ err: error, endpoint: key.endpointId }, 'webhook lease not renewed'))
          .finally(() => {
            renewing = false;
          });
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
    timer.unref();
    return { lost: () => lost, stop: () => clearInterval(timer) };
  }

  private async giveUp(
    claim: StreamClaim,
    key: StreamKey,
    lease: StreamLease,
    event: StoredEvent,
    attempts: number,
    firstFailureMs: number,
    error: string,
  ): Promise<void> {
    const { rt, log } = this.deps;
    this.count(key.endpointId, 'deadLettered');
    await rt.store.delivery.deadLetter(key, lease, {
      id: rt.newId(),
      endpointId: key.endpointId,
      tenantId: key.tenantId,
      seq: event.seq,
      eventId: event.id,
      eventType: event.type,
      attempts,
      firstFailureMs,
      deadMs: rt.now(),
      lastError: error,
      replayedMs: null,
    });
    log.warn({ endpoint: key.endpointId, tenant: claim.tenantSlug, seq: event.seq, attempts, error }, 'webhook delivery dead-lettered; the stream waits for a replay');
  }

  /** One signed POST of one event. */
  private async attempt(claim: StreamClaim, event: StoredEvent, attempt: number): Promise<{ ok: true } | { ok: false; error: string }> {
    const { endpoint } = claim;
    const now = this.deps.rt.now();
    const body = JSON.stringify(toWireEvent(event, claim.tenantSlug));
    // During a rotation's overlap every live secret signs, so receivers can switch at their pace.
    const secrets = signingSecrets(endpoint, now);
    const timestamp = Math.floor(now / 1000);
    const response = await this.deps.transport({
      url: endpoint.url,
      timeoutMs: this.deps.settings.timeoutMs,
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Roster-Webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(secrets, timestamp, body),
        // The same request signed the Standard Webhooks way, for receivers using its libraries;
        // webhook-id is the event id, the same on every attempt (the idempotency key).
        ...standardHeaders(secrets, event.id, timestamp, body),
        [EVENT_ID_HEADER]: event.id,
        [EVENT_TYPE_HEADER]: event.type,
        'Roster-Event-Seq': String(event.seq),
        'Roster-Tenant': claim.tenantSlug,
        [ATTEMPT_HEADER]: String(attempt),
      },
    });
    if ('status' in response) {
      return response.status >= 200 && response.status < 300 ? { ok: true } : { ok: false, error: `HTTP ${response.status}` };
    }
    return { ok: false, error: response.error };
  }
}
