import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { OperationalSnapshot } from '../provisioning/operations/operational-snapshot.js';
import { PROMETHEUS_CONTENT_TYPE, Registry } from './prometheus.js';

/** Which kind of caller a route serves. A label with four values, never a tenant id: bounded cardinality. */
export type TenantClass = 'scim' | 'admin' | 'host' | 'other';

/** Classifies by the route pattern (`/t/:slug/scim/v2/Users/:id`), never by the raw URL. */
export function tenantClassOf(route: string | undefined): TenantClass {
  if (route === undefined) return 'other';
  if (/(^|\/)scim\/v2(\/|$)/i.test(route)) return 'scim';
  if (/^\/admin(\/|$)/i.test(route)) return 'admin';
  if (/^\/host(\/|$)/i.test(route)) return 'host';
  return 'other';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Latency buckets in seconds: SCIM calls are milliseconds; bulk and large group PATCHes take longer. */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface InProcessState {
  /** Tenants and credentials with bookkeeping not written yet (flushed every ACTIVITY_FLUSH_MS). */
  readonly activityPending: number;
  /** Provisioning-log entries buffered in this process. */
  readonly requestLogBuffered: number;
  /** This process's webhook attempts by endpoint id, counted since start. */
  readonly webhookOutcomes?: ReadonlyMap<string, { readonly delivered: number; readonly failed: number; readonly deadLettered: number }>;
}

export interface MetricsOptions {
  /** Database-wide numbers, read at scrape time. */
  readonly snapshot: () => Promise<OperationalSnapshot>;
  /** This process's buffers, read at scrape time. */
  readonly inProcess?: () => InProcessState;
  /** When set, `/metrics` wants `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly version: string;
  readonly engine: string;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '';
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Request metrics for every route (counted when the response is sent) and `GET /metrics`, which
 * adds the database-wide gauges read at scrape time. Register on the root app before any route.
 */
export function registerMetrics(app: FastifyInstance, options: MetricsOptions): Registry {
  const registry = new Registry();
  const requests = registry.counter('roster_http_requests_total', 'HTTP requests answered, by route pattern, method, status and tenant class.', [
    'route',
    'method',
    'status',
    'tenant_class',
  ]);
  const latency = registry.histogram(
    'roster_http_request_duration_seconds',
    'Time from receiving a request to sending its response, by route pattern, method and tenant class.',
    ['route', 'method', 'tenant_class'],
    LATENCY_BUCKETS,
  );
  const info = registry.gauge('roster_build_info', 'Always 1; the labels say which version runs on which database engine.', ['version', 'engine']);
  const started = registry.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.');
  const memory = registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.');
  const heap = registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.');
  const cpu = registry.counter('process_cpu_seconds_total', 'User and system CPU time spent, in seconds.');
  const up = registry.gauge('roster_database_up', '1 when the database answered the scrape, 0 when it did not.');
  const backlog = registry.gauge(
    'roster_event_backlog',
    'Events committed to the outbox and not yet delivered, summed over webhook streams (absent before the delivery tables exist).',
  );
  const retrying = registry.gauge('roster_webhook_streams_retrying', 'Webhook streams whose next event failed and waits for a retry.');
  const deadStreams = registry.gauge('roster_webhook_streams_dead', 'Webhook streams stopped at a dead letter until it is replayed.');
  const deadLetters = registry.gauge('roster_webhook_dead_letters', 'Webhook deliveries that gave up after the retry window and are not replayed yet.');
  // By endpoint: a label per webhook endpoint an admin made (a handful), never per tenant or event.
  const endpointLag = registry.gauge(
    'roster_webhook_endpoint_lag_seconds',
    'Age of the oldest event committed and not yet delivered to the endpoint (0 when it is caught up), by endpoint id.',
    ['endpoint', 'label'],
  );
  const endpointBacklog = registry.gauge('roster_webhook_endpoint_undelivered_events', 'Events committed and not yet delivered to the endpoint, by endpoint id.', [
    'endpoint',
    'label',
  ]);
  const endpointRetrying = registry.gauge('roster_webhook_endpoint_retrying_streams', 'Streams of the endpoint whose next event failed and waits for a retry.', [
    'endpoint',
    'label',
  ]);
  const endpointDeadLetters = registry.gauge('roster_webhook_endpoint_dead_letters', 'Dead letters of the endpoint not replayed yet.', ['endpoint', 'label']);
  const endpointAttempts = registry.counter(
    'roster_webhook_attempts_total',
    'Webhook attempts made by this process, by endpoint id and outcome (delivered, failed, dead_lettered: the attempt that gave up).',
    ['endpoint', 'outcome'],
  );
  const attemptsSeen = new Map<string, number>();
  const held = registry.gauge('roster_held_mass_changes', 'Mass changes held for an admin to approve or discard (0 while that feature is not in the schema).');
  const pending = registry.gauge('roster_pending_references', 'Manager and member references waiting for the person they name, all tenants.');
  const tenants = registry.gauge('roster_tenants', 'Tenants, by whether SCIM provisioning is switched on.', ['provisioning']);
  const pool = registry.gauge(
    'roster_db_pool_connections',
    'PostgreSQL connections of the request pool of this process by state (total, idle, in use), and the pool maximum (DB_POOL_SIZE less the one connection for index lookups).',
    ['state'],
  );
  const readWorkers = registry.counter(
    'roster_sqlite_reads_total',
    'Long reads run by SQLite read workers: executed, past_deadline (abandoned, answered 503), workers_replaced.',
    ['outcome'],
  );
  const readsSeen = { executed: 0, pastDeadline: 0, replaced: 0 };
  const poolWaiting = registry.gauge('roster_db_pool_waiting', 'Queries of this process waiting for a PostgreSQL connection.');
  const activity = registry.gauge('roster_activity_pending', 'Tenants and credentials whose last-request / last-used time is not written yet (flushed every second).');
  const logBuffer = registry.gauge('roster_request_log_buffered', 'Provisioning-log entries buffered in this process, not written yet.');

  info.set({ version: options.version, engine: options.engine }, 1);
  started.set({}, Math.round(performance.timeOrigin / 1000));
  let cpuSeen = 0;

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    const tenantClass = tenantClassOf(request.routeOptions.url);
    requests.inc({ route, method, status: String(reply.statusCode), tenant_class: tenantClass });
    latency.observe({ route, method, tenant_class: tenantClass }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (request, reply) => {
    if (options.token && !tokenMatches(request.headers.authorization, options.token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="roster-metrics"')
        .type('text/plain; charset=utf-8')
        .send('metrics need the METRICS_TOKEN as a bearer token\n');
    }
    const usage = process.cpuUsage();
    const cpuNow = (usage.user + usage.system) / 1e6;
    if (cpuNow > cpuSeen) cpu.inc({}, cpuNow - cpuSeen);
    cpuSeen = Math.max(cpuSeen, cpuNow);
    memory.set({}, process.memoryUsage.rss());
    heap.set({}, process.memoryUsage().heapUsed);

    const snap = await options.snapshot();
    if (snap.errors.length > 0) request.log.warn({ errors: snap.errors }, 'metrics: some database numbers could not be read');
    up.set({}, snap.databaseUp ? 1 : 0);
    for (const gauge of [
      backlog,
      retrying,
      deadStreams,
      deadLetters,
      endpointLag,
      endpointBacklog,
      endpointRetrying,
      endpointDeadLetters,
      held,
      pending,
      tenants,
      pool,
      poolWaiting,
    ])
      gauge.reset();
    if (snap.delivery) {
      backlog.set({}, snap.delivery.undeliveredEvents);
      retrying.set({}, snap.delivery.retryingStreams);
      deadStreams.set({}, snap.delivery.deadStreams);
      deadLetters.set({}, snap.delivery.deadLetters);
    }
    const scrapedMs = Date.now();
    for (const e of snap.endpoints ?? []) {
      const labels = { endpoint: e.endpointId, label: e.label };
      endpointLag.set(labels, e.oldestUndeliveredMs === null ? 0 : Math.max(0, (scrapedMs - e.oldestUndeliveredMs) / 1000));
      endpointBacklog.set(labels, e.undeliveredEvents);
      endpointRetrying.set(labels, e.retryingStreams);
      endpointDeadLetters.set(labels, e.deadLetters);
    }
    if (snap.heldChanges !== undefined) held.set({}, snap.heldChanges);
    if (snap.pendingReferences !== undefined) pending.set({}, snap.pendingReferences);
    if (snap.tenants) {
      tenants.set({ provisioning: 'on' }, snap.tenants.enabled);
      tenants.set({ provisioning: 'off' }, snap.tenants.disabled);
    }
    if (snap.pool) {
      pool.set({ state: 'total' }, snap.pool.total);
      pool.set({ state: 'idle' }, snap.pool.idle);
      pool.set({ state: 'in_use' }, snap.pool.total - snap.pool.idle);
      pool.set({ state: 'max' }, snap.pool.max);
      poolWaiting.set({}, snap.pool.waiting);
    }
    if (snap.readWorkers) {
      // The workers count since start; the counter moves by what happened since the last scrape.
      for (const [key, outcome] of [
        ['executed', 'executed'],
        ['pastDeadline', 'past_deadline'],
        ['replaced', 'workers_replaced'],
      ] as const) {
        const now = snap.readWorkers[key];
        if (now > readsSeen[key]) readWorkers.inc({ outcome }, now - readsSeen[key]);
        readsSeen[key] = Math.max(readsSeen[key], now);
      }
    }
    const state = options.inProcess?.();
    if (state) {
      activity.set({}, state.activityPending);
      logBuffer.set({}, state.requestLogBuffered);
      // The dispatcher counts since start; the counter moves by what happened since the last scrape.
      for (const [endpoint, counts] of state.webhookOutcomes ?? []) {
        for (const [key, outcome] of [
          ['delivered', 'delivered'],
          ['failed', 'failed'],
          ['deadLettered', 'dead_lettered'],
        ] as const) {
          const seenKey = `${endpoint} ${outcome}`;
          const seen = attemptsSeen.get(seenKey) ?? 0;
          if (counts[key] > seen) endpointAttempts.inc({ endpoint, outcome }, counts[key] - seen);
          attemptsSeen.set(seenKey, Math.max(seen, counts[key]));
        }
      }
    }
    return reply.code(200).header('content-type', PROMETHEUS_CONTENT_TYPE).send(registry.render());
  });

  return registry;
}
