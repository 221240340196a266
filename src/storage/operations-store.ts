/**
 * What an operator needs to see about the database as a whole (metrics, `roster doctor`): counts
 * across tenants, connection pool state and migrations. Owned by the operations use cases; never
 * used on a request path.
 */

/** A PostgreSQL connection pool at one moment (pg.Pool's own counters). */
export interface PoolStats {
  /** Connections open, idle or in use. */
  readonly total: number;
  readonly idle: number;
  /** Queries queued for a connection. */
  readonly waiting: number;
  /** The most connections the pool opens (DB_POOL_SIZE). */
  readonly max: number;
}

/** Webhook delivery across tenants, from the delivery tables (absent before they exist). */
export interface DeliveryBacklog {
  /** Sum over delivery streams of events committed to the outbox but not yet delivered. */
  readonly undeliveredEvents: number;
  /** Streams whose head event failed at least once and is waiting for a retry. */
  readonly retryingStreams: number;
  /** Streams stopped at a dead letter. */
  readonly deadStreams: number;
  /** Dead letters not replayed yet. */
  readonly deadLetters: number;
}

/** One webhook endpoint's delivery, summed over its streams (one per tenant it serves). */
export interface EndpointDelivery {
  readonly endpointId: string;
  readonly label: string;
  /** Events committed and not yet delivered to it. */
  readonly undeliveredEvents: number;
  /** When the oldest of those was committed (epoch ms), or null when it is caught up. */
  readonly oldestUndeliveredMs: number | null;
  /** Streams whose head event failed at least once and waits for a retry. */
  readonly retryingStreams: number;
  /** Streams stopped at a dead letter. */
  readonly deadStreams: number;
  /** Dead letters not replayed yet. */
  readonly deadLetters: number;
}

/** SQLite's read workers (long reads off the serving thread), counted since start. */
export interface ReadWorkerStats {
  /** Reads they answered (rows or an error). */
  readonly executed: number;
  /** Reads abandoned at their deadline (each ended its worker). */
  readonly pastDeadline: number;
  /** Workers started again after a deadline or a failure. */
  readonly replaced: number;
}

export interface OperationsStore {
  /** Pending manager and member references, all tenants. */
  pendingReferences(): Promise<number>;
  /** Delivery state, or undefined when the delivery tables are not there (older schema). */
  deliveryBacklog(): Promise<DeliveryBacklog | undefined>;
  /** Delivery by endpoint, or undefined when the delivery tables are not there (older schema). */
  endpointDelivery(): Promise<EndpointDelivery[] | undefined>;
  /** Mass changes held for an admin, or undefined when that table is not there. */
  heldChanges(): Promise<number | undefined>;
  /** Tenants by whether provisioning is switched on. */
  tenantCounts(): Promise<{ enabled: number; disabled: number }>;
  /** Migrations the code knows that the database has not applied, in order. */
  pendingMigrations(): Promise<string[]>;
  /** The pool's counters (PostgreSQL); undefined on SQLite, which has one connection. */
  poolStats(): PoolStats | undefined;
  /** SQLite's read workers' counters; undefined on PostgreSQL and without workers. */
  readWorkerStats(): ReadWorkerStats | undefined;
}
