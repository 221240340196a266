import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';

const OPERATOR = { email: 'ops@roster.example', password: 'operator passphrase 1' };
const TENANT_ADMIN = { email: 'it@acme.example', password: 'acme admin passphrase' };

for (const { engine, skip } of testEngines()) {
  describe(`operator routes of the admin API on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let server: RosterServer;

    type Session = { cookie: string; csrf: string };
    const signIn = async (who: { email: string; password: string }): Promise<Session> => {
      const response = await server.app.inject({ method: 'POST', url: '/admin/api/v1/session', payload: who });
      assert.equal(response.statusCode, 200, response.body);
      return { cookie: String(response.headers['set-cookie']).split(';')[0]!, csrf: String(JSON.parse(response.body).csrfToken) };
    };
    const call = (session: Session, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      server.app.inject({
        method,
        url: `/admin/api/v1${url}`,
        headers: { cookie: session.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': session.csrf }) },
        ...(payload ? { payload } : {}),
      });

    before(async () => {
      database = await createTestDatabase(engine);
      server = await createServer(loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, PUBLIC_URL: 'https://roster.example.com' }), { checkResponses: true });
      await createTenant(server.rt, { slug: 'acme', name: 'Acme' });
      await createTenant(server.rt, { slug: 'globex', name: 'Globex' });
      await createAdmin(server.rt, OPERATOR);
      await createAdmin(server.rt, { ...TENANT_ADMIN, tenantSlug: 'acme' });
    });
    after(async () => {
      await server?.close();
      await database?.dispose();
    });

    it('keeps day-2 actions to operators: a tenant admin gets 403 on their own tenant and 404 on another', async () => {
      const tenantAdmin = await signIn(TENANT_ADMIN);
      assert.equal((await call(tenantAdmin, 'PATCH', '/tenants/acme', { name: 'Mine now' })).statusCode, 403);
      assert.equal((await call(tenantAdmin, 'DELETE', '/tenants/acme?confirm=acme')).statusCode, 403);
      assert.equal((await call(tenantAdmin, 'DELETE', '/tenants/globex?confirm=globex')).statusCode, 404);
      assert.equal((await call(tenantAdmin, 'GET', '/admins')).statusCode, 403);
      assert.equal((await call(tenantAdmin, 'GET', '/operator-audit')).statusCode, 403);
      assert.ok(await server.rt.store.tenants.findBySlug('acme'));
    });

    it('renames and deletes a tenant, with a confirmation, and records both', async () => {
      const operator = await signIn(OPERATOR);
      const renamed = await call(operator, 'PATCH', '/tenants/globex', { slug: 'globex-corp', name: 'Globex Corporation' });
      assert.equal(renamed.statusCode, 200, renamed.body);
      const body = JSON.parse(renamed.body) as { tenant: { slug: string; name: string }; before: { slug: string }; endpoints: { byTenantPath: string } };
      assert.deepEqual([body.before.slug, body.tenant.slug, body.tenant.name], ['globex', 'globex-corp', 'Globex Corporation']);
      assert.equal(body.endpoints.byTenantPath, 'https://roster.example.com/t/globex-corp/scim/v2/');
      assert.equal((await call(operator, 'PATCH', '/tenants/globex-corp', { slug: 'acme' })).statusCode, 409);
      assert.equal((await call(operator, 'PATCH', '/tenants/globex-corp', { slug: 'Bad Slug' })).statusCode, 400);
      assert.equal((await call(operator, 'PATCH', '/tenants/globex-corp', { colour: 'blue' })).statusCode, 400);

      const tenant = (await server.rt.store.tenants.findBySlug('globex-corp'))!;
      await issueCredential(server.rt, tenant.id, 'bearer', 'okta');
      assert.equal((await call(operator, 'DELETE', '/tenants/globex-corp')).statusCode, 400, 'no confirmation');
      assert.equal((await call(operator, 'DELETE', '/tenants/globex-corp?confirm=globex')).statusCode, 400, 'the wrong slug');
      assert.ok(await server.rt.store.tenants.findById(tenant.id), 'nothing deleted without the right confirmation');
      const deleted = await call(operator, 'DELETE', '/tenants/globex-corp?confirm=globex-corp');
      assert.equal(deleted.statusCode, 200, deleted.body);
      assert.equal(JSON.parse(deleted.body).removed.credentials, 1);
      assert.equal(await server.rt.store.tenants.findById(tenant.id), undefined);

      const audit = JSON.parse((await call(operator, 'GET', '/operator-audit')).body) as { entries: { action: string; actor: string }[] };
      assert.deepEqual(
        audit.entries.slice(0, 2).map((e) => e.action),
        ['tenant.deleted', 'tenant.renamed'],
      );
      assert.match(audit.entries[0]!.actor, /^admin:/);
    });

    it('lists, disables, enables and removes admins, and issues reset links on the public URL', async () => {
      const operator = await signIn(OPERATOR);
      const tenantAdmin = await signIn(TENANT_ADMIN);
      const admins = JSON.parse((await call(operator, 'GET', '/admins')).body) as { admins: { id: string; email: string; disabledAt: string | null }[] };
      const it = admins.admins.find((a) => a.email === TENANT_ADMIN.email)!;
      const ops = admins.admins.find((a) => a.email === OPERATOR.email)!;
      assert.equal(it.disabledAt, null);

      const disabled = await call(operator, 'POST', `/admins/${it.id}/disable`);
      assert.equal(disabled.statusCode, 200);
      assert.ok(JSON.parse(disabled.body).sessionsEnded >= 1, disabled.body);
      assert.equal((await call(tenantAdmin, 'GET', '/session')).statusCode, 401);
      assert.equal((await call(operator, 'POST', `/admins/${it.id}/password-reset`)).statusCode, 412, 'no link for a disabled admin');
      assert.equal((await call(operator, 'POST', `/admins/${it.id}/enable`)).statusCode, 200);

      const reset = await call(operator, 'POST', `/admins/${it.id}/password-reset`, { expiresInMinutes: 15 });
      assert.equal(reset.statusCode, 200, reset.body);
      assert.match(JSON.parse(reset.body).link, /^https:\/\/roster\.example\.com\/admin\/reset-password#token=[A-Za-z0-9_-]{43}$/);

      assert.equal((await call(operator, 'POST', `/admins/${ops.id}/disable`)).statusCode, 412, 'the last enabled operator stays');
      assert.equal((await call(operator, 'DELETE', `/admins/${it.id}`)).statusCode, 204);
      assert.equal((await call(operator, 'DELETE', `/admins/${it.id}`)).statusCode, 404);
    });

    it('creates a tenant and invites its admin by a one-time link that sets their first password', async () => {
      const operator = await signIn(OPERATOR);
      // The earlier test removed acme's admin: another one asks.
      const other = { email: 'it2@acme.example', password: 'acme admin passphrase 2' };
      await createAdmin(server.rt, { ...other, tenantSlug: 'acme' });
      const tenantAdmin = await signIn(other);
      assert.equal((await call(tenantAdmin, 'POST', '/tenants', { slug: 'mine' })).statusCode, 403);
      assert.equal((await call(tenantAdmin, 'POST', '/admins', { email: 'x@acme.example', tenant: 'acme' })).statusCode, 403);
      assert.equal(await server.rt.store.tenants.findBySlug('mine'), undefined);
      const created = await call(operator, 'POST', '/tenants', { slug: 'initech', name: 'Initech' });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(JSON.parse(created.body).endpoints.byTenantPath, 'https://roster.example.com/t/initech/scim/v2/');
      assert.equal((await call(operator, 'POST', '/tenants', { slug: 'initech' })).statusCode, 409);
      assert.equal((await call(operator, 'POST', '/tenants', { slug: 'Not A Slug' })).statusCode, 400);

      const invited = await call(operator, 'POST', '/admins', { email: 'peter@initech.example', tenant: 'initech' });
      assert.equal(invited.statusCode, 201, invited.body);
      const body = JSON.parse(invited.body) as { admin: { email: string; role: string; tenant: string; lastSignInAt: string | null }; link: string; expiresAt: string };
      assert.deepEqual([body.admin.email, body.admin.role, body.admin.tenant, body.admin.lastSignInAt], ['peter@initech.example', 'tenant', 'initech', null]);
      assert.match(body.link, /^https:\/\/roster\.example\.com\/admin\/reset-password#token=[A-Za-z0-9_-]{43}$/);
      assert.equal((await call(operator, 'POST', '/admins', { email: 'peter@initech.example', tenant: 'initech' })).statusCode, 409);
      assert.equal((await call(operator, 'POST', '/admins', { email: 'bill@initech.example', tenant: 'no-such-tenant' })).statusCode, 404);

      // The link sets the first password once; then the invited admin signs in to their tenant only.
      const token = body.link.split('#token=')[1]!;
      const set = await server.app.inject({ method: 'POST', url: '/admin/api/v1/password-reset', payload: { token, password: 'peter chose this one' } });
      assert.equal(set.statusCode, 200, set.body);
      const again = await server.app.inject({ method: 'POST', url: '/admin/api/v1/password-reset', payload: { token, password: 'and again, later on' } });
      assert.notEqual(again.statusCode, 200, 'single use');
      const peter = await signIn({ email: 'peter@initech.example', password: 'peter chose this one' });
      const tenants = JSON.parse((await call(peter, 'GET', '/tenants')).body) as { tenants: { slug: string }[] };
      assert.deepEqual(
        tenants.tenants.map((t) => t.slug),
        ['initech'],
      );
      const audit = JSON.parse((await call(operator, 'GET', '/operator-audit')).body) as { entries: { action: string }[] };
      assert.ok(audit.entries.some((e) => e.action === 'admin.password_reset_issued'));
    });
  });
}
