import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadConfig, type SettingName } from '../config/config.js';
import { enterMount } from '../http/mount-path.js';
import { isPostgresUrl } from '../storage/open-store.js';
import { createServer, type RosterServer } from './create-server.js';
import { fastifyLoggerFor, type HostLogger } from './host-logger.js';
import { rosterAdmin, type RosterAdmin } from './roster-admin.js';

/** Settings a host may give an embedded Roster: every setting but those the host's server owns. */
export type EmbeddedSettings = Readonly<Partial<Record<Exclude<SettingName, 'DATABASE_URL' | 'PORT' | 'HOST'>, string | number>>>;

/** How a host runs Roster inside its own server (rosterPlugin, createRosterHandler). */
export interface RosterOptions {
  /**
   * The host's database: a PostgreSQL URL, the host's `pg.Pool` (Roster connects with its settings
   * through a small pool of its own, see docs/decisions), or a SQLite file path.
   */
  readonly database: string | HostPgPool;
  /** PostgreSQL: the schema Roster keeps its tables in, created and migrated on start (default "roster"). */
  readonly schema?: string;
  /** The host's pino-compatible logger; Roster's lines carry `component: "roster"`. */
  readonly logger?: HostLogger;
  /**
   * Roster's settings by their environment names (README, "Settings"), validated as at the command
   * line; the host's process environment is not read. PUBLIC_URL is the host's external origin:
   * Roster adds the path it is mounted under.
   */
  readonly settings?: EmbeddedSettings;
}

/** A Roster running inside a host: its administration, and how to stop it with the host. */
export interface EmbeddedRoster extends RosterAdmin {
  /** The server under the adapter (its store, runtime and Fastify app), for tests and advanced use. */
  readonly server: RosterServer;
  /** Stops the webhook dispatcher and the other background work, flushes bookkeeping, closes Roster's connections. */
  close(): Promise<void>;
}

/** The adapters' side of an embedded Roster: where they hand each request. */
export interface MountedRoster extends EmbeddedRoster {
  /**
   * Serves one request. `outer`: the path the host has already taken off the URL (Express's
   * `req.baseUrl`); `strip`: the path still on it that Roster is mounted under.
   */
  handle(req: IncomingMessage, res: ServerResponse, outer: string, strip: string): void;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * What Roster reads of the host's `pg.Pool`: the settings it was made with (`pool.options`). Said
 * structurally, so the published types do not reach into pg's, which an adopter compiling with
 * `skipLibCheck: false` may not have.
 */
export interface HostPgPool {
  readonly options: {
    readonly connectionString?: string | undefined;
    readonly user?: string | undefined;
    readonly password?: string | (() => string | Promise<string>) | undefined;
    readonly host?: string | undefined;
    readonly port?: number | undefined;
    readonly database?: string | undefined;
    readonly ssl?: unknown;
  };
}

/**
 * The DATABASE_URL for an embedded Roster: PostgreSQL gets `?schema=` (unless the URL names one);
 * a `pg.Pool` is reduced to the connection settings it was made with.
 */
export function embeddedDatabaseUrl(database: string | HostPgPool, schema = 'roster'): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name for Roster: ${JSON.stringify(schema)}`);
  const url = typeof database === 'string' ? database : poolUrl(database);
  if (!isPostgresUrl(url)) return url;
  const parsed = new URL(url);
  if (!parsed.searchParams.has('schema')) parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

function poolUrl(pool: HostPgPool): string {
  const options = pool.options;
  if (options.connectionString) return options.connectionString;
  if (typeof options.password === 'function') {
    throw new Error('Roster cannot reuse a pg.Pool whose password is a function: pass a connection string instead');
  }
  const user = options.user ?? process.env.PGUSER ?? 'postgres';
  const password = options.password ?? process.env.PGPASSWORD;
  const host = options.host ?? process.env.PGHOST ?? 'localhost';
  const port = options.port ?? Number(process.env.PGPORT ?? 5432);
  const database = options.database ?? process.env.PGDATABASE ?? user;
  const credentials = `${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ''}`;
  const ssl = options.ssl ? '?sslmode=require' : '';
  return `postgres://${credentials}@${host.includes(':') ? `[${host}]` : host}:${port}/${encodeURIComponent(database)}${ssl}`;
}

/** The answer when the host handed Roster a request whose body something else already read. */
function bodyAlreadyRead(req: IncomingMessage, res: ServerResponse): boolean {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!req.readableEnded || !hasBody) return false;
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end('Roster is mounted after a body parser that already read this request; mount Roster before any body parser\n');
  return true;
}

/**
 * Starts Roster for a host through the one composition root (createServer): its database and
 * migrations, its background work, and a Fastify app that never listens; the adapters hand it
 * the host's requests.
 */
export async function startEmbedded(options: RosterOptions): Promise<MountedRoster> {
  const settings = Object.fromEntries(Object.entries(options.settings ?? {}).map(([name, value]) => [name, String(value)]));
  const config = loadConfig({ ...settings, DATABASE_URL: embeddedDatabaseUrl(options.database, options.schema) });
  const server = await createServer(config, options.logger ? { logger: fastifyLoggerFor(options.logger) } : {});
  try {
    await server.app.ready();
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    ...rosterAdmin(server.rt),
    server,
    close: () => server.close(),
    handle(req, res, outer, strip) {
      if (bodyAlreadyRead(req, res)) {
        server.app.log.error({ url: req.url }, 'a request reached Roster with its body already read: mount Roster before any body parser');
        return;
      }
      if (!enterMount(req, outer, strip)) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('not found\n');
        return;
      }
      server.app.routing(req, res);
    },
  };
}
