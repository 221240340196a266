/**
 * Roster embedded in a host's server, driven over real sockets on both engines: the Fastify plugin
 * under a prefix (beside the host's own routes and JSON parser), and the plain Node handler (in
 * node:http, and in an Express router nested under another). Every URL Roster writes back carries
 * the prefix; the host's logger gets Roster's lines; the webhook dispatcher runs while the host
 * does and everything stops with it.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createNodeServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { addWebhook } from '../events/manage-webhooks.js';
import type { JsonObject } from '../json/json-value.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';
import { startReceiver, type TestReceiver } from '../testing/webhook-receiver.js';
import { waitUntil } from '../testing/wait-until.js';
import { pageUnderMount } from '../admin/console-static.js';
import { embeddedDatabaseUrl } from './embed.js';
import type { HostLogger } from './host-logger.js';
import { createRosterHandler, type RosterHandler } from './roster-handler.js';
import { rosterPlugin } from './roster-plugin.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PUBLIC = 'https://app.example';

/** A host logger with only the methods the interface requires, recording every line. */
function recordingLogger(lines: JsonObject[], bindings: JsonObject = {}): HostLogger {
  const write = (level: string) => (first: unknown, second?: unknown) => {
    const fields = typeof first === 'object' && first !== null ? (first as JsonObject) : {};
    const msg = typeof first === 'string' ? first : typeof second === 'string' ? second : '';
    lines.push({ ...bindings, ...JSON.parse(JSON.stringify(fields)), level, msg } as JsonObject);
  };
  return {
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    debug: write('debug'),
    child: (more) => recordingLogger(lines, { ...bindings, ...(more as JsonObject) }),
  };
}

async function json(response: Response): Promise<JsonObject> {
  return (await response.json()) as JsonObject;
}

const scimUser = (userName: string) => JSON.stringify({ schemas: [USER], userName });

