import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import type { JsonObject } from '../json/json-value.js';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';

const OPERATOR = { email: 'ops@roster.example', password: 'operator passphrase 1' };
const GLOBEX_ADMIN = { email: 'it@globex.example', password: 'globex admin passphrase' };
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

for (const { engine, skip } of testEngines()) {
  describe(`held changes through the admin API on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let server: RosterServer;
    let token = '';
    const ids: string[] = [];

    type Session = { cookie: string; csrf: string };
    const signIn = async (who: { email: string; password: string }): Promise<Session> => {
      const response = await server.app.inject({ method: 'POST', url: '/admin/api/v1/session', payload: who });
      assert.equal(response.statusCode, 200, response.body);
      return { cookie: String(response.headers['set-cookie']).split(';')[0]!, csrf: String(JSON.parse(response.body).csrfToken) };
    };
    const call = async (session: Session, method: 'GET' | 'POST', url: string, csrf = true) => {
      const response = await server.app.inject({
        method,
        url: `/admin/api/v1${url}`,
        headers: { cookie: session.cookie, ...(method === 'GET' || !csrf ? {} : { 'x-csrf-token': session.csrf }) },
      });
      return { status: response.statusCode, body: JSON.parse(response.body || '{}') as JsonObject };
    };
    const scim = async (method: 'POST' | 'PATCH' | 'DELETE' | 'GET', path: string, payload?: JsonObject) => {
      const response = await server.app.inject({
        method,
        url: `/scim/v2${path}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        ...(payload ? { payload } : {}),
      });
      return { status: response.statusCode, body: JSON.parse(response.body || '{}') as JsonObject };
    };
    const held = async (session: Session, status = 'held') =>
      (await call(session, 'GET', `/tenants/acme/held-changes?status=${status}`)).body['heldChanges'] as JsonObject[];

    before(async () => {
      database = await createTestDatabase(engine);
      server = await createServer(loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, PUBLIC_URL: 'https://roster.example.com' }));
      const acme = await createTenant(server.rt, { slug: 'acme', name: 'Acme' });
      await createTenant(server.rt, { slug: 'globex', name: 'Globex' });
      await createAdmin(server.rt, OPERATOR);
      await createAdmin(server.rt, { ...GLOBEX_ADMIN, tenantSlug: 'globex' });
      token = (await issueCredential(server.rt, acme.id, 'bearer', 'okta')).secret;
      // 30 people: the default limit is 20% within 10 minutes, so the 7th removal is held.
      for (let i = 0; i < 30; i++) {
        const created = await scim('POST', '/Users', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: `p${i}@acme.example`,
          title: 'Engineer',
          active: true,
        });
        assert.equal(created.status, 201);
        ids.push(String(created.body['id']));
      }
      for (let i = 0; i < 6; i++)
        assert.equal((await scim('PATCH', `/Users/${ids[i]!}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] })).status, 200);
      // Held: a deactivation that also changes the title, and a deletion.
      const deactivation = await scim('PATCH', `/Users/${ids[6]!}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false, title: 'Leaver' } }] });
      assert.equal(deactivation.status, 202);
      assert.equal((await scim('DELETE', `/Users/${ids[7]!}`)).status, 202);
    });
    after(async () => {
      await server?.close();
      await database?.dispose();
    });

    it('lists what each held change would change: who, and each attribute before and after', async () => {
      const operator = await signIn(OPERATOR);
      const changes = await held(operator);
      assert.deepEqual(changes.map((c) => c['kind']).sort(), ['user.deactivate', 'user.delete']);
      const deactivation = changes.find((c) => c['kind'] === 'user.deactivate')!;
      assert.deepEqual(deactivation['target'], { type: 'person', name: 'p6@acme.example', exists: true, members: null });
      assert.deepEqual(
        (deactivation['changes'] as JsonObject[]).sort((a, b) => String(a['attribute']).localeCompare(String(b['attribute']))),
        [
          { attribute: 'active', before: true, after: false },
          { attribute: 'title', before: 'Engineer', after: 'Leaver' },
        ],
      );
      assert.match(String(deactivation['reason']), /exceed this tenant's limit of 20%/);
      const deletion = changes.find((c) => c['kind'] === 'user.delete')!;
      assert.deepEqual(deletion['target'], { type: 'person', name: 'p7@acme.example', exists: true, members: null });
      assert.deepEqual(deletion['changes'], [{ attribute: 'active', before: true, after: null }]);
    });

    it('approves one (the person is deactivated then) and discards the other (the person stays)', async () => {
      const operator = await signIn(OPERATOR);
      const changes = await held(operator);
      const deactivation = changes.find((c) => c['kind'] === 'user.deactivate')!;
      const deletion = changes.find((c) => c['kind'] === 'user.delete')!;
      // A state change needs the session's CSRF token.
      assert.equal((await call(operator, 'POST', `/tenants/acme/held-changes/${String(deactivation['id'])}/approve`, false)).status, 403);
      assert.equal((await scim('GET', `/Users/${ids[6]!}`)).body['active'], true);

      const approved = await call(operator, 'POST', `/tenants/acme/held-changes/${String(deactivation['id'])}/approve`);
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
      assert.equal((approved.body['heldChange'] as JsonObject)['status'], 'approved');
      const person = (await scim('GET', `/Users/${ids[6]!}`)).body;
      assert.equal(person['active'], false);
      assert.equal(person['title'], 'Leaver');

      const discarded = await call(operator, 'POST', `/tenants/acme/held-changes/${String(deletion['id'])}/discard`);
      assert.equal(discarded.status, 200);
      assert.equal((await scim('GET', `/Users/${ids[7]!}`)).status, 200, 'still there');
      assert.deepEqual(await held(operator), []);

      // Deciding again is refused, and decided ones are listed without an effect.
      assert.equal((await call(operator, 'POST', `/tenants/acme/held-changes/${String(deletion['id'])}/approve`)).status, 400);
      const all = await held(operator, 'all');
      assert.deepEqual(all.map((c) => c['status']).sort(), ['approved', 'discarded']);
      assert.ok(
        all.every((c) => !('changes' in c)),
        'a decided change has nothing left to change',
      );
    });

    it("keeps another tenant's admin out", async () => {
      const globex = await signIn(GLOBEX_ADMIN);
      assert.equal((await call(globex, 'GET', '/tenants/acme/held-changes')).status, 404);
      assert.equal((await call(globex, 'POST', '/tenants/acme/held-changes/anything/approve')).status, 404);
    });
  });
}
