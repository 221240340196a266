import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import type { JsonObject } from '../json/json-value.js';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import type { TenantRecord } from '../storage/store.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';

const API = '/admin/api/v1';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const OPERATOR = { email: 'ops@roster.example', password: 'operator passphrase 1' };
const PASSWORD = 'Correct-Horse-9-Battery';
const HOUR = 3_600_000;

for (const { engine, skip } of testEngines()) {
  describe(`provisioning log filters and detail on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let server: RosterServer;
    const start = Date.parse('2026-04-01T08:00:00Z');
    let clock = start;
    let acme: TenantRecord;
    let token = '';
    let cookie = '';
    const ids: Record<string, string> = {};

    const inject = (options: InjectOptions) => server.app.inject(options);
    const json = (response: LightMyRequestResponse) => JSON.parse(response.body) as JsonObject;
    const scim = async (method: 'POST' | 'PATCH' | 'DELETE', path: string, payload?: JsonObject) => {
      const response = await inject({
        method,
        url: `/scim/v2${path}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        ...(payload ? { payload } : {}),
      });
      assert.ok(response.statusCode < 300, response.body);
      return response;
    };
    const log = async (query: string): Promise<{ entries: JsonObject[]; complete: boolean; nextCursor: unknown }> => {
      const response = await inject({ method: 'GET', url: `${API}/tenants/acme/log?${query}`, headers: { cookie } });
      assert.equal(response.statusCode, 200, response.body);
      const body = json(response);
      return { entries: body['entries'] as JsonObject[], complete: body['complete'] === true, nextCursor: body['nextCursor'] };
    };
    // The test's clock moves by hours, past a session's idle limit: sign in again after it does.
    const signIn = async () => {
      const signedIn = await inject({ method: 'POST', url: `${API}/session`, payload: OPERATOR });
      assert.equal(signedIn.statusCode, 200, signedIn.body);
      cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
    };
    const summary = (entries: JsonObject[]) => entries.map((e) => `${String(e['method'])} ${String(e['event'])}`);

    before(async () => {
      database = await createTestDatabase(engine);
      const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, DB_POOL_SIZE: '4' });
      server = await createServer(config, { now: () => clock, checkResponses: true });
      acme = await createTenant(server.rt, { slug: 'acme', name: 'Acme Corp' });
      await createTenant(server.rt, { slug: 'globex', name: 'Globex' });
      await createAdmin(server.rt, OPERATOR);
      token = (await issueCredential(server.rt, acme.id, 'bearer', 'okta')).secret;

      // 08:00 a person is created with a password and an attribute Roster does not know.
      const created = await scim('POST', '/Users', {
        schemas: [CORE],
        userName: 'ada@acme.example',
        displayName: 'Ada',
        password: PASSWORD,
        favouriteColour: 'teal',
      });
      ids['ada'] = String(json(created)['id']);
      // 09:00 renamed, with a capitalised op that Entra's normaliser fixes, and a password change.
      clock = start + HOUR;
      await scim('PATCH', `/Users/${ids['ada']}`, {
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Replace', path: 'displayName', value: 'Ada Lovelace' },
          { op: 'replace', path: 'password', value: PASSWORD },
        ],
      });
      // 10:00 a group with her in it; 11:00 she is deactivated.
      clock = start + 2 * HOUR;
      const group = await scim('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Analysts',
        members: [{ value: ids['ada'] }],
      });
      ids['group'] = String(json(group)['id']);
      clock = start + 3 * HOUR;
      await scim('PATCH', `/Users/${ids['ada']}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] });
      await server.requestLog.flush();
      await signIn();
    });

    after(async () => {
      await server?.close();
      await database?.dispose();
    });

    it('says the event type of each change, and filters by it', async () => {
      const all = await log('');
      assert.deepEqual(summary(all.entries), ['PATCH user.deactivated', 'POST group.created', 'PATCH user.updated', 'POST user.created']);
      assert.equal(all.complete, true);
      assert.deepEqual(summary((await log('event=user.created')).entries), ['POST user.created']);
      assert.deepEqual(summary((await log('event=group.created')).entries), ['POST group.created']);
      assert.deepEqual((await log('event=group.deleted')).entries, []);
    });

    it('filters by person and by group', async () => {
      assert.deepEqual(summary((await log(`person=${ids['ada']}`)).entries), ['PATCH user.deactivated', 'PATCH user.updated', 'POST user.created']);
      assert.deepEqual(summary((await log(`group=${ids['group']}`)).entries), ['POST group.created']);
      // A group id is not a person: the filter names the kind as well as the id.
      assert.deepEqual((await log(`person=${ids['group']}`)).entries, []);
    });

    it('filters by a time range, both ends inclusive', async () => {
      const range = (from: number, to: number) => log(`from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`);
      assert.deepEqual(summary((await range(start + HOUR, start + 2 * HOUR)).entries), ['POST group.created', 'PATCH user.updated']);
      assert.deepEqual(summary((await range(start + HOUR + 1, start + 2 * HOUR - 1)).entries), []);
      assert.deepEqual(summary((await log(`from=${new Date(start + 3 * HOUR).toISOString()}`)).entries), ['PATCH user.deactivated']);
      assert.deepEqual(summary((await log(`to=${new Date(start).toISOString()}&event=user.created`)).entries), ['POST user.created']);
    });

    it('searches the path, ignored attribute names and normaliser names', async () => {
      assert.deepEqual(summary((await log('q=FavouriteColour')).entries), ['POST user.created']);
      assert.deepEqual(summary((await log('q=capitalised')).entries), ['PATCH user.updated']);
      assert.deepEqual(summary((await log('q=/groups')).entries), ['POST group.created']);
      assert.deepEqual((await log('q=nothing-like-this')).entries, []);
    });

    it('keeps before and after of changed attributes, and the bodies with the password redacted', async () => {
      const [deactivated, , renamed, created] = (await log('')).entries;
      // The stored document had no `active` (SCIM's default, true): before is what was stored.
      assert.deepEqual(deactivated!['diff'], [{ attribute: 'active', before: null, after: false }]);
      assert.deepEqual(renamed!['diff'], [{ attribute: 'displayName', before: 'Ada', after: 'Ada Lovelace' }]);
      const detail = json(await inject({ method: 'GET', url: `${API}/tenants/acme/log/${String(created!['id'])}`, headers: { cookie } }));
      const requestBody = String(detail['requestBody']);
      assert.equal(requestBody.includes(PASSWORD), false, 'the password reached the log');
      assert.deepEqual(JSON.parse(requestBody)['password'], '[redacted]');
      assert.equal(JSON.parse(requestBody)['favouriteColour'], 'teal');
      assert.equal(JSON.parse(String(detail['responseBody']))['id'], ids['ada']);
      const patch = json(await inject({ method: 'GET', url: `${API}/tenants/acme/log/${String(renamed!['id'])}`, headers: { cookie } }));
      assert.equal(String(patch['requestBody']).includes(PASSWORD), false, "a PATCH's password value reached the log");
      assert.match(String(patch['requestBody']), /"path":"password","value":"\[redacted\]"/);
      // Another tenant's entry, or none, is not found.
      const other = await inject({ method: 'GET', url: `${API}/tenants/globex/log/${String(created!['id'])}`, headers: { cookie } });
      assert.equal(other.statusCode, 404);
    });

    it('cuts a large body at 16 KB', async () => {
      clock = start + 4 * HOUR;
      const created = await scim('POST', '/Users', { schemas: [CORE], userName: 'big@acme.example', nickName: 'n'.repeat(40_000) });
      await server.requestLog.flush();
      await signIn();
      const [entry] = (await log('event=user.created&limit=1')).entries;
      const detail = json(await inject({ method: 'GET', url: `${API}/tenants/acme/log/${String(entry!['id'])}`, headers: { cookie } }));
      assert.ok(String(detail['requestBody']).length < 17 * 1024 && String(detail['requestBody']).endsWith('[cut at 16 KB]'));
      assert.ok(String(detail['responseBody']).length < 17 * 1024 && created.body.length > 40_000);
      const nick = (entry!['diff'] as JsonObject[]) ?? [];
      assert.deepEqual(nick, [], 'a create has no before');
    });

    it('a search that stops at its window says so', async () => {
      const scope = { tenantId: acme.id };
      const page = await server.rt.store.read(scope, (repos) => repos.requestLog.search({ text: 'favouritecolour', textWindow: 2, limit: 10 }));
      assert.deepEqual(page, { entries: [], complete: false });
      const wide = await server.rt.store.read(scope, (repos) => repos.requestLog.search({ text: 'favouritecolour', textWindow: 100, limit: 10 }));
      assert.equal(wide.entries.length, 1);
      assert.equal(wide.complete, true);
    });

    it('refuses malformed filters', async () => {
      for (const query of ['event=DROP%20TABLE', 'from=yesterday', `person=${'x'.repeat(300)}`]) {
        const response = await inject({ method: 'GET', url: `${API}/tenants/acme/log?${query}`, headers: { cookie } });
        assert.equal(response.statusCode, 400, query);
      }
    });
  });
}
