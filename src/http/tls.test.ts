import assert from 'node:assert/strict';
import { copyFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../app/create-server.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { localRequest } from '../testing/local-request.js';
import { makeCertificate, scratchDirectory, type TestCertificate } from '../testing/tls-certs.js';
import { waitUntil } from '../testing/wait-until.js';
import { startChildServer } from '../testing/child-server.js';

/** Puts a pair in place the way renewal tools do: written beside, then renamed over. */
async function install(pair: TestCertificate, certFile: string, keyFile: string): Promise<void> {
  await copyFile(pair.certFile, `${certFile}.new`);
  await copyFile(pair.keyFile, `${keyFile}.new`);
  await rename(`${certFile}.new`, certFile);
  await rename(`${keyFile}.new`, keyFile);
}

describe('serving HTTPS directly (TLS_CERT_FILE / TLS_KEY_FILE)', () => {
  let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
  let first: TestCertificate;
  let second: TestCertificate;
  let certFile: string;
  let keyFile: string;
  let server: RosterServer;
  let base: string;
  let token: string;

  before(async () => {
    scratch = await scratchDirectory('roster-tls-');
    [first, second] = await Promise.all([makeCertificate(scratch.path, 'first'), makeCertificate(scratch.path, 'second')]);
    certFile = join(scratch.path, 'server.crt');
    keyFile = join(scratch.path, 'server.key');
    await install(first, certFile, keyFile);
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      DATABASE_URL: ':memory:',
      PORT: '0',
      HOST: '127.0.0.1',
      TLS_CERT_FILE: certFile,
      TLS_KEY_FILE: keyFile,
    });
    server = await createServer(config);
    base = await server.listen();
    const rt = server.rt;
    const tenant = await createTenant(rt, { slug: 'acme' });
    token = (await issueCredential(rt, tenant.id, 'bearer', 'IdP')).secret;
  });
  after(async () => {
    await server?.close();
    await scratch?.remove();
  });

  it('listens on https and builds https meta.location from the request', async () => {
    assert.match(base, /^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await localRequest(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(health.fingerprint, first.fingerprint);
    const created = await localRequest(`${base}/scim/v2/Users`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: { userName: 'ada@example.com' } });
    assert.equal(created.status, 201);
    const location = String((created.body['meta'] as Record<string, unknown>)['location']);
    assert.ok(location.startsWith(`${base}/scim/v2/Users/`), location);
    assert.equal(created.headers['location'], location);
  });

  it('serves a renewed certificate to new connections once the files are replaced, without a restart', async () => {
    await install(second, certFile, keyFile);
    await waitUntil(async () => (await localRequest(`${base}/healthz`)).fingerprint === second.fingerprint, 'the renewed certificate to be served');
  });

  it('keeps the last good pair when the new files do not load, and reloads on demand (SIGHUP)', async () => {
    const reloadsBefore = (await localRequest(`${base}/healthz`)).fingerprint;
    assert.equal(reloadsBefore, second.fingerprint);
    await writeFile(`${keyFile}.new`, 'not a key');
    await rename(`${keyFile}.new`, keyFile);
    assert.equal(await server.reloadTls(), false, 'a key that does not parse is refused');
    const still = await localRequest(`${base}/healthz`);
    assert.equal(still.status, 200);
    assert.equal(still.fingerprint, second.fingerprint, 'the previous pair is still served');

    await install(first, certFile, keyFile);
    assert.equal(await server.reloadTls(), true);
    assert.equal((await localRequest(`${base}/healthz`)).fingerprint, first.fingerprint);
  });

  it('wants both files or neither', () => {
    assert.throws(
      () => loadConfig({ TLS_CERT_FILE: certFile }),
      (error: unknown) => error instanceof ConfigError && /go together/.test(error.message),
    );
  });
});

describe('roster serve reloads its TLS pair on SIGHUP', () => {
  it('serves the new certificate to new connections after the signal, still the same process', async () => {
    const scratch = await scratchDirectory('roster-tls-hup-');
    const [first, second] = await Promise.all([makeCertificate(scratch.path, 'first'), makeCertificate(scratch.path, 'second')]);
    const certFile = join(scratch.path, 'server.crt');
    const keyFile = join(scratch.path, 'server.key');
    await install(first, certFile, keyFile);
    const child = await startChildServer({ DATABASE_URL: ':memory:', TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, LOG_LEVEL: 'silent' }, 'roster serve');
    try {
      assert.match(child.base, /^https:/);
      assert.equal((await localRequest(`${child.base}/healthz`)).fingerprint, first.fingerprint);
      await install(second, certFile, keyFile);
      child.process.kill('SIGHUP');
      await waitUntil(() => child.output.join('').includes('SIGHUP: TLS certificate and key reloaded'), 'the SIGHUP reload to be reported');
      assert.equal((await localRequest(`${child.base}/healthz`)).fingerprint, second.fingerprint);
      assert.equal(child.process.exitCode, null, 'still running');
    } finally {
      assert.equal(await child.stop(), 0);
      await scratch.remove();
    }
  });
});
