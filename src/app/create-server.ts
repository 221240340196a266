import type { FastifyInstance } from 'fastify';
import type { RosterConfig } from '../config/config.js';
import { createHttpApp } from '../http/app.js';
import { RateLimiter } from '../http/rate-limit.js';
import { registerScimRoutes } from '../http/scim-routes.js';
import { ActivityRecorder } from '../provisioning/tenants/activity-recorder.js';
import { RequestLogWriter } from '../provisioning/tenants/request-log-writer.js';
import { uuidv7, type ProvisioningRuntime } from '../provisioning/runtime.js';
import { enterpriseUserSchema } from '../scim/schemas/enterprise-user.js';
import { groupResourceSchema, userResourceSchema, type ResourceSchema } from '../scim/schemas/registry.js';
import { rosterUserSchema } from '../scim/schemas/roster-user.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';

/** A running Roster: the HTTP app, its storage and runtime, and how to stop it cleanly. */
export interface RosterServer {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly rt: ProvisioningRuntime;
  readonly activity: ActivityRecorder;
  readonly requestLog: RequestLogWriter;
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
  const store = overrides.store ?? (await openStore({ databaseUrl: config.databaseUrl, poolSize: config.dbPoolSize }));
  const now = overrides.now ?? Date.now;
  const rt: ProvisioningRuntime = { store, now, newId: () => uuidv7(now()) };
  const activity = new ActivityRecorder(store);
  activity.start(config.activityFlushMs);
  const requestLog = new RequestLogWriter(store);
  requestLog.start(config.activityFlushMs);

  const app = createHttpApp({
    bodyLimitBytes: config.bodyLimitBytes,
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.password', 'password'], censor: '[redacted]' },
            ...(overrides.logStream ? { stream: overrides.logStream } : {}),
          },
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await store.ping();
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
    rateLimits: {
      perCredential: new RateLimiter(config.rateLimitPerCredential, config.rateLimitPerCredential * 5, now),
      perIp: new RateLimiter(config.rateLimitPerIp, config.rateLimitPerIp * 5, now),
      authFailures: new RateLimiter(config.authFailuresPerIp, 20, now),
    },
  };
  await app.register((scope) => registerScimRoutes(scope, { ...scimOptions, tenantInPath: false }), { prefix: '/scim/v2' });
  await app.register((scope) => registerScimRoutes(scope, { ...scimOptions, tenantInPath: true }), { prefix: '/t/:slug/scim/v2' });

  let closed = false;
  return {
    app,
    store,
    rt,
    activity,
    requestLog,
    async listen() {
      return app.listen({ port: config.port, host: config.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await activity.stop();
      await requestLog.stop();
      if (!overrides.store) await store.close();
    },
  };
}
