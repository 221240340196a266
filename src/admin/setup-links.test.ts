import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import type { JsonObject } from '../json/json-value.js';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { issueCredential, revokeCredential } from '../provisioning/credentials/manage-credentials.js';
import { issueHostKey } from '../provisioning/host-keys/host-keys.js';
import { createTenant, setProvisioningEnabled } from '../provisioning/tenants/manage-tenants.js';
import type { TenantRecord } from '../storage/store.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';

const API = '/admin/api/v1';
const OKTA_UA = 'Okta SCIM Client 1.0.0';
const OKTA_FIRST = `/Users?filter=${encodeURIComponent('userName eq "probe@acme.example"')}&startIndex=1&count=100`;

for (const { engine, skip } of testEngines()) {
  describe(`setup links on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let server: RosterServer;
    let clock = Date.parse('2026-03-01T09:00:00Z');
    let acme: TenantRecord;
    let globexToken = '';
    let hostKey = '';

    const inject = (options: InjectOptions) => server.app.inject(options);
    const json = (response: LightMyRequestResponse) => JSON.parse(response.body) as JsonObject;
    const host = (method: 'GET' | 'POST' | 'DELETE', path: string, payload?: JsonObject) =>
      inject({ method, url: `/host/v1${path}`, headers: { authorization: `Bearer ${hostKey}` }, ...(payload ? { payload } : {}) });
    const makeLink = async (payload: JsonObject = {}) => {
      const response = await host('POST', '/tenants/acme/setup-links', payload);
      assert.equal(response.statusCode, 201, response.body);
      const url = String(json(response)['url']);
      return { url, path: new URL(url).pathname, id: String((json(response)['link'] as JsonObject)['id']) };
    };
    /** Opens a link as the browser does: the form on its page posts back to it. */
    const open = async (path: string) => {
      const response = await inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://roster.example.com' },
        payload: '',
      });
      const cookie = String(response.headers['set-cookie'] ?? '').split(';')[0] ?? '';
      return { response, cookie };
    };
    const asSetup = async (cookie: string) => {
      const session = await inject({ method: 'GET', url: `${API}/setup/session`, headers: { cookie } });
      assert.equal(session.statusCode, 200, session.body);
      const csrf = String(json(session)['csrfToken']);
      return {
        get: (path: string) => inject({ method: 'GET', url: `${API}${path}`, headers: { cookie } }),
        send: (method: 'POST' | 'PATCH' | 'DELETE', path: string, payload: JsonObject = {}) =>
          inject({ method, url: `${API}${path}`, headers: { cookie, 'x-csrf-token': csrf }, payload }),
      };
    };
    const scim = (token: string, path: string, prefix = '/scim/v2', method: 'GET' | 'POST' = 'GET') =>
      inject({ method, url: `${prefix}${path}`, headers: { authorization: `Bearer ${token}`, 'user-agent': OKTA_UA, accept: 'application/scim+json' } });

    before(async () => {
      database = await createTestDatabase(engine);
      const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, DB_POOL_SIZE: '4', PUBLIC_URL: 'https://roster.example.com' });
      server = await createServer(config, { now: () => clock, checkResponses: true });
      acme = await createTenant(server.rt, { slug: 'acme', name: 'Acme Corp' });
      const globex = await createTenant(server.rt, { slug: 'globex', name: 'Globex' });
      globexToken = (await issueCredential(server.rt, globex.id, 'bearer', 'globex okta')).secret;
      hostKey = (await issueHostKey(server.rt, { label: 'host product' })).secret;
    });

    after(async () => {
      await server?.close();
      await database?.dispose();
    });

    it('are made by the host API with branding and an IdP, and keep only a hash of their secret', async () => {
      const link = await makeLink({
        idp: 'okta',
        expiresIn: '7d',
        singleUse: true,
        productName: 'Acme HR',
        accent: '#0B5FFF',
        returnUrl: 'https://hr.example/settings',
        logoUrl: 'https://hr.example/logo.svg',
      });
      assert.match(link.url, /^https:\/\/roster\.example\.com\/admin\/setup\/rsl_[0-9a-f]{16}[A-Za-z0-9_-]{43}$/);
      const stored = await server.rt.store.admin.setupLinks.findById(link.id);
      assert.ok(stored);
      const secret = link.path.slice(-43);
      assert.equal(JSON.stringify(stored).includes(secret), false, 'the secret is not stored');
      assert.match(stored.secretHash, /^[0-9a-f]{64}$/);
      assert.deepEqual(stored.branding, { productName: 'Acme HR', logoUrl: 'https://hr.example/logo.svg', accent: '#0b5fff', returnUrl: 'https://hr.example/settings' });
      const listed = json(await host('GET', '/tenants/acme/setup-links'))['links'] as JsonObject[];
      assert.equal(listed.length, 1);
      assert.equal(JSON.stringify(listed).includes(secret), false);
      // Bad input is a clear 400 and makes nothing.
      for (const bad of <JsonObject[]>[
        { expiresIn: 'forever' },
        { expiresIn: '90d' },
        { idp: 'myspace' },
        { accent: 'blue' },
        { logoUrl: 'http://hr.example/logo.svg' },
        { returnUrl: 'javascript:alert(1)' },
        { extra: true },
      ]) {
        const response = await host('POST', '/tenants/acme/setup-links', bad);
        assert.equal(response.statusCode, 400, `${JSON.stringify(bad)} → ${response.statusCode} ${response.body}`);
      }
      assert.equal((json(await host('GET', '/tenants/acme/setup-links'))['links'] as JsonObject[]).length, 1);
      await host('DELETE', `/tenants/acme/setup-links/${link.id}`);
    });

    it('show their page without being used, and open a session only from the form', async () => {
      const link = await makeLink({ singleUse: true, productName: 'Acme HR' });
      for (let i = 0; i < 3; i++) {
        const page = await inject({ method: 'GET', url: link.path });
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /Set up user provisioning for Acme HR/);
        assert.equal(page.headers['cache-control'], 'no-store');
        assert.equal(page.headers['referrer-policy'], 'no-referrer');
      }
      const crossSite = await inject({
        method: 'POST',
        url: link.path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
        payload: '',
      });
      assert.equal(crossSite.statusCode, 403);
      const { response, cookie } = await open(link.path);
      assert.equal(response.statusCode, 303);
      assert.equal(response.headers['location'], '/admin/setup');
      assert.match(String(response.headers['set-cookie']), /^roster_setup=[A-Za-z0-9_-]+; Path=\/admin; HttpOnly; SameSite=Strict/);
      assert.ok(cookie.startsWith('roster_setup='));
      // Used once: the page and a second opening say so plainly, as a page.
      const again = await open(link.path);
      assert.equal(again.response.statusCode, 410);
      assert.match(again.response.headers['content-type'] as string, /text\/html/);
      assert.match(again.response.body, /already been used/);
      assert.match((await inject({ method: 'GET', url: link.path })).body, /already been used/);
    });

    it('say plainly when they expired, were revoked or never existed', async () => {
      const shortLived = await makeLink({ expiresIn: '30m' });
      clock += 31 * 60_000;
      const expired = await inject({ method: 'GET', url: shortLived.path });
      assert.equal(expired.statusCode, 410);
      assert.match(expired.body, /This setup link has expired/);
      assert.equal((await open(shortLived.path)).response.statusCode, 410);

      const revoked = await makeLink();
      assert.equal((await host('DELETE', `/tenants/acme/setup-links/${revoked.id}`)).statusCode, 204);
      const page = await inject({ method: 'GET', url: revoked.path });
      assert.equal(page.statusCode, 410);
      assert.match(page.body, /This setup link was withdrawn/);

      const forged = `${revoked.path.slice(0, -5)}AAAAA`;
      const unknown = await inject({ method: 'GET', url: forged });
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /This setup link is not valid/);
      assert.equal((await inject({ method: 'GET', url: '/admin/setup/not-a-link' })).statusCode, 404);
    });

    it('sign into a session that can do exactly the setup of its tenant and is refused everywhere else', async () => {
      const link = await makeLink({ idp: 'okta', productName: 'Acme HR' });
      const { cookie } = await open(link.path);
      const setup = await asSetup(cookie);
      const session = json(await setup.get('/setup/session'));
      assert.deepEqual(session['tenant'], { slug: 'acme', name: 'Acme Corp' });
      assert.equal(session['idp'], 'okta');
      const overview = json(await setup.get('/tenants/acme/setup'));
      assert.equal((overview['endpoints'] as JsonObject)['byCredential'], 'https://roster.example.com/scim/v2/');
      assert.equal((await setup.get('/setup/guides/okta')).statusCode, 200);
      const token = await setup.send('POST', '/tenants/acme/setup/token', { idp: 'okta' });
      assert.equal(token.statusCode, 201, token.body);
      assert.match(String(json(token)['secret']), /^rst_/);
      assert.equal((await scim(String(json(token)['secret']), OKTA_FIRST)).statusCode, 200, 'the token generated in place works');

      // Every other route of the admin API refuses this session with 403, whatever the tenant.
      const openApiDocument = json(await inject({ method: 'GET', url: `${API}/openapi.json` }));
      // The preview of the first sync, Go live and Discard are the setup's last step (docs/events.md).
      const setupPaths = new Set([
        '/setup/session',
        '/setup/guides/{idp}',
        '/tenants/{slug}/setup',
        '/tenants/{slug}/setup/token',
        '/tenants/{slug}/setup/connection',
        '/tenants/{slug}/preview',
        '/tenants/{slug}/go-live',
        '/tenants/{slug}/preview/discard',
      ]);
      let refused = 0;
      for (const [template, item] of Object.entries(openApiDocument['paths'] as JsonObject)) {
        if (setupPaths.has(template) || template === '/openapi.json') continue;
        for (const method of Object.keys(item as JsonObject)) {
          const path = template.replace('{slug}', 'acme').replace(/\{\w+\}/g, '0123456789abcdef');
          const response = method === 'get' ? await setup.get(path) : await setup.send(method.toUpperCase() as 'POST', path, {});
          if (template === '/session' && method === 'post') {
            assert.notEqual(response.statusCode, 200, "signing in needs an admin's password");
            continue;
          }
          if (template.startsWith('/password-reset')) {
            // Public routes for someone holding a reset link, no session at all: the setup session
            // changes nothing there, and without a link's token they refuse.
            assert.notEqual(response.statusCode, 200, `${method.toUpperCase()} ${path} needs a reset link's token`);
            continue;
          }
          assert.equal(response.statusCode, 403, `${method.toUpperCase()} ${path} → ${response.statusCode}`);
          assert.equal((json(response)['error'] as JsonObject)['code'], 'outsideSetupScope');
          refused++;
        }
      }
      assert.ok(refused >= 20, `refused ${refused} routes`);
      // Its own tenant only: another slug is as missing as for a tenant admin.
      assert.equal((await setup.get('/tenants/globex/setup')).statusCode, 404);
      assert.equal((await setup.send('POST', '/tenants/globex/setup/token', {})).statusCode, 404);
      assert.equal((await setup.get('/tenants/globex/setup/connection')).statusCode, 404);
      assert.equal((await setup.get('/tenants/globex/preview')).statusCode, 404);
      assert.equal((await setup.send('POST', '/tenants/globex/go-live', {})).statusCode, 404);
      // Without its CSRF token a write is refused.
      assert.equal((await inject({ method: 'POST', url: `${API}/tenants/acme/setup/token`, headers: { cookie }, payload: {} })).statusCode, 403);
      // Revoking the link signs the browser out at once.
      assert.equal((await host('DELETE', `/tenants/acme/setup-links/${link.id}`)).statusCode, 204);
      assert.equal((await setup.get('/tenants/acme/setup')).statusCode, 401);
    });

    it('give admins the same guided setup, and let them make and revoke links', async () => {
      await createAdmin(server.rt, { email: 'ops@roster.example', password: 'operator passphrase 1' });
      const signedIn = await inject({ method: 'POST', url: `${API}/session`, payload: { email: 'ops@roster.example', password: 'operator passphrase 1' } });
      const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
      const csrf = String(json(signedIn)['csrfToken']);
      const send = (method: 'POST' | 'DELETE', path: string, payload: JsonObject = {}) =>
        inject({ method, url: `${API}${path}`, headers: { cookie, 'x-csrf-token': csrf }, payload });
      assert.equal((await inject({ method: 'GET', url: `${API}/tenants/acme/setup`, headers: { cookie } })).statusCode, 200);
      assert.equal((await send('POST', '/tenants/acme/setup/token', { idp: 'pingone' })).statusCode, 201);
      assert.equal((await inject({ method: 'GET', url: `${API}/setup/session`, headers: { cookie } })).statusCode, 404, 'an admin has no setup session');
      const made = await send('POST', '/tenants/globex/setup-links', { idp: 'entra-id', expiresIn: '1d' });
      assert.equal(made.statusCode, 201, made.body);
      const id = String((json(made)['link'] as JsonObject)['id']);
      assert.match(String(json(made)['url']), /^https:\/\/roster\.example\.com\/admin\/setup\/rsl_/);
      assert.equal((await send('DELETE', `/tenants/acme/setup-links/${id}`)).statusCode, 404, "another tenant's link");
      assert.equal((await send('DELETE', `/tenants/globex/setup-links/${id}`)).statusCode, 204);
    });

    it("writes every use into the tenant's audit trail", async () => {
      // A second apart each, so the trail's time-ordered ids give the order of events.
      const link = await makeLink();
      clock += 1000;
      const { cookie } = await open(link.path);
      const setup = await asSetup(cookie);
      clock += 1000;
      assert.equal((await setup.send('POST', '/tenants/acme/setup/token', { idp: 'entra-id' })).statusCode, 201);
      clock += 1000;
      await host('DELETE', `/tenants/acme/setup-links/${link.id}`);
      const trail = await server.rt.store.read({ tenantId: acme.id }, (repos) => repos.audit.latest(50));
      const mine = trail
        .filter((e) => e.resourceId === link.id)
        .map((e) => e.action)
        .reverse();
      assert.deepEqual(mine, ['setup_link.created', 'setup_link.opened', 'setup_link.token_issued', 'setup_link.revoked']);
      assert.ok(
        trail.every((e) => e.resourceType !== 'SetupLink' || e.resourceId !== ''),
        'each names its link',
      );
    });

    it('shows each request of the IdP after a cursor, and says why a refused one failed', async () => {
      const link = await makeLink({ idp: 'okta' });
      const setup = await asSetup((await open(link.path)).cookie);
      const first = json(await setup.get('/tenants/acme/setup/connection?idp=okta'));
      let cursor = String(first['cursor']);
      const seen = new Set(((first['attempts'] as JsonObject[]) ?? []).map((a) => String(a['id'])));
      const next = async (): Promise<JsonObject[]> => {
        const answer = json(await setup.get(`/tenants/acme/setup/connection?idp=okta&after=${cursor}`));
        cursor = String(answer['cursor']);
        const fresh = (answer['attempts'] as JsonObject[]).filter((a) => !seen.has(String(a['id'])));
        for (const a of fresh) seen.add(String(a['id']));
        return fresh;
      };
      clock += 1000;
      const token = String(json(await setup.send('POST', '/tenants/acme/setup/token', { idp: 'okta' }))['secret']);
      assert.equal((await scim(token, OKTA_FIRST)).statusCode, 200);
      const [ok] = await next();
      assert.equal(ok?.['ok'], true);
      assert.equal(ok?.['idp'], 'okta');
      assert.equal(ok?.['status'], 200);
      assert.match(String(ok?.['path']), /^\/scim\/v2\/Users\?filter=/);

      const expect = async (outcome: string, explanation: RegExp, status: number) => {
        const fresh = await next();
        assert.equal(fresh.length, 1, JSON.stringify(fresh));
        assert.equal(fresh[0]!['outcome'], outcome);
        assert.equal(fresh[0]!['status'], status);
        assert.equal(fresh[0]!['ok'], false);
        assert.match(String(fresh[0]!['explanation']), explanation);
      };
      // A token Roster never issued, on the tenant's own URL.
      assert.equal((await scim('rst_not-a-real-token', OKTA_FIRST, '/t/acme/scim/v2')).statusCode, 401);
      await expect('wrong-token', /does not know the token in API Token/, 401);
      // A revoked token of this tenant, on either URL.
      const old = await issueCredential(server.rt, acme.id, 'bearer', 'old okta');
      await revokeCredential(server.rt, acme.id, old.credential.id);
      assert.equal((await scim(old.secret, OKTA_FIRST)).statusCode, 401);
      await expect('revoked-token', /one of this tenant's, but it was revoked/, 401);
      // Another tenant's token on this tenant's URL.
      assert.equal((await scim(globexToken, OKTA_FIRST, '/t/acme/scim/v2')).statusCode, 401);
      await expect('other-tenant-token', /belongs to another Roster tenant/, 401);
      // The right token at a wrong base URL.
      assert.equal((await scim(token, OKTA_FIRST, '/scim')).statusCode, 404);
      await expect('wrong-url', /SCIM connector base URL is not/, 404);
      // Provisioning switched off.
      await setProvisioningEnabled(server.rt, 'acme', false);
      assert.equal((await scim(token, OKTA_FIRST)).statusCode, 403);
      await expect('provisioning-off', /switched off for this tenant/, 403);
      await setProvisioningEnabled(server.rt, 'acme', true);
      // Globex's own traffic never shows here; no token is ever kept in the log.
      assert.equal((await scim(globexToken, OKTA_FIRST)).statusCode, 200);
      assert.deepEqual(await next(), []);
      const logged = JSON.stringify(await server.rt.store.read({ tenantId: acme.id }, (repos) => repos.requestLog.list({ limit: 200 })));
      for (const secret of [token, old.secret, globexToken]) assert.equal(logged.includes(secret.slice(4)), false);
      assert.equal((await setup.get('/tenants/acme/setup/connection?after=nonsense')).statusCode, 400);
    });
  });
}