for (const { engine, skip } of testEngines()) {
  describe(`rosterPlugin in a Fastify host on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let host: FastifyInstance;
    let origin: string;
    let token: string;
    let hostKey: string;
    const lines: JsonObject[] = [];
    let receiver: TestReceiver;

    before(async () => {
      database = await createTestDatabase(engine);
      receiver = await startReceiver();
      host = Fastify();
      host.post('/echo', async (request) => ({ got: request.body }));
      await host.register(rosterPlugin, {
        prefix: '/scim-service',
        database: database.url,
        logger: recordingLogger(lines),
        settings: { PUBLIC_URL: PUBLIC, WEBHOOK_POLL_MS: 50, BODY_LIMIT_BYTES: 4096 },
      });
      origin = await host.listen({ port: 0, host: '127.0.0.1' });
      await host.roster.createTenant({ slug: 'acme' });
      token = await host.roster.issueScimToken('acme');
      hostKey = await host.roster.issueHostKey({ tenantSlug: 'acme' });
    });
    after(async () => {
      await host?.close();
      await receiver?.close();
      await database?.dispose();
    });

    const scim = (method: string, path: string, body?: string) =>
      fetch(`${origin}/scim-service/scim/v2${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { body }),
      });

    it('serves SCIM under the prefix, with meta.location and Location under it, and the host reads the person', async () => {
      const created = await scim('POST', '/Users', scimUser('ann@acme.example'));
      assert.equal(created.status, 201);
      const body = await json(created);
      const location = `${PUBLIC}/scim-service/scim/v2/Users/${String(body['id'])}`;
      assert.equal((body['meta'] as JsonObject)['location'], location);
      assert.equal(created.headers.get('location'), location);

      const config = await json(await scim('GET', '/ServiceProviderConfig'));
      assert.equal((config['meta'] as JsonObject)['location'], `${PUBLIC}/scim-service/scim/v2/ServiceProviderConfig`);
      // Roster's routes stay case-blind inside a host whose own router is not.
      assert.equal((await scim('GET', '/users'.toUpperCase())).status, 200);

      const people = await json(await fetch(`${origin}/scim-service/host/v1/tenants/acme/people`, { headers: { authorization: `Bearer ${hostKey}` } }));
      assert.deepEqual(
        (people['people'] as JsonObject[]).map((p) => p['userName']),
        ['ann@acme.example'],
      );
    });

    it("keeps Roster's body handling inside the prefix and the host's outside it", async () => {
      const tooBig = await scim('POST', '/Users', scimUser(`${'x'.repeat(5000)}@acme.example`));
      assert.equal(tooBig.status, 413);
      assert.match(tooBig.headers.get('content-type') ?? '', /application\/scim\+json/);
      const invalid = await scim('POST', '/Users', '{"schemas": [');
      assert.equal(invalid.status, 400);
      assert.equal((await json(invalid))['scimType'], 'invalidSyntax');

      const echoed = await fetch(`${origin}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      assert.deepEqual(await json(echoed), { got: { a: 1 } });
      // Nothing of Roster outside its prefix.
      assert.equal((await fetch(`${origin}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } })).status, 404);
    });

    it('names the prefix in both OpenAPI documents, the console endpoints and the session cookie', async () => {
      const hostDoc = await json(await fetch(`${origin}/scim-service/host/v1/openapi.json`));
      assert.deepEqual(hostDoc['servers'], [{ url: '/scim-service/host/v1' }]);
      const adminDoc = await json(await fetch(`${origin}/scim-service/admin/api/v1/openapi.json`));
      assert.deepEqual(adminDoc['servers'], [{ url: '/scim-service/admin/api/v1' }]);

      await host.roster.createConsoleAdmin({ email: 'ops@app.example', password: 'operator passphrase 1' });
      const signIn = await fetch(`${origin}/scim-service/admin/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: PUBLIC },
        body: JSON.stringify({ email: 'ops@app.example', password: 'operator passphrase 1' }),
      });
      assert.equal(signIn.status, 200);
      const cookie = signIn.headers.get('set-cookie') ?? '';
      assert.match(cookie, /; Path=\/scim-service\/admin;/);
      const tenant = await json(await fetch(`${origin}/scim-service/admin/api/v1/tenants/acme`, { headers: { cookie: cookie.split(';')[0] ?? '' } }));
      assert.deepEqual(tenant['endpoints'], { byCredential: `${PUBLIC}/scim-service/scim/v2/`, byTenantPath: `${PUBLIC}/scim-service/t/acme/scim/v2/` });
    });

    it("logs through the host's logger, marked as Roster's", async () => {
      await scim('GET', '/Users');
      await waitUntil(() => lines.some((l) => l['component'] === 'roster' && l['msg'] === 'request' && l['status'] === 200), "Roster's request line in the host's log");
    });

    it('delivers webhooks while the host runs', async () => {
      await addWebhook(host.roster.server.rt, { tenantSlug: 'acme', url: receiver.url });
      assert.equal((await scim('POST', '/Users', scimUser('bo@acme.example'))).status, 201);
      await waitUntil(() => receiver.received.some((r) => r.body.includes('bo@acme.example')), 'the webhook for the new person');
    });
  });

  describe(`createRosterHandler in a plain Node server on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let handler: RosterHandler;
    let server: Server;
    let origin: string;

    before(async () => {
      database = await createTestDatabase(engine);
      handler = createRosterHandler({ prefix: '/roster/', database: database.url, settings: { LOG_LEVEL: 'silent' } });
      server = createNodeServer(handler);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise((resolve) => server?.close(resolve));
      await handler?.close();
      await database?.dispose();
    });

    it('waits for Roster to open, serves it under the prefix only, and stops with close()', async () => {
      // Sent before ready(): the request waits for the database to be opened and migrated.
      const early = fetch(`${origin}/roster/healthz`);
      const roster = await handler.ready();
      assert.equal((await early).status, 200);
      await roster.createTenant({ slug: 'globex' });
      const token = await roster.issueScimToken('globex');
      const created = await fetch(`${origin}/roster/t/globex/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: scimUser('cy@globex.example'),
      });
      assert.equal(created.status, 201);
      assert.equal(created.headers.get('location'), `${origin}/roster/t/globex/scim/v2/Users/${String((await json(created))['id'])}`);
      assert.equal((await fetch(`${origin}/healthz`)).status, 404);
      assert.equal((await fetch(`${origin}/rosterx/healthz`)).status, 404);

      // A host that read the body first (a body parser mounted before Roster) is told so, at once.
      const parsing = createNodeServer((req, res) => {
        req.resume();
        req.once('end', () => handler(req, res));
      });
      await new Promise<void>((resolve) => parsing.listen(0, '127.0.0.1', resolve));
      try {
        const misplaced = await fetch(`http://127.0.0.1:${(parsing.address() as AddressInfo).port}/roster/t/globex/scim/v2/Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          body: scimUser('di@globex.example'),
        });
        assert.equal(misplaced.status, 500);
        assert.match(await misplaced.text(), /mount Roster before any body parser/);
      } finally {
        await new Promise((resolve) => parsing.close(resolve));
      }

      await handler.close();
      await assert.rejects(roster.server.store.ping());
      assert.equal((await fetch(`${origin}/roster/healthz`)).status, 503);
    });
  });
}

