import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { registerAdminApi } from '../admin/admin-api.js';
import { registerConsole } from '../admin/console-static.js';
import { registerSetupPage } from '../admin/setup-page.js';
import type { RosterConfig } from '../config/config.js';
import { EventNotifier } from '../events/event-notifier.js';
import { WebhookDispatcher } from '../events/webhook-dispatcher.js';
import { httpTransport, type WebhookTransport } from '../events/webhook-transport.js';
import { createHttpApp } from '../http/app.js';
import { registerHostRoutes } from '../http/host-routes.js';
import { recordMisdirectedRequests } from '../http/misdirected-requests.js';
import { registerMetrics } from '../http/metrics.js';
import { ClientLimits } from '../http/client-limits.js';
import { readTlsFiles, TlsReloader } from '../http/tls-context.js';
import { registerScimRoutes } from '../http/scim-routes.js';
import { operationalSnapshot } from '../provisioning/operations/operational-snapshot.js';
import { ActivityRecorder } from '../provisioning/tenants/activity-recorder.js';
import { RequestLogWriter } from '../provisioning/tenants/request-log-writer.js';
import { RetentionPruner } from '../provisioning/tenants/retention-pruner.js';
import { uuidv7, type ProvisioningRuntime } from '../provisioning/runtime.js';
import { enterpriseUserSchema } from '../scim/schemas/enterprise-user.js';
import { groupResourceSchema, userResourceSchema, type ResourceSchema } from '../scim/schemas/registry.js';
import { rosterUserSchema } from '../scim/schemas/roster-user.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { ROSTER_VERSION } from './version.js';

/** A running Roster: the HTTP app, its storage and runtime, and how to stop it cleanly. */
export interface RosterServer {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly rt: ProvisioningRuntime;
  readonly activity: ActivityRecorder;
  readonly requestLog: RequestLogWriter;
  /** Delivers committed events to webhook endpoints (started unless WEBHOOK_DELIVERY=off). */
  readonly dispatcher: WebhookDispatcher;
  /** With TLS_CERT_FILE/TLS_KEY_FILE: reads both again and serves new connections with them (SIGHUP); false if they failed to load. */
  reloadTls(): Promise<boolean>;
  /** Deletes the provisioning log and delivered events past each tenant's retention (every RETENTION_INTERVAL_MS). */
  readonly retention: RetentionPruner;
  /** Starts listening; resolves with the bound address. */
  listen(): Promise<string>;
  /** Stops accepting, lets in-flight requests finish, flushes bookkeeping, closes the database. */
  close(): Promise<void>;
}

export interface ServerOverrides {
  /** An already-open store (tests share one); otherwise one is opened from config.databaseUrl. */
  readonly store?: Store;
  readonly now?: () => number;
  /** Where structured logs go (default stdout); tests read them. */
  readonly logStream?: NodeJS.WritableStream;
  /** How webhooks are sent (default: HTTP); tests may fake outbound HTTP here. */
  readonly webhookTransport?: WebhookTransport;
  /** Log through this logger instead of Roster's own (a host's, when Roster is embedded; see embed.ts). */
  readonly logger?: FastifyBaseLogger;
  /**
   * Check every admin and host API answer against its route's declared schema; a mismatch is a 500
   * with the reason in the log. Default: on when NODE_ENV is "test" (scripts/run-tests.mjs sets it),
   * so every test that drives these APIs also proves their declarations; off in production.
   */
  readonly checkResponses?: boolean;
}

/** The User resource per extension URN, built once each. */
function userSchemaCache(): (urn: string) => ResourceSchema {
  const cache = new Map<string, ResourceSchema>();
  return (urn) => {
    let schema = cache.get(urn);
    if (!schema) {
      schema = userResourceSchema([enterpriseUserSchema, rosterUserSchema(urn)]);
      cache.set(urn, schema);
    }
    return schema;
  };
}

