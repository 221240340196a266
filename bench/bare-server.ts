/**
 * The floor under the HTTP numbers: a bare `node:http` server that answers the bench's create and
 * lookup requests with the raw driver and nothing else. No authentication, no SCIM parsing or
 * validation, no filter language, no events, no provisioning log, no metrics, no framework: the
 * body is JSON-parsed, the rows raw-driver.ts writes are written, the stored document is echoed.
 *
 * It answers what one Node process on this machine can do at all with this load generator, so a
 * Roster figure can be read as a share of it (÷bare in the report), beside the driver-only limits
 * that leave HTTP out altogether. It is not a server anyone should run.
 *
 * It speaks bench/serve.ts's protocol (BENCH_READY, `mark` on stdin → BENCH_MARK) so bench/child.ts
 * starts, observes and stops it the same way. Environment: DATABASE_URL, DB_POOL_SIZE,
 * BENCH_TENANTS (tenants to create through Roster's own store, so the tables are Roster's).
 *
 *   POST /scim/v2/Users                          → 201 and the stored document with its id
 *   GET  /scim/v2/Users?filter=userName eq "…"   → 200 and a ListResponse of the one match
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import { uuidv7 } from '../src/provisioning/runtime.js';
import { foldText } from '../src/storage/fold.js';
import { intervalMeter } from './interval-meter.js';
import {
  createTenants,
  inTransaction,
  openRawPool,
  openSqliteLikeRoster,
  PG_INSERT_EMAIL,
  PG_INSERT_USER,
  SQLITE_INSERT_EMAIL,
  SQLITE_INSERT_USER,
} from './raw-driver.js';

const databaseUrl = process.env['DATABASE_URL'] ?? '';
const poolSize = Number(process.env['DB_POOL_SIZE'] ?? 10);
const slugs = (process.env['BENCH_TENANTS'] ?? '').split(',').filter((s) => s.length > 0);

interface Storage {
  /** Writes the person and their email in one transaction; false when the userName is taken. */
  create(values: readonly (string | number | null)[], email: readonly (string | number | null)[]): Promise<boolean>;
  /** The stored document of the person with this folded userName. */
  lookup(tenantId: string, userNameFold: string): Promise<string | undefined>;
  close(): Promise<void>;
}

function sqliteStorage(file: string): Storage {
  const db = openSqliteLikeRoster(file, 5000);
  const insertUser = db.prepare(SQLITE_INSERT_USER);
  const insertEmail = db.prepare(SQLITE_INSERT_EMAIL);
  const create = db.transaction((values: readonly (string | number | null)[], email: readonly (string | number | null)[]): boolean => {
    if (insertUser.get(...values) === undefined) return false;
    insertEmail.run(...email);
    return true;
  });
  const lookup = db.prepare<[string, string], { data: string }>('select data from users where tenant_id = ? and user_name_fold = ?');
  return {
    create: (values, email) => Promise.resolve(create(values, email)),
    lookup: (tenantId, fold) => Promise.resolve(lookup.get(tenantId, fold)?.data),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

/** Thrown inside the transaction when the userName is taken, so that it rolls back. */
class Taken extends Error {}

function postgresStorage(url: string): Storage {
  const pool = openRawPool(url, poolSize);
  return {
    async create(values, email) {
      try {
        await inTransaction(pool, async (client) => {
          const inserted = await client.query(PG_INSERT_USER, [...values]);
          if (inserted.rowCount !== 1) throw new Taken();
          await client.query(PG_INSERT_EMAIL, [...email]);
        });
        return true;
      } catch (error) {
        if (error instanceof Taken) return false;
        throw error;
      }
    },
    async lookup(tenantId, fold) {
      // data::text: the document as stored, not parsed into objects by the driver only to be printed again.
      const result = await pool.query<{ data: string }>('select data::text as data from users where tenant_id = $1 and user_name_fold = $2', [tenantId, fold]);
      return result.rows[0]?.data;
    },
    close: () => pool.end(),
  };
}

const tenantIds = await createTenants(databaseUrl, slugs);
const [tenantId = ''] = Object.values(tenantIds);
const storage = databaseUrl.startsWith('postgres') ? postgresStorage(databaseUrl) : sqliteStorage(databaseUrl);

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/scim+json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function postUser(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const doc = JSON.parse(await readBody(req)) as Record<string, unknown>;
  const userName = String(doc['userName']);
  const id = uuidv7();
  const now = Date.now();
  const data = JSON.stringify(doc);
  const values = [tenantId, id, userName, foldText(userName), String(doc['externalId']), foldText(String(doc['displayName'])), 1, data, 1, now, now];
  const email = [tenantId, id, 0, userName, foldText(userName), 'work', 1];
  if (!(await storage.create(values, email))) return reply(res, 409, '{"status":"409","scimType":"uniqueness"}');
  reply(res, 201, JSON.stringify({ ...doc, id }));
}

async function lookupUser(url: URL, res: ServerResponse): Promise<void> {
  const match = /^userName eq "(.*)"$/.exec(url.searchParams.get('filter') ?? '');
  const data = match?.[1] === undefined ? undefined : await storage.lookup(tenantId, foldText(match[1]));
  reply(
    res,
    200,
    `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":${data === undefined ? 0 : 1},"startIndex":1,"itemsPerPage":${data === undefined ? 0 : 1},"Resources":[${data ?? ''}]}`,
  );
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const work =
    req.method === 'POST' && url.pathname === '/scim/v2/Users'
      ? postUser(req, res)
      : req.method === 'GET' && url.pathname === '/scim/v2/Users'
        ? lookupUser(url, res)
        : Promise.resolve(reply(res, 404, '{"status":"404"}'));
  work.catch((error: unknown) => reply(res, 500, JSON.stringify({ status: '500', detail: String(error) })));
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
const port = typeof address === 'object' && address !== null ? address.port : Number.NaN;

const meter = intervalMeter();
process.stdout.write(
  `BENCH_READY ${JSON.stringify({ port, engine: databaseUrl.startsWith('postgres') ? 'postgres' : 'sqlite', pid: process.pid, tokens: Object.fromEntries(slugs.map((s) => [s, 'none'])), tenantIds })}\n`,
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  server.close();
  await storage.close().catch(() => {});
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const [command, ...rest] = line.trim().split(/\s+/);
  if (command !== 'mark') return;
  process.stdout.write(`BENCH_MARK ${JSON.stringify({ label: rest.join(' ') || 'interval', ...meter.read() })}\n`);
  meter.restart();
});
commands.on('close', () => void stop());
