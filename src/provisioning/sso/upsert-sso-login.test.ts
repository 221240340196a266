import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject, JsonValue } from '../../json/json-value.js';
import { testEngines } from '../../testing/databases.js';
import { createTestServer, field, type TestServer } from '../../testing/test-server.js';
import { issueHostKey } from '../host-keys/host-keys.js';
import { updateTenantSettings } from '../tenants/manage-tenants.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

for (const { engine, skip } of testEngines()) {
  describe(`SSO just-in-time logins on ${engine}`, { skip }, () => {
    let t: TestServer;
    let key: string;
    before(async () => {
      t = await createTestServer(engine);
      key = (await issueHostKey(t.server.rt, { label: 'sso' })).secret;
    });
    after(async () => t?.close());

    const login = async (slug: string, body: JsonValue) => {
      const response = await t.server.app.inject({
        method: 'POST',
        url: `/host/v1/tenants/${slug}/sso-logins`,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
      return { status: response.statusCode, body: JSON.parse(response.body) as JsonObject };
    };
    const person = async (slug: string, id: string) => {
      const response = await t.server.app.inject({ method: 'GET', url: `/host/v1/tenants/${slug}/people/${id}`, headers: { authorization: `Bearer ${key}` } });
      return JSON.parse(response.body) as JsonObject;
    };
    const scimCreate = async (token: string, body: JsonObject) => {
      const response = await t.server.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: [USER], ...body }),
      });
      assert.equal(response.statusCode, 201, response.body);
      return JSON.parse(response.body) as JsonObject;
    };

    it('creates an unknown person as an SSO profile, which a later SCIM create adopts', async () => {
      const first = await login('acme', { userName: 'jit@example.com', email: 'jit@example.com', givenName: 'Jit', familyName: 'Person' });
      assert.equal(first.status, 201);
      assert.deepEqual([first.body['created'], first.body['updated'], first.body['active']], [true, false, true]);
      const id = String(field(first.body, 'person', 'id'));
      assert.equal(field(first.body, 'person', 'source'), 'sso');

      const again = await login('acme', { userName: 'JIT@example.com', givenName: 'Jit' });
      assert.equal(again.status, 200);
      assert.deepEqual([field(again.body, 'person', 'id'), again.body['created'], again.body['updated']], [id, false, false]);

      // Not SCIM-managed yet: a login may change its details.
      const renamed = await login('acme', { userName: 'jit@example.com', givenName: 'Jitka' });
      assert.equal(renamed.body['updated'], true);
      assert.equal(field(renamed.body, 'person', 'attributes', 'name', 'givenName'), 'Jitka');

      const adopted = await scimCreate(t.token, { userName: 'jit@example.com', name: { givenName: 'Jitka', familyName: 'Person' } });
      assert.equal(adopted['id'], id, 'SCIM adopts the SSO profile instead of making a duplicate');
      assert.equal((await person('acme', id))['source'], 'scim');
    });

    it('never overwrites a SCIM-managed attribute unless the tenant lets logins update details', async () => {
      const managed = await scimCreate(t.token, {
        userName: 'managed@example.com',
        name: { givenName: 'Mary', familyName: 'Managed' },
        emails: [{ value: 'managed@example.com', type: 'work', primary: true }],
      });
      const id = String(managed['id']);
      const refused = await login('acme', { userName: 'managed@example.com', givenName: 'Marie', email: 'marie@elsewhere.example' });
      assert.equal(refused.status, 200);
      assert.deepEqual([refused.body['created'], refused.body['updated']], [false, false]);
      const unchanged = await person('acme', id);
      assert.equal(field(unchanged, 'attributes', 'name', 'givenName'), 'Mary');
      assert.equal(unchanged['email'], 'managed@example.com');
      assert.equal(unchanged['version'], 1);

      await updateTenantSettings(t.server.rt, 'acme', { ssoMayUpdate: true });
      try {
        const allowed = await login('acme', { userName: 'managed@example.com', givenName: 'Marie', email: 'marie@elsewhere.example' });
        assert.equal(allowed.body['updated'], true);
        const changed = await person('acme', id);
        assert.equal(field(changed, 'attributes', 'name', 'givenName'), 'Marie');
        assert.equal(field(changed, 'attributes', 'name', 'familyName'), 'Managed', 'what the login did not carry is kept');
        assert.equal(changed['email'], 'marie@elsewhere.example');
        assert.equal(changed['source'], 'scim', 'still SCIM-managed');
      } finally {
        await updateTenantSettings(t.server.rt, 'acme', { ssoMayUpdate: false });
      }
    });

    it('answers active: false for a deactivated person, and does not reactivate them', async () => {
      const created = await scimCreate(t.token, { userName: 'leaver@example.com' });
      const id = String(created['id']);
      const patched = await t.scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
      assert.equal(patched.status, 200);
      await updateTenantSettings(t.server.rt, 'acme', { ssoMayUpdate: true });
      try {
        const answer = await login('acme', { userName: 'leaver@example.com', givenName: 'Still' });
        assert.equal(answer.body['active'], false);
        assert.equal(answer.body['created'], false);
        assert.equal((await person('acme', id))['active'], false);
      } finally {
        await updateTenantSettings(t.server.rt, 'acme', { ssoMayUpdate: false });
      }
    });

    it("finds the person by the tenant's matching field", async () => {
      const tenant = await t.addTenant('by-email');
      await updateTenantSettings(t.server.rt, 'by-email', { matchingField: 'email' });
      const created = await scimCreate(tenant.token, { userName: 'e12345', emails: [{ value: 'grace@example.com', type: 'work' }] });
      const answer = await login('by-email', { userName: 'grace.hopper', email: 'Grace@Example.com' });
      assert.equal(answer.status, 200);
      assert.equal(field(answer.body, 'person', 'id'), created['id']);
      assert.equal(answer.body['created'], false);
    });

    it('refuses a malformed login with 400 and changes nothing', async () => {
      const typo = await login('acme', { userName: 'typo@example.com', firstName: 'Ty' });
      assert.equal(typo.status, 400);
      assert.match(String(typo.body['detail']), /firstName/);
      assert.equal((await login('acme', { email: 'no-user-name@example.com' })).status, 400);
      await updateTenantSettings(t.server.rt, 'acme', { valueRules: 'enforce' });
      try {
        const invalid = await login('acme', { userName: 'bad@example.com', email: 'not an email' });
        assert.equal(invalid.status, 400, "a tenant with valueRules 'enforce' refuses an email that is no address");
      } finally {
        await updateTenantSettings(t.server.rt, 'acme', { valueRules: 'report' });
      }
      for (const userName of ['typo@example.com', 'bad@example.com']) {
        const found = await t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
        assert.equal(found.body['totalResults'], 0, `${userName} was not created`);
      }
    });

    it('on default settings, keeps an email that is no address as sent and flags it on the person', async () => {
      const kept = await login('acme', { userName: 'odd-email@example.com', email: 'not an email' });
      assert.equal(kept.status, 201, JSON.stringify(kept.body));
      const created = kept.body['person'] as JsonObject;
      assert.equal(created['email'], 'not an email');
      assert.deepEqual(created['valueFlags'], [
        { path: 'emails[type eq "work"].value', value: 'not an email', rule: 'email-address', accepted: 'an email address such as ada@example.com' },
      ]);
    });
  });
}
