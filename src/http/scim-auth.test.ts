import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { issueCredential, revokeCredential } from '../provisioning/credentials/manage-credentials.js';
import { setProvisioningEnabled } from '../provisioning/tenants/manage-tenants.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, type TestServer } from '../testing/test-server.js';
import { waitUntil } from '../testing/wait-until.js';

for (const { engine, skip } of testEngines()) {
  describe(`SCIM authentication and tenants on ${engine}`, { skip }, () => {
    let t: TestServer;
    before(async () => {
      t = await createTestServer(engine);
    });
    after(async () => t?.close());

    const get = (url: string, authorization?: string) => t.server.app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

    it('answers a missing, malformed or unknown credential with one SCIM 401', async () => {
      for (const auth of [
        undefined,
        'Bearer',
        'Bearer nope',
        'Token abc',
        `Bearer ${t.token.slice(0, -1)}x`,
        `Basic ${Buffer.from('rsk_0000000000000000:x').toString('base64')}`,
      ]) {
        const response = await get('/scim/v2/Users', auth);
        assert.equal(response.statusCode, 401, String(auth));
        const body = JSON.parse(response.body);
        assert.deepEqual(body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
        assert.equal(body.status, '401');
        assert.match(body.detail, /Authentication failed/);
        assert.equal(response.headers['www-authenticate'], 'Bearer realm="roster"');
      }
    });

    it('serves both /scim/v2 and /t/{slug}/scim/v2, with and without trailing slashes', async () => {
      for (const url of ['/scim/v2/Users', '/scim/v2/Users/', '/t/acme/scim/v2/Users', '/t/acme/scim/v2/Users/', '/scim/v2/ServiceProviderConfig/']) {
        assert.equal((await get(url, `Bearer ${t.token}`)).statusCode, 200, url);
      }
    });

    it('refuses a credential of another tenant under /t/{slug} with 401', async () => {
      const other = await t.addTenant('globex');
      assert.equal((await get('/t/acme/scim/v2/Users', `Bearer ${other.token}`)).statusCode, 401);
      assert.equal((await get('/t/globex/scim/v2/Users', `Bearer ${other.token}`)).statusCode, 200);
      assert.equal((await get('/t/no-such-tenant/scim/v2/Users', `Bearer ${t.token}`)).statusCode, 401);
    });

    it('accepts HTTP Basic key/secret pairs', async () => {
      const issued = await issueCredential(t.server.rt, t.tenant.id, 'basic', 'okta basic');
      const basic = `Basic ${Buffer.from(`${issued.key}:${issued.secret}`).toString('base64')}`;
      assert.equal((await get('/scim/v2/Users', basic)).statusCode, 200);
      const wrong = `Basic ${Buffer.from(`${issued.key}:${issued.secret.slice(1)}`).toString('base64')}`;
      assert.equal((await get('/scim/v2/Users', wrong)).statusCode, 401);
    });

    it('keeps an old token working while a new one is made, and revocation bites on the next request', async () => {
      const second = await issueCredential(t.server.rt, t.tenant.id, 'bearer', 'rotation');
      assert.equal((await get('/scim/v2/Users', `Bearer ${t.token}`)).statusCode, 200);
      assert.equal((await get('/scim/v2/Users', `Bearer ${second.secret}`)).statusCode, 200);
      await revokeCredential(t.server.rt, t.tenant.id, second.credential.id);
      assert.equal((await get('/scim/v2/Users', `Bearer ${second.secret}`)).statusCode, 401);
      assert.equal((await get('/scim/v2/Users', `Bearer ${t.token}`)).statusCode, 200);
    });

    it('answers 403 with a detail while provisioning is switched off, and works again when on', async () => {
      await setProvisioningEnabled(t.server.rt, 'acme', false);
      const off = await get('/scim/v2/Users', `Bearer ${t.token}`);
      assert.equal(off.statusCode, 403);
      assert.match(JSON.parse(off.body).detail, /switched off/);
      await setProvisioningEnabled(t.server.rt, 'acme', true);
      assert.equal((await get('/scim/v2/Users', `Bearer ${t.token}`)).statusCode, 200);
    });

    it('records last SCIM request and last SCIM change without a write per request', async () => {
      const fresh = await t.addTenant('initech');
      const read = async () => t.server.activity.overlay((await t.server.store.tenants.findBySlug('initech'))!);
      assert.equal((await read()).lastRequestMs, null, 'never before the first request');
      assert.equal((await read()).lastChangeMs, null);
      await get('/scim/v2/Users', `Bearer ${fresh.token}`);
      assert.notEqual((await read()).lastRequestMs, null);
      assert.equal((await read()).lastChangeMs, null, 'a read changes nothing');
      const stored = await t.server.store.tenants.findBySlug('initech');
      assert.equal(stored?.lastRequestMs, null, 'not written yet: bookkeeping is coalesced');
      await t.server.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { authorization: `Bearer ${fresh.token}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'first@initech.example' }),
      });
      // The request is noted in onResponse, which may run after inject() has resolved (on a busy machine it does).
      await waitUntil(async () => (await read()).lastChangeMs !== null, 'the create noted as a change');
      await t.server.activity.flush();
      const flushed = await t.server.store.tenants.findBySlug('initech');
      assert.notEqual(flushed?.lastRequestMs, null);
      assert.notEqual(flushed?.lastChangeMs, null);
      const credential = (await t.server.store.credentials.listForTenant(fresh.tenant.id))[0];
      assert.notEqual(credential?.lastUsedMs, null);
    });

    it('serves health and readiness without credentials', async () => {
      assert.equal((await get('/healthz')).statusCode, 200);
      const ready = await get('/readyz');
      assert.equal(ready.statusCode, 200);
      assert.equal(JSON.parse(ready.body).database, engine);
    });
  });
}
