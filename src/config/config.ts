import { isIP } from 'node:net';
import { z } from 'zod';

/** Names proxy-addr (Fastify's trustProxy) understands for whole address ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** One TRUSTED_PROXIES entry: an address, a CIDR (address/bits) or one of the range names. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

const proxyList = z
  .string()
  .transform((text) => text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
  .refine((entries) => entries.every(isProxyEntry), {
    message: 'each entry must be an IP address, a CIDR such as 10.0.0.0/8, or loopback / linklocal / uniquelocal',
  });

/**
 * Every setting Roster reads, with its default and a line of documentation. Read once at start
 * from the environment and `--flags` (flags win), validated together so that every problem is
 * reported at once, then frozen.
 */
export const settings = {
  PORT: { default: '8080', doc: 'TCP port the HTTP server listens on.', schema: z.coerce.number().int().min(0).max(65535) },
  HOST: { default: '127.0.0.1', doc: 'Address to bind (0.0.0.0 for all interfaces).', schema: z.string().min(1) },
  DATABASE_URL: {
    default: './data/roster.db',
    doc: 'postgres://user@host:5432/db (add ?schema=name to use a schema) for PostgreSQL, or a file path for SQLite.',
    schema: z.string().min(1),
  },
  DB_STATEMENT_TIMEOUT_MS: {
    default: '15000',
    doc: 'The longest one statement may run: PostgreSQL cancels it; on SQLite a read in a read worker is abandoned. The request gets 503 with Retry-After; 0 turns it off. Migrations are exempt.',
    schema: z.coerce.number().int().min(0),
  },
  READ_DEADLINE_MS: {
    default: '2000',
    doc: 'The longest a read whose cost depends on what the client asked (a filtered list page and its count, a people search, possible duplicates) may run: on SQLite in a read worker, on PostgreSQL on a read pool of its own with this statement_timeout. Past it the request gets 503 with Retry-After and advice to narrow it; indexed lookups (userName eq, externalId eq) never come near it. 0: only DB_STATEMENT_TIMEOUT_MS applies.',
    schema: z.coerce.number().int().min(0),
  },
  SQLITE_READ_WORKERS: {
    default: '2',
    doc: 'SQLite: worker threads that run long reads (filtered lists, counts) on their own connections, so they never hold the event loop; 0 runs them on the serving connection.',
    schema: z.coerce.number().int().min(0).max(16),
  },
  DB_POOL_SIZE: { default: '10', doc: 'PostgreSQL connections per process (plus one that listens for credential changes).', schema: z.coerce.number().int().min(1).max(200) },
  TLS_CERT_FILE: {
    default: '',
    doc: 'PEM certificate (chain) file: when set with TLS_KEY_FILE, Roster serves HTTPS itself. Both files are read again when they change or on SIGHUP, without a restart.',
    schema: z.string(),
  },
  TLS_KEY_FILE: { default: '', doc: 'PEM private key file for TLS_CERT_FILE.', schema: z.string() },
  TRUSTED_PROXIES: {
    default: '',
    doc: 'Comma-separated addresses or CIDRs of reverse proxies (or loopback, linklocal, uniquelocal) whose X-Forwarded-For/-Proto/-Host are believed; from anywhere else they are ignored. Empty: none.',
    schema: proxyList,
  },
  PUBLIC_URL: {
    default: '',
    doc: 'Externally visible base URL (e.g. https://roster.example.com), used in meta.location; empty: derived from the request.',
    schema: z.union([z.literal(''), z.url()]),
  },
  LOG_LEVEL: {
    default: 'info',
    doc: 'fatal, error, warn, info, debug, trace or silent. Requests are logged at info.',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
  BODY_LIMIT_BYTES: { default: '1048576', doc: 'Largest request body accepted; larger gets 413.', schema: z.coerce.number().int().min(1024) },
  HEADERS_TIMEOUT_MS: {
    default: '10000',
    doc: "How long a client may take to send a request's headers; then 408 and the connection is closed.",
    schema: z.coerce.number().int().min(50),
  },
  REQUEST_TIMEOUT_MS: {
    default: '30000',
    doc: 'How long a client may take to send a whole request, headers and body; then 408 and the connection is closed.',
    schema: z.coerce.number().int().min(50),
  },
  MAX_CONNECTIONS_PER_ADDRESS: {
    default: '128',
    doc: 'Open connections one client address may hold at once; more are answered 503 and closed. 0 turns the limit off.',
    schema: z.coerce.number().int().min(0),
  },
  MAX_RESULTS: { default: '1000', doc: 'Largest page a list returns (count is capped to it).', schema: z.coerce.number().int().min(1).max(10000) },
  DEFAULT_PAGE_SIZE: { default: '100', doc: 'Page size when a list gives no count.', schema: z.coerce.number().int().min(1).max(10000) },
  MAX_BULK_OPERATIONS: { default: '1000', doc: 'Most operations one /Bulk request may carry.', schema: z.coerce.number().int().min(1) },
  MAX_MEMBERS_PER_PATCH: { default: '10000', doc: 'Most group members one PATCH may name.', schema: z.coerce.number().int().min(1) },
  ACTIVITY_FLUSH_MS: { default: '1000', doc: 'How often last-request / last-used bookkeeping is written.', schema: z.coerce.number().int().min(10) },
  RATE_LIMIT_PER_CREDENTIAL: {
    default: '200',
    doc: 'SCIM requests per second one credential may sustain (bursts of 5× allowed); 0 turns the limit off.',
    schema: z.coerce.number().min(0),
  },
  RATE_LIMIT_PER_IP: { default: '400', doc: 'SCIM requests per second from one IP address (bursts of 5×); 0 turns it off.', schema: z.coerce.number().min(0) },
  AUTH_FAILURES_PER_IP: {
    default: '1',
    doc: 'Failed SCIM authentications per second one IP may make after a burst of 20, then 429.',
    schema: z.coerce.number().min(0),
  },
  SIGN_IN_ATTEMPTS_PER_ADDRESS: {
    default: '30',
    doc: 'Console sign-in attempts one client address may make per minute, whatever the emails; then 429. 0 turns it off.',
    schema: z.coerce.number().int().min(0),
  },
  SHUTDOWN_GRACE_MS: { default: '10000', doc: 'How long SIGTERM waits for in-flight requests.', schema: z.coerce.number().int().min(0) },
  WEBHOOK_DELIVERY: { default: 'on', doc: 'on: this process delivers webhooks (any number of processes may); off: it only serves requests.', schema: z.enum(['on', 'off']) },
  WEBHOOK_TIMEOUT_MS: { default: '10000', doc: 'How long one webhook attempt may take before it counts as failed.', schema: z.coerce.number().int().min(10) },
  WEBHOOK_RETRY_BASE_MS: { default: '1000', doc: 'Backoff of the first webhook retry (doubling per attempt, full jitter).', schema: z.coerce.number().int().min(1) },
  WEBHOOK_RETRY_MAX_MS: { default: '3600000', doc: 'Longest wait between two webhook attempts.', schema: z.coerce.number().int().min(1) },
  WEBHOOK_RETRY_WINDOW_MS: { default: '86400000', doc: 'How long a failing webhook event is retried before it becomes a dead letter.', schema: z.coerce.number().int().min(0) },
  WEBHOOK_POLL_MS: { default: '1000', doc: 'How often the dispatcher looks for events committed by other processes and for due retries.', schema: z.coerce.number().int().min(5) },
  WEBHOOK_LEASE_MS: {
    default: '5000',
    doc: "How long a claim on a webhook stream lasts unrenewed; the holder renews it every third of this, so a crashed process's streams are taken over after about this long. Keep the nodes' clocks within a fraction of it.",
    schema: z.coerce.number().int().min(10),
  },
  WEBHOOK_CONCURRENCY: { default: '8', doc: 'Webhook streams one process delivers at once.', schema: z.coerce.number().int().min(1).max(256) },
  WEBHOOK_SECRET_OVERLAP_MS: { default: '86400000', doc: 'How long a rotated webhook secret still signs beside the new one.', schema: z.coerce.number().int().min(0) },
  RETENTION_INTERVAL_MS: {
    default: '3600000',
    doc: 'How often the provisioning log and delivered events past each tenant\'s retention are deleted (in small chunks); 0 turns pruning off.',
    schema: z.coerce.number().int().min(0),
  },
  FEED_POLL_MS: { default: '1000', doc: 'How often a waiting event-feed request looks for events committed by other processes.', schema: z.coerce.number().int().min(5) },
  METRICS_TOKEN: { default: '', doc: 'When set, GET /metrics wants "Authorization: Bearer <this>"; empty: /metrics is open (keep it on an internal network).', schema: z.string() },
  SYNC_STALE_AFTER_MINUTES: {
    default: '120',
    doc: '`roster doctor` warns when a tenant that has synced before has sent no SCIM request for this long (Entra syncs about every 40 minutes).',
    schema: z.coerce.number().int().min(1),
  },
} as const;

export type SettingName = keyof typeof settings;

export interface RosterConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly dbPoolSize: number;
  readonly dbStatementTimeoutMs: number;
  readonly sqliteReadWorkers: number;
  /** READ_DEADLINE_MS: the deadline of reads whose cost the client chooses (0: none beyond dbStatementTimeoutMs). */
  readonly readDeadlineMs: number;
  readonly publicUrl: string;
  /** Both set: HTTPS with this certificate and key; both empty: plain HTTP. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly trustedProxies: readonly string[];
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly bodyLimitBytes: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxConnectionsPerAddress: number;
  readonly maxResults: number;
  readonly defaultPageSize: number;
  readonly maxBulkOperations: number;
  readonly maxMembersPerPatch: number;
  readonly activityFlushMs: number;
  readonly shutdownGraceMs: number;
  readonly webhookDelivery: boolean;
  readonly webhookTimeoutMs: number;
  readonly webhookRetryBaseMs: number;
  readonly webhookRetryMaxMs: number;
  readonly webhookRetryWindowMs: number;
  readonly webhookPollMs: number;
  readonly webhookLeaseMs: number;
  readonly webhookConcurrency: number;
  readonly webhookSecretOverlapMs: number;
  readonly feedPollMs: number;
  /** How often retention runs (0: never). */
  readonly retentionIntervalMs: number;
  readonly rateLimitPerCredential: number;
  readonly rateLimitPerIp: number;
  readonly authFailuresPerIp: number;
  readonly signInAttemptsPerAddress: number;
  readonly metricsToken: string;
  readonly syncStaleAfterMinutes: number;
}

