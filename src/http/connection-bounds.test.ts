/**
 * Connections cannot be held open for free: a request without a valid credential is refused before
 * its body is read, slow headers and slow bodies meet a deadline, and one address holds a bounded
 * number of connections. Driven over real TCP sockets against a listening server; every wait is on
 * what the server does (an answer, a closed socket), never on a clock.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';
import { waitUntil } from '../testing/wait-until.js';

/** A raw client connection that collects everything the server sends until it closes. */
interface RawClient {
  readonly socket: Socket;
  received(): string;
  /** Resolves with all that was received once the server has closed the connection. */
  readonly closed: Promise<string>;
}

async function open(port: number): Promise<RawClient> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (data += chunk));
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(data)));
  return { socket, received: () => data, closed };
}

/** A GET on a connection of its own that closes after the answer (fetch would keep one open, and it would count). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

describe('connection bounds (real sockets)', () => {
  let database: TestDatabase;
  let server: RosterServer;
  let port = 0;
  let token = '';

  before(async () => {
    database = await createTestDatabase('sqlite');
    server = await createServer(
      loadConfig({
        LOG_LEVEL: 'silent',
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        // Deadlines short enough for the test to see them act, long enough that a busy machine answers
        // a complete request well within them (a 401 must not lose the race to the 408); the
        // defaults are in config.ts and docs/reliability.md.
        HEADERS_TIMEOUT_MS: '1000',
        REQUEST_TIMEOUT_MS: '3000',
        MAX_CONNECTIONS_PER_ADDRESS: '4',
      }),
    );
    port = Number(new URL(await server.listen()).port);
    const tenant = await createTenant(server.rt, { slug: 'acme' });
    token = (await issueCredential(server.rt, tenant.id, 'bearer', 'test')).secret;
  });

  after(async () => {
    await server.close();
    await database.dispose();
  });

  const countPeople = async () => {
    const response = await get(port, '/scim/v2/Users?count=0', { authorization: `Bearer ${token}` });
    return (JSON.parse(response.body) as { totalResults: number }).totalResults;
  };

  it('refuses a request without a valid credential before its body arrives, and closes the connection', async () => {
    for (const authorization of ['', 'Authorization: Bearer rst_not-a-token\r\n']) {
      const client = await open(port);
      // Headers promising a body that never comes: the answer must not wait for it.
      client.socket.write(`POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\n${authorization}Content-Type: application/scim+json\r\nContent-Length: 100000\r\n\r\n{"userN`);
      const answer = await client.closed;
      assert.equal(statusOf(answer), 401, answer);
      assert.match(answer, /connection: close/i);
    }
  });

  it('refuses an admin API request without a session before its body arrives', async () => {
    const client = await open(port);
    client.socket.write('POST /admin/api/v1/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{');
    const answer = await client.closed;
    assert.equal(statusOf(answer), 401, answer);
  });

  it('answers 408 and disconnects a client whose body trickles past the request deadline; nothing is written', async () => {
    const before = await countPeople();
    const client = await open(port);
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'slow@example.com' });
    client.socket.write(
      `POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/scim+json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    // One byte at a time, each only after the previous one was taken, until the server gives up.
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < body.length - 1 && !client.socket.destroyed) client.socket.write(body[sent++] ?? '');
    }, 100);
    try {
      const answer = await client.closed;
      assert.equal(statusOf(answer), 408, answer);
      assert.ok(sent < body.length, 'the whole body was never sent');
    } finally {
      clearInterval(trickle);
    }
    assert.equal(await countPeople(), before);
  });

  it('answers 408 and disconnects a client whose headers never finish', async () => {
    const client = await open(port);
    client.socket.write(`GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n`);
    const answer = await client.closed;
    assert.equal(statusOf(answer), 408, answer);
  });

  it('lets one address hold at most MAX_CONNECTIONS_PER_ADDRESS connections; the next is answered 503 and closed, and a freed place is usable again', async () => {
    const held: RawClient[] = [];
    for (let i = 0; i < 4; i++) {
      const client = await open(port);
      // A complete keep-alive request each, so the connection is surely accepted and counted.
      client.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await waitUntil(() => statusOf(client.received()) === 200, `held connection ${i} answered`);
      held.push(client);
    }
    const extra = await open(port);
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const refused = await extra.closed;
    assert.equal(statusOf(refused), 503, refused);
    assert.match(refused, /retry-after: 1/i);
    assert.match(refused, /MAX_CONNECTIONS_PER_ADDRESS/);

    const first = held.shift();
    first?.socket.destroy();
    await first?.closed;
    // The server learns of the close asynchronously: wait until a new connection is served.
    await waitUntil(async () => (await get(port, '/healthz').catch(() => ({ status: 0 }))).status === 200, 'a connection served once a place was freed');
    for (const client of held) client.socket.destroy();
  });
});
