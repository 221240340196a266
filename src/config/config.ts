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
  .transform((text) =>
    text
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
  .refine((entries) => entries.every(isProxyEntry), {
    message: 'each entry must be an IP address, a CIDR such as 10.0.0.0/8, or loopback / linklocal / uniquelocal',
  });

/** One setting as declared: the environment variable (or `--kebab-case` flag), its default as it would be typed, and what it does. */
export interface SettingDeclaration<Name extends string = string> {
  readonly env: Name;
  readonly default: string;
  readonly doc: string;
}

/**
 * One setting: the text from a flag, the environment or the default, parsed by `parse`. The
 * declaration rides on the schema, so the loader, `--help`, the flags and the docs test all read
 * the same entry.
 */
function setting<const Name extends string, Parsed extends z.ZodType>(env: Name, fallback: z.input<Parsed> & string, doc: string, parse: Parsed) {
  const declared: SettingDeclaration<Name> = { env, default: fallback, doc };
  // prefault: the default is text, parsed like text from the environment.
  return Object.assign(parse.prefault(fallback).describe(doc), { declared });
}

const int = (min: number, max?: number) => (max === undefined ? z.coerce.number().int().min(min) : z.coerce.number().int().min(min).max(max));
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** HEAP_MODE: see app/serving-v8.ts. */
const HEAP_MODES = ['bounded', 'v8'] as const;

/**
 * Every setting Roster reads, by its name in RosterConfig, in the order `--help` lists them. Read
 * once at start from the environment and `--flags` (flags win), validated together so that every
 * problem is reported at once, then frozen. README.md's configuration table is held to this list
 * by a test.
 */
const configShape = {
  port: setting('PORT', '8080', 'TCP port the HTTP server listens on.', int(0, 65535)),
  host: setting('HOST', '127.0.0.1', 'Address to bind (0.0.0.0 for all interfaces).', z.string().min(1)),
  databaseUrl: setting(
    'DATABASE_URL',
    './data/roster.db',
    'postgres://user@host:5432/db (add ?schema=name to use a schema) for PostgreSQL, or a file path for SQLite.',
    z.string().min(1),
  ),
  dbStatementTimeoutMs: setting(
    'DB_STATEMENT_TIMEOUT_MS',
    '15000',
    'The longest one statement may run: PostgreSQL cancels it; on SQLite a read in a read worker is abandoned. The request gets 503 with Retry-After; 0 turns it off. Migrations are exempt.',
    int(0),
  ),
  readDeadlineMs: setting(
    'READ_DEADLINE_MS',
    '1800',
    'The longest a read whose cost depends on what the client asked (a filtered list page and its count, a people search, possible duplicates) may run: on SQLite in a read worker, on PostgreSQL on a read pool of its own with this statement_timeout. Past it the request gets 503 with Retry-After and advice to narrow it; indexed lookups (userName eq, externalId eq) never come near it. 1.8 s, so that the answer or the refusal is out within 2 s of the request. 0: only DB_STATEMENT_TIMEOUT_MS applies.',
    int(0),
  ),
  sqliteReadWorkers: setting(
    'SQLITE_READ_WORKERS',
    '2',
    'SQLite: worker threads that run long reads (filtered lists, counts) on their own connections, so they never hold the event loop; 0 runs them on the serving connection.',
    int(0, 16),
  ),
  dbPoolSize: setting(
    'DB_POOL_SIZE',
    '10',
    'PostgreSQL connections per process for requests (one of them carries index lookups, several in one write); the read pool (DB_READ_POOL_SIZE) and one connection that listens for credential changes come on top.',
    int(1, 200),
  ),
  dbReadPoolSize: setting(
    'DB_READ_POOL_SIZE',
    '1',
    "PostgreSQL: connections per process for reads whose cost the client chooses (filtered lists and counts, searches, possible duplicates), each run on one database core (no parallel query) within READ_DEADLINE_MS. It is how many such reads run at once; the others wait within their deadline. 1 leaves the other cores to lookups and writes (with 2, costly reads on a 2-core server took another tenant's lookup p99 to 2.1× its idle value); raise it where PostgreSQL has cores to spare.",
    int(1, 50),
  ),
  tlsCertFile: setting(
    'TLS_CERT_FILE',
    '',
    'PEM certificate (chain) file: when set with TLS_KEY_FILE, Roster serves HTTPS itself. Both files are read again when they change or on SIGHUP, without a restart.',
    z.string(),
  ),
  tlsKeyFile: setting('TLS_KEY_FILE', '', 'PEM private key file for TLS_CERT_FILE.', z.string()),
  trustedProxies: setting(
    'TRUSTED_PROXIES',
    '',
    'Comma-separated addresses or CIDRs of reverse proxies (or loopback, linklocal, uniquelocal) whose X-Forwarded-For/-Proto/-Host are believed; from anywhere else they are ignored. Empty: none.',
    proxyList.transform((entries): readonly string[] => Object.freeze(entries)),
  ),
  publicUrl: setting(
    'PUBLIC_URL',
    '',
    'Externally visible base URL (e.g. https://roster.example.com), used in meta.location; empty: derived from the request.',
    // Without a trailing slash: paths are appended to it.
    z.union([z.literal(''), z.url()]).transform((url) => url.replace(/\/+$/, '')),
  ),
  heapMode: setting(
    'HEAP_MODE',
    'bounded',
    "roster serve only: bounded grows V8's old generation by 10% of what survives each full collection (its --heap-growing-percent, which NODE_OPTIONS cannot carry); with the young generation npm start and the image set (--max-semi-space-size=4), serving a 100,000-member group peaked at 167-173 MB (SQLite) and 130-139 MB (PostgreSQL) instead of 255 and 225, at no CPU cost measurable per request. v8 keeps V8's own growth. A host embedding Roster keeps its own V8 settings.",
    z.enum(HEAP_MODES),
  ),
  logLevel: setting('LOG_LEVEL', 'info', 'fatal, error, warn, info, debug, trace or silent. Requests are logged at info.', z.enum(LOG_LEVELS)),
  bodyLimitBytes: setting('BODY_LIMIT_BYTES', '1048576', 'Largest request body accepted; larger gets 413.', int(1024)),
  headersTimeoutMs: setting('HEADERS_TIMEOUT_MS', '10000', "How long a client may take to send a request's headers; then 408 and the connection is closed.", int(50)),
  requestTimeoutMs: setting(
    'REQUEST_TIMEOUT_MS',
    '30000',
    'How long a client may take to send a whole request, headers and body; then 408 and the connection is closed.',
    int(50),
  ),
  maxConnectionsPerAddress: setting(
    'MAX_CONNECTIONS_PER_ADDRESS',
    '128',
    'Open connections one client address may hold at once; more are answered 503 and closed. 0 turns the limit off.',
    int(0),
  ),
  maxResults: setting('MAX_RESULTS', '1000', 'Largest page a list returns (count is capped to it).', int(1, 10000)),
  defaultPageSize: setting('DEFAULT_PAGE_SIZE', '100', 'Page size when a list gives no count.', int(1, 10000)),
  maxBulkOperations: setting('MAX_BULK_OPERATIONS', '1000', 'Most operations one /Bulk request may carry.', int(1)),
  maxMembersPerPatch: setting('MAX_MEMBERS_PER_PATCH', '10000', 'Most group members one PATCH may name.', int(1)),
  activityFlushMs: setting('ACTIVITY_FLUSH_MS', '1000', 'How often last-request / last-used bookkeeping is written.', int(10)),
  rateLimitPerCredential: setting(
    'RATE_LIMIT_PER_CREDENTIAL',
    '200',
    'SCIM requests per second one credential may sustain (bursts of 5× allowed); 0 turns the limit off.',
    z.coerce.number().min(0),
  ),
  rateLimitPerIp: setting('RATE_LIMIT_PER_IP', '400', 'SCIM requests per second from one IP address (bursts of 5×); 0 turns it off.', z.coerce.number().min(0)),
  authFailuresPerIp: setting(
    'AUTH_FAILURES_PER_IP',
    '1',
    'Failed SCIM authentications per second one IP may make after a burst of 20, then 429.',
    z.coerce.number().min(0),
  ),
  signInAttemptsPerAddress: setting(
    'SIGN_IN_ATTEMPTS_PER_ADDRESS',
    '30',
    'Console sign-in attempts one client address may make per minute, whatever the emails; then 429. 0 turns it off.',
    int(0),
  ),
  shutdownGraceMs: setting('SHUTDOWN_GRACE_MS', '10000', 'How long SIGTERM waits for in-flight requests.', int(0)),
  webhookDelivery: setting(
    'WEBHOOK_DELIVERY',
    'on',
    'on: this process delivers webhooks (any number of processes may); off: it only serves requests.',
    z.enum(['on', 'off']).transform((value) => value === 'on'),
  ),
  webhookTimeoutMs: setting('WEBHOOK_TIMEOUT_MS', '10000', 'How long one webhook attempt may take before it counts as failed.', int(10)),
  webhookRetryBaseMs: setting('WEBHOOK_RETRY_BASE_MS', '1000', 'Backoff of the first webhook retry (doubling per attempt, full jitter).', int(1)),
  webhookRetryMaxMs: setting('WEBHOOK_RETRY_MAX_MS', '3600000', 'Longest wait between two webhook attempts.', int(1)),
  webhookRetryWindowMs: setting('WEBHOOK_RETRY_WINDOW_MS', '86400000', 'How long a failing webhook event is retried before it becomes a dead letter.', int(0)),
  webhookPollMs: setting('WEBHOOK_POLL_MS', '1000', 'How often the dispatcher looks for events committed by other processes and for due retries.', int(5)),
  webhookLeaseMs: setting(
    'WEBHOOK_LEASE_MS',
    '5000',
    "How long a claim on a webhook stream lasts unrenewed; the holder renews it every third of this, so a crashed process's streams are taken over after about this long. Keep the nodes' clocks within a fraction of it.",
    int(10),
  ),
  webhookConcurrency: setting('WEBHOOK_CONCURRENCY', '8', 'Webhook streams one process delivers at once.', int(1, 256)),
  webhookSecretOverlapMs: setting('WEBHOOK_SECRET_OVERLAP_MS', '86400000', 'How long a rotated webhook secret still signs beside the new one.', int(0)),
  retentionIntervalMs: setting(
    'RETENTION_INTERVAL_MS',
    '3600000',
    "How often the provisioning log and delivered events past each tenant's retention are deleted (in small chunks); 0 turns pruning off.",
    int(0),
  ),
  feedPollMs: setting('FEED_POLL_MS', '1000', 'How often a waiting event-feed request looks for events committed by other processes.', int(5)),
  metricsToken: setting(
    'METRICS_TOKEN',
    '',
    'When set, GET /metrics wants "Authorization: Bearer <this>"; empty: /metrics is open (keep it on an internal network).',
    z.string(),
  ),
  syncStaleAfterMinutes: setting(
    'SYNC_STALE_AFTER_MINUTES',
    '120',
    '`roster doctor` warns when a tenant that has synced before has sent no SCIM request for this long (Entra syncs about every 40 minutes).',
    int(1),
  ),
};

type ConfigKey = keyof typeof configShape;

/** A setting's environment variable name (DATABASE_URL). */
export type SettingName = (typeof configShape)[ConfigKey]['declared']['env'];

/** Every setting's declaration, in `--help` order. */
export const SETTINGS: readonly SettingDeclaration<SettingName>[] = Object.values(configShape).map((s) => s.declared);

/**
 * The whole configuration: each setting parsed from its text, then the two TLS files joined into
 * one optional pair (both set: HTTPS; both empty: plain HTTP) and everything frozen.
 */
export const configSchema = z
  .object(configShape)
  .transform(({ tlsCertFile, tlsKeyFile, ...rest }) =>
    Object.freeze({ ...rest, tls: tlsCertFile && tlsKeyFile ? Object.freeze({ certFile: tlsCertFile, keyFile: tlsKeyFile }) : undefined }),
  );

/** Roster's configuration, as `configSchema` answers it. */
export type RosterConfig = z.output<typeof configSchema>;

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

/** Each setting by its environment variable name, with its RosterConfig name. */
const byName: ReadonlyMap<string, SettingDeclaration & { readonly key: string }> = new Map(
  Object.entries(configShape).map(([key, s]) => [s.declared.env, { key, ...s.declared }]),
);

/** Reads settings from flags and environment; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = []): RosterConfig {
  const flags = new Map<string, string>();
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) continue;
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const name = flagName(flag);
    if (!byName.has(name)) {
      problems.push(`unknown flag ${flag}`);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) problems.push(`flag ${flag} needs a value`);
    else flags.set(name, value);
  }
  // By RosterConfig name; a setting given nowhere is left out and takes its default.
  const input: Record<string, string> = {};
  for (const [name, { key }] of byName) {
    const text = flags.get(name) ?? env[name];
    if (text !== undefined) input[key] = text;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const messages = new Map<string, string[]>();
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      messages.set(key, [...(messages.get(key) ?? []), issue.message]);
    }
    for (const { key, env: name, default: fallback, doc } of byName.values()) {
      const found = messages.get(key);
      if (found) problems.push(`${name}=${JSON.stringify(input[key] ?? fallback)}: ${found.join('; ')} (${doc})`);
    }
  }
  if (((input['tlsCertFile'] ?? '') === '') !== ((input['tlsKeyFile'] ?? '') === '')) {
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE go together: set both to serve HTTPS, or neither');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/** The settings table for `roster serve --help` and the README. */
export function describeSettings(): string {
  return SETTINGS.map((s) => `  ${s.env.padEnd(22)} ${s.doc} (default: ${s.default === '' ? 'empty' : s.default})`).join('\n');
}