/** The composition root: the one place that wires storage, provisioning, scim and http together. */
export async function createServer(config: RosterConfig, overrides: ServerOverrides = {}): Promise<RosterServer> {
  // Until the logger exists (below), a failure of SQLite's checkpoint worker goes to stderr.
  let checkpointFailed = (error: unknown): void => void process.stderr.write(`SQLite checkpoint worker failed: ${String(error)}\n`);
  let afterCommitFailed = (error: unknown): void => void process.stderr.write(`work after a commit failed: ${String(error)}\n`);
  const store =
    overrides.store ??
    (await openStore({
      databaseUrl: config.databaseUrl,
      poolSize: config.dbPoolSize,
      readPoolSize: config.dbReadPoolSize,
      statementTimeoutMs: config.dbStatementTimeoutMs,
      readWorkers: config.sqliteReadWorkers,
      // SQLite's read workers: the statement deadline, shortened by each request's read budget; the
      // PostgreSQL read pool: READ_DEADLINE_MS as its statement_timeout, shortened the same way.
      readDeadlineMs: config.dbStatementTimeoutMs,
      ...(config.readDeadlineMs > 0 ? { readPoolDeadlineMs: config.readDeadlineMs } : {}),
      checkpointInBackground: true,
      onCheckpointError: (error) => checkpointFailed(error),
      onBackgroundError: (error) => afterCommitFailed(error),
    }));
  const now = overrides.now ?? Date.now;
  // Commits that append events wake this process's feed long-polls and webhook dispatcher at once.
  const notifier = new EventNotifier();
  const stopNotifying = store.onEventsNumbered((tenantId) => notifier.notify(tenantId));
  const rt: ProvisioningRuntime = { store, now, newId: () => uuidv7(now()) };
  const activity = new ActivityRecorder(store);
  activity.start(config.activityFlushMs);
  const requestLog = new RequestLogWriter(store);
  requestLog.start(config.activityFlushMs);

  const app = createHttpApp({
    ...(config.tls ? { tls: await readTlsFiles(config.tls) } : {}),
    trustedProxies: config.trustedProxies,
    bodyLimitBytes: config.bodyLimitBytes,
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    readBudgetMs: config.readDeadlineMs,
    ...(overrides.logger ? { loggerInstance: overrides.logger } : {}),
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            redact: {
              paths: ['req.headers.authorization', 'headers.authorization', 'req.headers.cookie', 'headers.cookie', '*.password', 'password'],
              censor: '[redacted]',
            },
            ...(overrides.logStream ? { stream: overrides.logStream } : {}),
          },
  });

  const tls = config.tls
    ? new TlsReloader(app.server, config.tls, {
        info: (message) => app.log.info(message),
        error: (error, message) => app.log.error({ err: error }, message),
      })
    : undefined;
  tls?.start();

  checkpointFailed = (error) => app.log.error({ err: error }, 'SQLite checkpoint worker failed; the serving connection checkpoints the WAL by itself again');
  afterCommitFailed = (error) =>
    app.log.error(
      { err: error },
      'work after a commit failed (numbering its events or waking their readers); the change stands, and its events are numbered by the next run or the sweep',
    );

  // Prometheus: request counts and latency of every route registered below, and GET /metrics.
  registerMetrics(app, {
    snapshot: () => operationalSnapshot(store),
    inProcess: () => ({ activityPending: activity.pendingCount, requestLogBuffered: requestLog.bufferedCount, webhookOutcomes: dispatcher.endpointOutcomes() }),
    version: ROSTER_VERSION,
    engine: store.engine,
    ...(config.metricsToken ? { token: config.metricsToken } : {}),
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await store.ping();
      // Not ready while the database cannot write for lack of space; this check's own small write
      // notices when it can again.
      if (!(await store.canWrite())) return reply.code(503).send({ status: 'unavailable', database: store.engine, reason: 'the database has no space left to write' });
      return { status: 'ready', database: store.engine };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: store.engine });
    }
  });

  const scimOptions = {
    rt,
    activity,
    requestLog,
    userSchemaFor: userSchemaCache(),
    groupSchema: groupResourceSchema,
    limits: {
      defaultPageSize: config.defaultPageSize,
      maxResults: config.maxResults,
      maxBulkOperations: config.maxBulkOperations,
      maxMembersPerPatch: config.maxMembersPerPatch,
    },
    bodyLimitBytes: config.bodyLimitBytes,
    publicUrl: config.publicUrl,
    clientLimits: new ClientLimits(
      store.rateCounters,
      { perCredential: config.rateLimitPerCredential, perIp: config.rateLimitPerIp, authFailuresPerIp: config.authFailuresPerIp },
      now,
    ),
  };
  recordMisdirectedRequests(app, { rt, requestLog });
  await app.register((scope) => registerScimRoutes(scope, { ...scimOptions, tenantInPath: false }), { prefix: '/scim/v2' });
  await app.register((scope) => registerScimRoutes(scope, { ...scimOptions, tenantInPath: true }), { prefix: '/t/:slug/scim/v2' });

  // The admin console: its JSON API and the static app that talks to it.
  const checkResponses = overrides.checkResponses ?? process.env['NODE_ENV'] === 'test';
  await app.register(
    (scope) =>
      registerAdminApi(scope, {
        rt,
        activity,
        requestLog,
        publicUrl: config.publicUrl,
        signInAttemptsPerAddress: config.signInAttemptsPerAddress,
        syncStaleAfterMs: config.syncStaleAfterMinutes * 60_000,
        checkResponses,
      }),
    { prefix: '/admin/api/v1' },
  );
  registerConsole(app);
  await registerSetupPage(app, { rt, publicUrl: config.publicUrl });

  await app.register(
    (scope) =>
      registerHostRoutes(scope, { rt, notifier, feedPollMs: config.feedPollMs, clientLimits: scimOptions.clientLimits, publicUrl: config.publicUrl, checkResponses }),
    {
      prefix: '/host/v1',
    },
  );
  const dispatcher = new WebhookDispatcher({
    rt,
    notifier,
    transport: overrides.webhookTransport ?? httpTransport,
    log: app.log,
    settings: {
      timeoutMs: config.webhookTimeoutMs,
      retryBaseMs: config.webhookRetryBaseMs,
      retryMaxMs: config.webhookRetryMaxMs,
      retryWindowMs: config.webhookRetryWindowMs,
      pollMs: config.webhookPollMs,
      leaseMs: config.webhookLeaseMs,
      concurrency: config.webhookConcurrency,
    },
  });
  if (config.webhookDelivery) dispatcher.start();
  const retention = new RetentionPruner({ store, now }, (error) => app.log.error({ err: error }, 'retention pass failed; the next one picks up where it stopped'));
  retention.start(config.retentionIntervalMs);

  let closed = false;
  return {
    app,
    store,
    rt,
    activity,
    requestLog,
    dispatcher,
    reloadTls: async () => (tls ? tls.reload() : false),
    retention,
    async listen() {
      return app.listen({ port: config.port, host: config.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      stopNotifying();
      notifier.close();
      tls?.stop();
      await app.close();
      await retention.stop();
      await dispatcher.stop();
      await activity.stop();
      await requestLog.stop();
      if (!overrides.store) await store.close();
    },
  };
}
