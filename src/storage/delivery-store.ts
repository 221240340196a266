/**
 * Storage for what happens after the outbox: webhook endpoints and their signing secrets, one
 * delivery stream (cursor + head-of-line retry state) per endpoint and tenant, dead letters, and
 * the host product's API keys. Owned by the delivery and host-access use cases.
 */

/** A webhook endpoint: one tenant's, or every tenant's when `tenantId` is null. */
export interface WebhookEndpointRecord {
  readonly id: string;
  readonly tenantId: string | null;
  readonly url: string;
  readonly label: string;
  /** Kept recoverable so deliveries can be signed; never logged, never listed. */
  readonly secret: string;
  /** Secrets earlier rotations retired, each still signing until its own `untilMs` (expired ones may linger until the next rotation). */
  readonly retiringSecrets: readonly RetiringSecret[];
  readonly createdMs: number;
}

/** A secret a rotation replaced, still signing beside the current one until `untilMs`. */
export interface RetiringSecret {
  readonly secret: string;
  readonly untilMs: number;
}

export type StreamState = 'active' | 'dead';

/** One endpoint's delivery of one tenant's events: a cursor and the state of the event at its head. */
export interface WebhookStreamRecord {
  readonly endpointId: string;
  readonly tenantId: string;
  /** The last seq delivered (2xx); the next event to deliver is `lastSeq + 1`. */
  readonly lastSeq: number;
  readonly state: StreamState;
  /** Failed attempts at the head event. */
  readonly attempts: number;
  readonly firstFailureMs: number | null;
  readonly nextAttemptMs: number;
  readonly lastError: string | null;
  readonly deliveredMs: number | null;
  readonly leaseOwner: string | null;
  readonly leaseUntilMs: number | null;
  /** Taken anew by every claim: the fencing token of the current (or last) claim. */
  readonly leaseToken: number;
}

/** One claim on a stream: who holds it and with which token. */
export interface StreamLease {
  readonly owner: string;
  readonly token: number;
}

/** A stream claimed by one dispatcher until the lease runs out. */
export interface StreamClaim {
  readonly stream: WebhookStreamRecord;
  readonly endpoint: WebhookEndpointRecord;
  readonly tenantSlug: string;
}

export interface StreamKey {
  readonly endpointId: string;
  readonly tenantId: string;
}

/** A stream's view for admins: where it stands and how far behind the tenant's outbox it is. */
export interface StreamStatus extends WebhookStreamRecord {
  readonly tenantSlug: string;
  readonly outboxSeq: number;
}

/** An event whose delivery gave up after the retry window; its stream waits until it is replayed. */
export interface DeadLetterRecord {
  readonly id: string;
  readonly endpointId: string;
  readonly tenantId: string;
  readonly seq: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly attempts: number;
  readonly firstFailureMs: number;
  readonly deadMs: number;
  readonly lastError: string | null;
  readonly replayedMs: number | null;
}

/** A stream that is not delivering: its head event failed at least once, or it stopped at a dead letter. */
export interface TroubledStream extends WebhookStreamRecord {
  readonly tenantSlug: string;
  readonly endpointLabel: string;
  readonly endpointUrl: string;
}

export interface FailureUpdate {
  readonly attempts: number;
  readonly firstFailureMs: number;
  readonly nextAttemptMs: number;
  readonly error: string;
}

/** A host API key: all tenants (`tenantId` null) or one. Only the secret's hash is stored. */
export interface HostKeyRecord {
  readonly id: string;
  readonly tenantId: string | null;
  readonly label: string;
  readonly secretHash: string;
  readonly createdMs: number;
  readonly lastUsedMs: number | null;
  readonly revokedMs: number | null;
}