describe('createRosterHandler in an Express router nested under another', () => {
  it("answers under Express's whole mount path, read from req.baseUrl", async () => {
    const handler = createRosterHandler({ database: ':memory:', settings: { LOG_LEVEL: 'silent' } });
    const api = express.Router();
    api.use('/roster', handler);
    const app = express();
    app.use('/api', api);
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const roster = await handler.ready();
      await roster.createTenant({ slug: 'initech' });
      const token = await roster.issueScimToken('initech');
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const created = await fetch(`${origin}/api/roster/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: scimUser('peter@initech.example'),
      });
      assert.equal(created.status, 201);
      assert.equal(created.headers.get('location'), `${origin}/api/roster/scim/v2/Users/${String((await json(created))['id'])}`);
      const doc = await json(await fetch(`${origin}/api/roster/host/v1/openapi.json`));
      assert.deepEqual(doc['servers'], [{ url: '/api/roster/host/v1' }]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await handler.close();
    }
  });
});

describe('embedding details', () => {
  it('gives PostgreSQL a schema of its own, keeping one the URL names, and reads a pg.Pool for its settings', async () => {
    assert.equal(embeddedDatabaseUrl('postgres://u@db:5432/app'), 'postgres://u@db:5432/app?schema=roster');
    assert.equal(embeddedDatabaseUrl('postgres://u@db:5432/app', 'scim'), 'postgres://u@db:5432/app?schema=scim');
    assert.equal(embeddedDatabaseUrl('postgres://u@db:5432/app?schema=mine'), 'postgres://u@db:5432/app?schema=mine');
    assert.equal(embeddedDatabaseUrl('./data/roster.db'), './data/roster.db');
    assert.throws(() => embeddedDatabaseUrl('postgres://u@db/app', 'bad"name'), /invalid PostgreSQL schema name/);
    const pool = new pg.Pool({ user: 'app user', password: 'p@ss', host: 'db.internal', port: 6543, database: 'product' });
    try {
      assert.equal(embeddedDatabaseUrl(pool), 'postgres://app%20user:p%40ss@db.internal:6543/product?schema=roster');
    } finally {
      await pool.end();
    }
    const byUrl = new pg.Pool({ connectionString: 'postgres://u@db:5432/app' });
    try {
      assert.equal(embeddedDatabaseUrl(byUrl), 'postgres://u@db:5432/app?schema=roster');
    } finally {
      await byUrl.end();
    }
  });

  it("moves every link of the console's page under the mount path", () => {
    const page = readFileSync(new URL('../../admin-ui/static/index.html', import.meta.url), 'utf8');
    const moved = pageUnderMount(page, '/scim-service');
    assert.match(moved, /<meta name="roster-base" content="\/scim-service\/admin">/);
    assert.match(moved, /src="\/scim-service\/admin\/assets\/main\.js"/);
    assert.doesNotMatch(moved, /"\/admin/);
    assert.equal(pageUnderMount(page, ''), page);
    assert.match(pageUnderMount(page, '/a$&b'), /content="\/a\$&amp;b\/admin"/);
  });
});
