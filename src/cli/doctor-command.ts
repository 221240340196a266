import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, loadConfig, type RosterConfig } from '../config/config.js';
import { webhookFindings } from '../events/webhook-health.js';
import { checkTenantSync, type Finding, type Severity } from '../provisioning/operations/sync-health.js';
import { uuidv7 } from '../provisioning/runtime.js';
import { isPostgresUrl, openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { parseArgs } from './args.js';
import type { CliOutput } from './context.js';

/** How long the database may take to answer before doctor says it does not. */
const CONNECT_TIMEOUT_MS = 10_000;

/** The PostgreSQL URL without its password, for messages. */
export function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    const schema = u.searchParams.get('schema');
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `PostgreSQL ${user}${u.hostname}:${u.port || '5432'}${u.pathname}${schema ? ` (schema ${schema})` : ''}`;
  } catch {
    return 'PostgreSQL (unreadable URL)';
  }
}

/** A database failure in words an operator can act on, without a stack trace. */
export function explainDatabaseError(error: unknown, url: string): string {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (!isPostgresUrl(url)) {
    if (/file is not a database|SQLITE_NOTADB/i.test(message)) return `${url} exists but is not a SQLite database — is DATABASE_URL pointing at the right file?`;
    if (/SQLITE_CANTOPEN|unable to open/i.test(message)) return `cannot open the SQLite file ${url} — check that the folder exists and this user may read and write it`;
    if (/SQLITE_BUSY|locked/i.test(message)) return `the SQLite file ${url} is locked by another process for too long`;
    return `the SQLite file ${url} could not be read: ${message}`;
  }
  let host = '?';
  let port = '5432';
  let user = '';
  let database = '';
  try {
    const u = new URL(url);
    host = u.hostname;
    port = u.port || '5432';
    user = decodeURIComponent(u.username);
    database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  } catch {
    return `DATABASE_URL is not a valid URL (expected postgres://user:password@host:5432/database)`;
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing accepts connections at ${host}:${port} — is PostgreSQL running there, and is the port right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name "${host}" does not resolve — check its spelling in DATABASE_URL`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to ${host}:${port} — a firewall, a security group or the wrong address?`;
    case 'ECONNRESET':
      return `${host}:${port} closed the connection — is that a PostgreSQL server, and does it want TLS (add ?sslmode=require)?`;
    case '28P01':
      return `PostgreSQL refused the password of user "${user}" — check the user and password in DATABASE_URL`;
    case '28000':
      return `PostgreSQL does not let user "${user}" connect from here (pg_hba.conf) — ask its administrator to allow this host`;
    case '3D000':
      return `the database "${database}" does not exist on ${host}:${port} — create it (createdb ${database}) or fix the name in DATABASE_URL`;
    case '42501':
      return `user "${user}" may not create or use the schema named in DATABASE_URL — grant it, or create the schema first`;
    case '57P03':
      return `PostgreSQL at ${host}:${port} is starting up or shutting down; try again in a moment`;
    default:
      break;
  }
  if (/timeout/i.test(message)) return `no answer from ${host}:${port} within ${CONNECT_TIMEOUT_MS / 1000} s — a firewall or the wrong address?`;
  if (/self[- ]signed|certificate/i.test(message)) return `the TLS certificate of ${host} is not trusted: ${message}`;
  if (/invalid schema name/i.test(message)) return `${message} — a schema name is letters, digits and underscores`;
  return `PostgreSQL at ${host}:${port} said: ${message}`;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function checkConfiguration(config: RosterConfig): Finding[] {
  const findings: Finding[] = [];
  const where = isPostgresUrl(config.databaseUrl) ? describePostgres(config.databaseUrl) : `SQLite file ${config.databaseUrl}`;
  findings.push({ severity: 'ok', subject: 'configuration', message: `every setting is valid; database: ${where}` });
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(config.host);
  if (!loopback && config.publicUrl === '') {
    findings.push({
      severity: 'warning',
      subject: 'configuration',
      message: `HOST=${config.host} serves other machines but PUBLIC_URL is empty: meta.location will use whatever host name each request carries; behind a load balancer set PUBLIC_URL to the address IdPs use`,
    });
  }
  if (!loopback && config.metricsToken === '') {
    findings.push({
      severity: 'note',
      subject: 'configuration',
      message: '/metrics is open to anyone who can reach this port; set METRICS_TOKEN or keep the port on an internal network',
    });
  }
  if (config.rateLimitPerCredential === 0) {
    findings.push({ severity: 'warning', subject: 'configuration', message: 'RATE_LIMIT_PER_CREDENTIAL=0 lets one IdP take all of the server' });
  }
  return findings;
}

/** SQLite: what is on disk before opening it (opening creates a file, which doctor must not do). */
function checkSqliteFile(url: string): { findings: Finding[]; open: boolean } {
  const file = url.replace(/^sqlite:(\/\/)?/i, '');
  if (file === ':memory:') {
    return {
      findings: [{ severity: 'warning', subject: 'database', message: 'DATABASE_URL=:memory: keeps everything in memory and forgets it at exit (tests only)' }],
      open: false,
    };
  }
  const full = resolve(file);
  const folder = dirname(full);
  if (!existsSync(folder)) {
    return {
      findings: [
        {
          severity: 'problem',
          subject: 'database',
          message: `the folder ${folder} does not exist, so there is no SQLite file at ${full} — check DATABASE_URL (a relative path starts from ${process.cwd()})`,
        },
      ],
      open: false,
    };
  }
  if (!existsSync(full)) {
    return {
      findings: [
        {
          severity: 'warning',
          subject: 'database',
          message: `no SQLite file at ${full} yet — \`roster serve\` creates it on first start (or DATABASE_URL points somewhere else)`,
        },
      ],
      open: false,
    };
  }
  if (statSync(full).isDirectory()) {
    return {
      findings: [{ severity: 'problem', subject: 'database', message: `${full} is a folder, not a SQLite file — DATABASE_URL should name a file inside it` }],
      open: false,
    };
  }
  try {
    accessSync(full, constants.R_OK | constants.W_OK);
    accessSync(folder, constants.W_OK);
  } catch {
    return {
      findings: [
        {
          severity: 'problem',
          subject: 'database',
          message: `this user may not write ${full} and its folder; the server needs both (SQLite writes -wal and -shm files beside it)`,
        },
      ],
      open: false,
    };
  }
  return { findings: [], open: true };
}

async function checkDatabase(config: RosterConfig, staleAfterMs: number): Promise<Finding[]> {
  const findings: Finding[] = [];
  const url = config.databaseUrl;
  if (!isPostgresUrl(url)) {
    const file = checkSqliteFile(url);
    findings.push(...file.findings);
    if (!file.open) return findings;
  }
  let store: Store | undefined;
  try {
    store = await withTimeout(openStore({ databaseUrl: url, poolSize: 2, migrate: false }), CONNECT_TIMEOUT_MS);
    await withTimeout(store.ping(), CONNECT_TIMEOUT_MS);
  } catch (error) {
    await store?.close().catch(() => {});
    findings.push({ severity: 'problem', subject: 'database', message: explainDatabaseError(error, url) });
    return findings;
  }
  try {
    findings.push({ severity: 'ok', subject: 'database', message: `reachable (${store.engine === 'postgres' ? describePostgres(url) : url})` });
    const pending = await store.operations.pendingMigrations();
    if (pending.includes('001-initial')) {
      findings.push({ severity: 'warning', subject: 'migrations', message: 'the database has no Roster tables yet; `roster serve` creates them on first start' });
      return findings;
    }
    if (pending.length > 0) {
      findings.push({
        severity: 'warning',
        subject: 'migrations',
        message:
          `${pending.length} migration${pending.length === 1 ? '' : 's'} not applied yet (${pending.join(', ')}); ` +
          'they run by themselves when `roster serve` starts — with several processes, start one first (docs/operations.md)',
      });
    } else {
      findings.push({ severity: 'ok', subject: 'migrations', message: 'the schema is up to date' });
    }
    const rt = { store, now: Date.now, newId: () => uuidv7() };
    const tenants = await checkTenantSync(rt, { staleAfterMs });
    if (tenants.length === 0) findings.push({ severity: 'ok', subject: 'tenants', message: 'no tenants yet (roster tenant create <slug>)' });
    findings.push(...tenants);
    findings.push(...(await webhookFindings(rt)));
  } catch (error) {
    findings.push({ severity: 'problem', subject: 'database', message: `reading tenants failed: ${error instanceof Error ? error.message : String(error)}` });
  } finally {
    await store.close();
  }
  return findings;
}

const DOCTOR_USAGE = "usage: roster doctor [--json]   check configuration, database, migrations and each tenant's sync; exit 1 when something is wrong";

const MARK: Record<Severity, string> = { ok: 'ok     ', note: 'note   ', warning: 'WARNING', problem: 'PROBLEM' };

/**
 * `roster doctor`: checks configuration (every problem), the database, migrations and each
 * tenant's SCIM traffic against how its IdP syncs. Exit code 1 when something is wrong.
 */
export async function doctorCommand(argv: readonly string[], io: CliOutput): Promise<number> {
  const args = parseArgs(argv, { json: 'boolean' }, DOCTOR_USAGE, 'doctor');
  const findings: Finding[] = [];
  let config: RosterConfig | undefined;
  try {
    config = loadConfig(process.env, args.passthrough);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) findings.push({ severity: 'problem', subject: 'configuration', message: problem });
  }
  if (config) {
    findings.push(...checkConfiguration(config));
    findings.push(...(await checkDatabase(config, config.syncStaleAfterMinutes * 60_000)));
  }
  const problems = findings.filter((f) => f.severity === 'problem').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  if (args.flags.has('json')) {
    io.out(JSON.stringify({ ok: problems === 0, problems, warnings, findings }));
  } else {
    for (const f of findings) io.out(`${MARK[f.severity]}  ${f.subject}: ${f.message}`);
    io.out(
      problems === 0
        ? `\nNothing wrong${warnings > 0 ? `; ${warnings} warning${warnings === 1 ? '' : 's'} above` : ''}.`
        : `\n${problems} problem${problems === 1 ? '' : 's'}${warnings > 0 ? ` and ${warnings} warning${warnings === 1 ? '' : 's'}` : ''} above.`,
    );
  }
  return problems === 0 ? 0 : 1;
}