/** Webhook endpoints, delivery streams, dead letters and host keys, across tenants. */
export interface DeliveryStore {
  /** Adds an endpoint and starts its streams at each covered tenant's current outbox seq (no history). */
  createEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  findEndpoint(id: string): Promise<WebhookEndpointRecord | undefined>;
  /** Endpoints of one tenant (including those for all tenants), or every endpoint. */
  listEndpoints(filter?: { tenantId: string }): Promise<WebhookEndpointRecord[]>;
  deleteEndpoint(id: string): Promise<boolean>;
  /**
   * Replaces the secret in one transaction: the old one keeps signing until `previousUntilMs`, and
   * so does every secret retired before it whose overlap has not ended by `nowMs`.
   */
  rotateSecret(id: string, secret: string, nowMs: number, previousUntilMs: number): Promise<boolean>;
  /** Streams of an endpoint with their lag. */
  streamsOf(endpointId: string): Promise<StreamStatus[]>;

  /** Streams whose head event failed at least once or that stopped at a dead letter, of one tenant or all. */
  troubledStreams(filter?: { tenantId: string }): Promise<TroubledStream[]>;

  /** Opens streams of all-tenant endpoints for tenants created since (from seq 0: all their events are newer). */
  openMissingStreams(nowMs: number): Promise<void>;
  /**
   * Claims up to `limit` active streams that have undelivered events and are due, and whose lease
   * is free or expired; each claimed stream takes the next lease token. On PostgreSQL rows are
   * picked with FOR UPDATE SKIP LOCKED, so concurrent dispatchers never claim the same stream.
   */
  claimDue(owner: string, nowMs: number, leaseUntilMs: number, limit: number): Promise<StreamClaim[]>;
  /**
   * Extends the lease to `leaseUntilMs` if `lease` is still the stream's current claim (same owner
   * and token, whether or not its time ran out meanwhile) and, when given, the cursor is still at
   * `lastSeq`. False means the claim is lost: its holder must not send.
   */
  renewLease(key: StreamKey, lease: StreamLease, leaseUntilMs: number, lastSeq?: number): Promise<boolean>;
  /** Moves the cursor to `seq` (the event after the cursor) if `lease` is still the claim; renews the lease. */
  recordSuccess(key: StreamKey, lease: StreamLease, seq: number, nowMs: number, leaseUntilMs: number): Promise<boolean>;
  /**
   * Moves the cursor from `fromSeq` past events that no longer exist, to `toSeq`, if `lease` is still
   * the claim and the cursor is still `fromSeq`. The outbox is gapless, so a gap after a cursor is
   * events deleted undelivered on purpose: a preview's, deleted when its tenant went live.
   */
  skipDeleted(key: StreamKey, lease: StreamLease, fromSeq: number, toSeq: number): Promise<boolean>;
  /** Schedules the next attempt and gives the claim up, if `lease` is still the claim. */
  recordFailure(key: StreamKey, lease: StreamLease, failure: FailureUpdate): Promise<boolean>;
  /** Stops the stream at its head event and records the dead letter, if `lease` is still the claim. */
  deadLetter(key: StreamKey, lease: StreamLease, letter: DeadLetterRecord): Promise<boolean>;
  /** Gives up one claim (nothing left to deliver), if it is still the stream's current one. */
  release(key: StreamKey, lease: StreamLease): Promise<void>;
  /** Gives up every claim of `owner` (shutdown). */
  releaseAll(owner: string): Promise<void>;
  /** A tenant's dead letters, newest first; replayed ones only when asked. */
  listDeadLetters(tenantId: string, options?: { includeReplayed?: boolean }): Promise<DeadLetterRecord[]>;
  /** Marks a dead letter replayed and restarts its stream at the same event, attempts reset. */
  replayDeadLetter(id: string, nowMs: number): Promise<DeadLetterRecord | undefined>;

  createHostKey(key: HostKeyRecord): Promise<void>;
  findHostKey(id: string): Promise<HostKeyRecord | undefined>;
  listHostKeys(): Promise<HostKeyRecord[]>;
  revokeHostKey(id: string, nowMs: number): Promise<boolean>;
  /** Moves last-used forward (never back); skipped when it was written less than a minute ago. */
  touchHostKey(id: string, nowMs: number): Promise<void>;
}