/** Configuration problems, all of them, in one error. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** `--database-url x` / `--database-url=x` → DATABASE_URL. */
function flagName(flag: string): string {
  return flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}

/** Reads settings from flags and environment; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = []): RosterConfig {
  const raw: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) continue;
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const name = flagName(flag);
    if (!(name in settings)) {
      problems.push(`unknown flag ${flag}`);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) problems.push(`flag ${flag} needs a value`);
    else raw[name] = value;
  }
  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settings)) {
    const text = raw[name] ?? env[name] ?? setting.default;
    const parsed = setting.schema.safeParse(text);
    if (parsed.success) values[name] = parsed.data;
    else problems.push(`${name}=${JSON.stringify(text)}: ${parsed.error.issues.map((i) => i.message).join('; ')} (${setting.doc})`);
  }
  const certFile = values['TLS_CERT_FILE'] as string | undefined;
  const keyFile = values['TLS_KEY_FILE'] as string | undefined;
  if ((certFile === '') !== (keyFile === '')) problems.push('TLS_CERT_FILE and TLS_KEY_FILE go together: set both to serve HTTPS, or neither');
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    port: values['PORT'] as number,
    host: values['HOST'] as string,
    databaseUrl: values['DATABASE_URL'] as string,
    dbPoolSize: values['DB_POOL_SIZE'] as number,
    dbStatementTimeoutMs: values['DB_STATEMENT_TIMEOUT_MS'] as number,
    sqliteReadWorkers: values['SQLITE_READ_WORKERS'] as number,
    readDeadlineMs: values['READ_DEADLINE_MS'] as number,
    publicUrl: (values['PUBLIC_URL'] as string).replace(/\/+$/, ''),
    tls: certFile && keyFile ? Object.freeze({ certFile, keyFile }) : undefined,
    trustedProxies: Object.freeze([...(values['TRUSTED_PROXIES'] as string[])]),
    logLevel: values['LOG_LEVEL'] as RosterConfig['logLevel'],
    bodyLimitBytes: values['BODY_LIMIT_BYTES'] as number,
    headersTimeoutMs: values['HEADERS_TIMEOUT_MS'] as number,
    requestTimeoutMs: values['REQUEST_TIMEOUT_MS'] as number,
    maxConnectionsPerAddress: values['MAX_CONNECTIONS_PER_ADDRESS'] as number,
    maxResults: values['MAX_RESULTS'] as number,
    defaultPageSize: values['DEFAULT_PAGE_SIZE'] as number,
    maxBulkOperations: values['MAX_BULK_OPERATIONS'] as number,
    maxMembersPerPatch: values['MAX_MEMBERS_PER_PATCH'] as number,
    activityFlushMs: values['ACTIVITY_FLUSH_MS'] as number,
    shutdownGraceMs: values['SHUTDOWN_GRACE_MS'] as number,
    webhookDelivery: values['WEBHOOK_DELIVERY'] === 'on',
    webhookTimeoutMs: values['WEBHOOK_TIMEOUT_MS'] as number,
    webhookRetryBaseMs: values['WEBHOOK_RETRY_BASE_MS'] as number,
    webhookRetryMaxMs: values['WEBHOOK_RETRY_MAX_MS'] as number,
    webhookRetryWindowMs: values['WEBHOOK_RETRY_WINDOW_MS'] as number,
    webhookPollMs: values['WEBHOOK_POLL_MS'] as number,
    webhookLeaseMs: values['WEBHOOK_LEASE_MS'] as number,
    webhookConcurrency: values['WEBHOOK_CONCURRENCY'] as number,
    webhookSecretOverlapMs: values['WEBHOOK_SECRET_OVERLAP_MS'] as number,
    feedPollMs: values['FEED_POLL_MS'] as number,
    retentionIntervalMs: values['RETENTION_INTERVAL_MS'] as number,
    rateLimitPerCredential: values['RATE_LIMIT_PER_CREDENTIAL'] as number,
    rateLimitPerIp: values['RATE_LIMIT_PER_IP'] as number,
    authFailuresPerIp: values['AUTH_FAILURES_PER_IP'] as number,
    signInAttemptsPerAddress: values['SIGN_IN_ATTEMPTS_PER_ADDRESS'] as number,
    metricsToken: values['METRICS_TOKEN'] as string,
    syncStaleAfterMinutes: values['SYNC_STALE_AFTER_MINUTES'] as number,
  });
}

/** The settings table for `roster serve --help` and the README. */
export function describeSettings(): string {
  return Object.entries(settings)
    .map(([name, s]) => `  ${name.padEnd(22)} ${s.doc} (default: ${s.default === '' ? 'empty' : s.default})`)
    .join('\n');
}
