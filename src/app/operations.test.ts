import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../config/config.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { listRequestLog } from '../provisioning/directory/read-directory.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { createTestDatabase, type TestDatabase } from '../testing/databases.js';
import { createServer, type RosterServer } from './create-server.js';

describe('operating Roster', () => {
  let database: TestDatabase;
  let server: RosterServer;
  let token: string;
  let tenantId: string;
  let base: string;
  const logs: string[] = [];

  before(async () => {
    database = await createTestDatabase('sqlite');
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    server = await createServer(loadConfig({ DATABASE_URL: database.url, PORT: '0', LOG_LEVEL: 'info' }), { logStream });
    const tenant = await createTenant(server.rt, { slug: 'acme' });
    tenantId = tenant.id;
    token = (await issueCredential(server.rt, tenant.id, 'bearer', 'ops')).secret;
    base = await server.listen();
  });
  after(async () => {
    await server.close();
    await database.dispose();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${base}/scim/v2${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(body),
    });

  it('logs one structured line per request, with request ids, and never a credential or password', async () => {
    const response = await post('/Users', { userName: 'logged@example.com', password: 'P@ssw0rd-secret' });
    assert.equal(response.status, 201);
    assert.ok(response.headers.get('x-request-id'));
    await fetch(`${base}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } });
    await fetch(`${base}/scim/v2/Users`, { headers: { authorization: 'Bearer rst_0123456789abcdefWRONGWRONGWRONGWRONGWRONGWRONGWRONGWRO' } });
    const text = logs.join('');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; status?: number; ignored?: { reason: string }[] });
    assert.ok(lines.some((l) => l.msg === 'request' && l.status === 201));
    assert.ok(
      lines.some((l) => l.msg === 'SCIM request notes' && l.ignored?.some((i) => i.reason === 'password')),
      'the dropped password is reported',
    );
    assert.equal(text.includes(token), false, 'no token in logs');
    assert.equal(text.includes(token.slice(20)), false, 'no part of the secret in logs');
    assert.equal(text.includes('P@ssw0rd-secret'), false, 'no password in logs');
  });

  it('gives every answer a request id, nosniff and no-store, errors included, and logs a SCIM error with its detail', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const answers = {
      ok: await fetch(`${base}/scim/v2/Users?count=1`, { headers: auth }),
      unauthenticated: await fetch(`${base}/scim/v2/Users`),
      noEndpoint: await fetch(`${base}/scim/v2/Nothing`, { headers: auth }),
      nulInUrl: await fetch(`${base}/scim/v2/Users?filter=userName%20eq%20%22a%00%22`, { headers: auth }),
      badJson: await fetch(`${base}/scim/v2/Users`, { method: 'POST', headers: { ...auth, 'content-type': 'application/scim+json' }, body: '{"userName":' }),
      tooLarge: await fetch(`${base}/scim/v2/Users`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ userName: 'x'.repeat(2_000_000) }),
      }),
      badFilter: await fetch(`${base}/scim/v2/Users?filter=${encodeURIComponent('userName xx "a"')}`, { headers: auth }),
      health: await fetch(`${base}/healthz`),
    };
    const statuses = Object.fromEntries(Object.entries(answers).map(([name, r]) => [name, r.status]));
    assert.deepEqual(statuses, { ok: 200, unauthenticated: 401, noEndpoint: 404, nulInUrl: 400, badJson: 400, tooLarge: 413, badFilter: 400, health: 200 });
    for (const [name, response] of Object.entries(answers)) {
      assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, `${name}: x-request-id`);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', `${name}: nosniff`);
      assert.equal(response.headers.get('cache-control'), 'no-store', `${name}: no-store`);
      await response.arrayBuffer();
    }
    await server.requestLog.flush();
    const logged = await listRequestLog(server.rt, { tenantId }, { limit: 20 });
    const filterError = logged.find((entry) => entry.status === 400 && entry.path.includes('filter=userName%20xx'));
    assert.match(filterError?.error ?? '', /filter/i, 'the detail the client got is in the provisioning log');
    assert.equal(logged.find((entry) => entry.status === 200 && entry.path.includes('count=1'))?.error, null);
  });

  it('finishes in-flight requests on shutdown and refuses new ones cleanly', async () => {
    const operations = Array.from({ length: 1000 }, (_, i) => ({ method: 'POST', path: '/Users', data: { userName: `inflight${i}@example.com` } }));
    const inFlight = post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations });
    // Close only once the request is being processed: its first create is committed.
    const tenant = await server.store.tenants.findBySlug('acme');
    for (let i = 0; i < 2000; i++) {
      const first = await server.store.read({ tenantId: tenant!.id }, (r) => r.users.findByUserNameFold('inflight0@example.com'));
      if (first) break;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    let answered = false;
    void inFlight.then(() => (answered = true));
    await Promise.resolve();
    assert.equal(answered, false, 'the request is still in flight when shutdown starts');
    const closing = server.close();
    const response = await inFlight;
    assert.equal(response.status, 200);
    const body = (await response.json()) as { Operations: { status: string }[] };
    assert.equal(body.Operations.length, 1000);
    assert.ok(body.Operations.every((o) => o.status === '201'));
    await closing;
    await assert.rejects(fetch(`${base}/healthz`), 'no longer listening');
  });
});
