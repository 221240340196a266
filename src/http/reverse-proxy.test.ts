import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { localRequest } from '../testing/local-request.js';
import { nginxBinary, startNginx, type RunningNginx } from '../testing/nginx.js';
import { makeCertificate, scratchDirectory } from '../testing/tls-certs.js';

const binary = nginxBinary();
// In CI nginx is installed by .ci/run and this suite must run; elsewhere its absence is said loudly.
const skip = binary || process.env.CI ? false : 'nginx is not installed (apt-get install nginx): the reverse-proxy suite did NOT run';
if (skip) process.stderr.write(`\n*** ${skip} ***\n\n`);

// Clients are told apart by the loopback address they connect from (all of 127/8 is loopback).
const CLIENT_A = '127.0.0.2';
const CLIENT_B = '127.0.0.3';
const CLIENT_C = '127.0.0.4';
const CLIENT_D = '127.0.0.5';

describe('Roster behind nginx terminating TLS (TRUSTED_PROXIES)', { skip }, () => {
  let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
  let server: RosterServer;
  let nginx: RunningNginx | undefined;
  let direct: string;
  let token: string;
  const logLines: Record<string, unknown>[] = [];

  before(async () => {
    scratch = await scratchDirectory('roster-nginx-');
    const certificate = await makeCertificate(scratch.path, 'proxy');
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim()) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const config = loadConfig({
      LOG_LEVEL: 'info',
      DATABASE_URL: ':memory:',
      PORT: '0',
      HOST: '127.0.0.1',
      // nginx connects from 127.0.0.1; the clients' own addresses (127.0.0.2 …) are not proxies.
      TRUSTED_PROXIES: '127.0.0.1',
      // One SCIM request per address per 50 s, so every second one is refused however slow the machine.
      RATE_LIMIT_PER_IP: '0.02',
      SIGN_IN_ATTEMPTS_PER_ADDRESS: '3',
      // Behind the proxy every connection is nginx's: a cap of 1 would refuse its second one if counted.
      MAX_CONNECTIONS_PER_ADDRESS: '1',
    });
    server = await createServer(config, { logStream });
    direct = await server.listen();
    const tenant = await createTenant(server.rt, { slug: 'acme' });
    token = (await issueCredential(server.rt, tenant.id, 'bearer', 'IdP')).secret;
    await createAdmin(server.rt, { email: 'ops@example.com', password: 'correct horse battery' });
    nginx = await startNginx(binary!, scratch.path, direct, certificate);
  });
  after(async () => {
    await nginx?.stop();
    await server?.close();
    await scratch?.remove();
  });

  const scim = (base: string, from: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    localRequest(`${base}/scim/v2/Users`, { ...init, from, headers: { authorization: `Bearer ${token}`, ...init.headers } });

  it('gives https meta.location with the public host and port, and logs the real client and scheme', async () => {
    const created = await scim(nginx!.base, CLIENT_C, { method: 'POST', body: { userName: 'ada@example.com' } });
    assert.equal(created.status, 201);
    const location = String((created.body['meta'] as Record<string, unknown>)['location']);
    assert.ok(location.startsWith(`${nginx!.base}/scim/v2/Users/`), `${location} is under ${nginx!.base}`);
    const line = logLines.find((l) => l['msg'] === 'request' && l['method'] === 'POST' && l['status'] === 201);
    assert.equal(line?.['client'], CLIENT_C, 'the log names the client, not nginx');
    assert.equal(line?.['protocol'], 'https');
  });

  it('limits each client behind the proxy on its own, and a client cannot claim another address', async () => {
    assert.equal((await scim(nginx!.base, CLIENT_A)).status, 200);
    const again = await scim(nginx!.base, CLIENT_A);
    assert.equal(again.status, 429, 'A is over its own limit');
    assert.match(String(again.headers['retry-after']), /^\d+$/);
    // B names A in X-Forwarded-For: nginx appends B's real address, and only that hop is believed.
    const spoofing = await scim(nginx!.base, CLIENT_B, { headers: { 'x-forwarded-for': CLIENT_A } });
    assert.equal(spoofing.status, 200, "B is counted as B, whatever it claims: A's exhausted budget is not B's");
    assert.equal((await scim(nginx!.base, CLIENT_B)).status, 429, 'and B now has spent its own');
  });

  it('believes X-Forwarded-* from nowhere but the proxy', async () => {
    const forged = { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' };
    const first = await scim(direct, CLIENT_D, { method: 'POST', body: { userName: 'grace@example.com' }, headers: forged });
    assert.equal(first.status, 201);
    const location = String((first.body['meta'] as Record<string, unknown>)['location']);
    assert.ok(location.startsWith(`${direct}/scim/v2/Users/`), `${location}: neither the scheme nor the host came from the client's headers`);
    const second = await scim(direct, CLIENT_D, { headers: { 'x-forwarded-for': '203.0.113.10' } });
    assert.equal(second.status, 429, 'a new X-Forwarded-For does not make a new client');
  });

  it('throttles console sign-ins per real client address', async () => {
    const signIn = (from: string, email: string, password: string) =>
      localRequest(`${nginx!.base}/admin/api/v1/session`, { method: 'POST', from, body: { email, password }, headers: { 'content-type': 'application/json' } });
    // At once, so the limit (3 a minute, one more every 20 s) cannot refill between them.
    const statuses = await Promise.all(Array.from({ length: 4 }, (_, i) => signIn(CLIENT_A, `guess${i}@example.com`, 'wrong password').then((r) => r.status)));
    assert.deepEqual(statuses.sort(), [401, 401, 401, 429], 'A has used its attempts for the minute, whatever the emails');
    const other = await signIn(CLIENT_B, 'ops@example.com', 'correct horse battery');
    assert.equal(other.status, 200, 'the admin behind the same proxy, from another address, signs in');
  });
});
