import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Fastify, { type InjectOptions, type LightMyRequestResponse } from 'fastify';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import type { JsonObject } from '../json/json-value.js';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../provisioning/admins/admin-sessions.js';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { DEFAULT_LANGUAGES, settingsSchema } from '../provisioning/tenants/tenant-settings.js';
import type { TenantRecord } from '../storage/store.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';
import { registerAdminApi } from './admin-api.js';

const API = '/admin/api/v1';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const OPERATOR = { email: 'Ops@Roster.example', password: 'operator passphrase 1' };
const ACME_ADMIN = { email: 'it@acme.example', password: 'acme admin passphrase' };

interface Signed {
  cookie: string;
  csrf: string;
}

for (const { engine, skip } of testEngines()) {
  describe(`admin API on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let server: RosterServer;
    let clock = Date.parse('2026-03-01T09:00:00Z');
    const logs: string[] = [];
    let acme: TenantRecord;
    let globex: TenantRecord;
    let acmeToken = '';
    let globexToken = '';
    const globexIds: Record<string, string> = {};
    const acmeIds: Record<string, string> = {};

    const inject = (options: InjectOptions) => server.app.inject(options);
    const json = (response: LightMyRequestResponse) => JSON.parse(response.body) as JsonObject;
    const signIn = async (who: { email: string; password: string }, ip = '10.0.0.1'): Promise<Signed> => {
      const response = await inject({ method: 'POST', url: `${API}/session`, payload: who, remoteAddress: ip });
      assert.equal(response.statusCode, 200, response.body);
      const cookie = String(response.headers['set-cookie']).split(';')[0]!;
      return { cookie, csrf: String(json(response)['csrfToken']) };
    };
    const get = (who: Signed, path: string) => inject({ method: 'GET', url: `${API}${path}`, headers: { cookie: who.cookie } });
    const send = (who: Signed, method: 'POST' | 'PATCH' | 'DELETE', path: string, payload?: JsonObject, headers: Record<string, string> = {}) =>
      inject({ method, url: `${API}${path}`, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, ...headers }, ...(payload ? { payload } : {}) });
    const scim = (token: string, method: 'POST' | 'GET', path: string, payload?: JsonObject) =>
      inject({ method, url: `/scim/v2${path}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, ...(payload ? { payload } : {}) });
    const person = (userName: string, department: string, manager?: string): JsonObject => ({
      schemas: [CORE, ENTERPRISE],
      userName,
      name: { givenName: userName.split('@')[0]!, familyName: 'Example' },
      emails: [{ value: userName, type: 'work', primary: true }],
      [ENTERPRISE]: { department, ...(manager ? { manager: { value: manager } } : {}) },
    });

    before(async () => {
      database = await createTestDatabase(engine);
      const stream = new PassThrough();
      stream.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
      const config = loadConfig({ LOG_LEVEL: 'info', DATABASE_URL: database.url, DB_POOL_SIZE: '4', PUBLIC_URL: 'https://roster.example.com' });
      server = await createServer(config, { now: () => clock, logStream: stream, checkResponses: true });
      acme = await createTenant(server.rt, { slug: 'acme', name: 'Acme Corp' });
      globex = await createTenant(server.rt, { slug: 'globex', name: 'Globex' });
      await createAdmin(server.rt, OPERATOR);
      await createAdmin(server.rt, { ...ACME_ADMIN, tenantSlug: 'acme' });
      acmeToken = (await issueCredential(server.rt, acme.id, 'bearer', 'acme okta')).secret;
      const globexCredential = await issueCredential(server.rt, globex.id, 'bearer', 'globex okta');
      globexToken = globexCredential.secret;
      globexIds['credential'] = globexCredential.credential.id;
      // Each tenant gets a person (with a late manager and a folder) and a group.
      for (const [token, ids, domain] of [
        [acmeToken, acmeIds, 'acme'],
        [globexToken, globexIds, 'globex'],
      ] as const) {
        const created = await scim(token, 'POST', '/Users', person(`pat@${domain}.example`, `${domain} R&D`, `boss@${domain}.example`));
        assert.equal(created.statusCode, 201, created.body);
        ids['person'] = String(json(created)['id']);
        const group = await scim(token, 'POST', '/Groups', {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: `${domain} team`,
          members: [{ value: ids['person'] }],
        });
        assert.equal(group.statusCode, 201, group.body);
        ids['group'] = String(json(group)['id']);
      }
      const operator = await signIn(OPERATOR);
      const folders = json(await get(operator, '/tenants/globex/folders'))['folders'] as JsonObject[];
      globexIds['folder'] = String(folders[0]!['id']);
      acmeIds['folder'] = String((json(await get(operator, '/tenants/acme/folders'))['folders'] as JsonObject[])[0]!['id']);
    });

    after(async () => {
      await server?.close();
      await database?.dispose();
    });

    it('signs in with a case-insensitive email and sets a hardened session cookie', async () => {
      const response = await inject({ method: 'POST', url: `${API}/session`, payload: { email: 'ops@roster.EXAMPLE', password: OPERATOR.password } });
      assert.equal(response.statusCode, 200);
      const cookie = String(response.headers['set-cookie']);
      assert.match(cookie, /^roster_admin=[A-Za-z0-9_-]{43}; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
      const body = json(response);
      assert.deepEqual(body['admin'], { id: (body['admin'] as JsonObject)['id']!, email: OPERATOR.email, role: 'operator', tenant: null });
      assert.equal(JSON.stringify(body).includes('hash'), false);
      assert.equal(response.headers['x-frame-options'], 'DENY');
      assert.match(String(response.headers['content-security-policy']), /frame-ancestors 'none'/);
    });

    it('refuses a wrong password without saying which part was wrong, and throttles with 429', async () => {
      const wrong = { email: OPERATOR.email, password: 'not it at all' };
      const unknown = await inject({
        method: 'POST',
        url: `${API}/session`,
        payload: { email: 'nobody@roster.example', password: 'whatever it is' },
        remoteAddress: '10.9.9.9',
      });
      assert.equal(unknown.statusCode, 401);
      const first = await inject({ method: 'POST', url: `${API}/session`, payload: wrong, remoteAddress: '10.9.9.9' });
      assert.equal(first.statusCode, 401);
      assert.equal(json(first)['error'] !== undefined, true);
      assert.deepEqual((json(unknown)['error'] as JsonObject)['message'], (json(first)['error'] as JsonObject)['message']);
      for (let i = 0; i < 3; i++) assert.equal((await inject({ method: 'POST', url: `${API}/session`, payload: wrong, remoteAddress: '10.9.9.9' })).statusCode, 401);
      // Four failures: locked for 1 s, even with the right password.
      const locked = await inject({ method: 'POST', url: `${API}/session`, payload: OPERATOR, remoteAddress: '10.9.9.9' });
      assert.equal(locked.statusCode, 429);
      assert.equal(locked.headers['retry-after'], '1');
      assert.match(String((json(locked)['error'] as JsonObject)['message']), /too many failed sign-ins.*try again in 1 second/);
      // Another address is not affected; the lock doubles with each further failure.
      assert.equal((await inject({ method: 'POST', url: `${API}/session`, payload: OPERATOR, remoteAddress: '10.8.8.8' })).statusCode, 200);
      clock += 1000;
      assert.equal((await inject({ method: 'POST', url: `${API}/session`, payload: wrong, remoteAddress: '10.9.9.9' })).statusCode, 401);
      const doubled = await inject({ method: 'POST', url: `${API}/session`, payload: OPERATOR, remoteAddress: '10.9.9.9' });
      assert.equal(doubled.statusCode, 429);
      assert.equal(doubled.headers['retry-after'], '2');
      clock += 2000;
      assert.equal(
        (await inject({ method: 'POST', url: `${API}/session`, payload: OPERATOR, remoteAddress: '10.9.9.9' })).statusCode,
        200,
        'a success after the lock clears the count',
      );
      assert.equal((await inject({ method: 'POST', url: `${API}/session`, payload: wrong, remoteAddress: '10.9.9.9' })).statusCode, 401);
    });

    it('requires the CSRF token and the same origin for every state-changing request', async () => {
      const operator = await signIn(OPERATOR);
      const label = { kind: 'bearer', label: 'csrf probe' };
      const noToken = await inject({ method: 'POST', url: `${API}/tenants/acme/credentials`, headers: { cookie: operator.cookie }, payload: label });
      assert.equal(noToken.statusCode, 403);
      assert.equal((json(noToken)['error'] as JsonObject)['code'], 'csrf');
      const otherToken = await send({ ...operator, csrf: 'x'.repeat(43) }, 'POST', '/tenants/acme/credentials', label);
      assert.equal(otherToken.statusCode, 403);
      const crossSite = await send(operator, 'POST', '/tenants/acme/credentials', label, { origin: 'https://evil.example' });
      assert.equal(crossSite.statusCode, 403);
      const fetchMeta = await send(operator, 'PATCH', '/tenants/acme/settings', { ssoMayUpdate: true }, { 'sec-fetch-site': 'cross-site' });
      assert.equal(fetchMeta.statusCode, 403);
      const loginCsrf = await inject({ method: 'POST', url: `${API}/session`, payload: OPERATOR, headers: { origin: 'https://evil.example' } });
      assert.equal(loginCsrf.statusCode, 403, 'sign-in from another site is refused too');
      const formPost = await inject({
        method: 'POST',
        url: `${API}/session`,
        payload: `email=${OPERATOR.email}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(formPost.statusCode, 415, 'an HTML form cannot post here');
      const sameOrigin = await send(operator, 'POST', '/tenants/acme/credentials', label, { origin: 'https://roster.example.com' });
      assert.equal(sameOrigin.statusCode, 201);
      assert.equal(
        (json(await get(operator, '/tenants/acme/credentials'))['credentials'] as JsonObject[]).filter((c) => c['label'] === 'csrf probe').length,
        1,
        'only the one good request wrote',
      );
    });

    it('ends sessions on sign-out, after 2 idle hours and after 12 hours at most', async () => {
      const a = await signIn(OPERATOR);
      assert.equal((await get(a, '/session')).statusCode, 200);
      assert.equal((await send(a, 'DELETE', '/session')).statusCode, 204);
      assert.equal((await get(a, '/session')).statusCode, 401);

      const idle = await signIn(OPERATOR);
      clock += SESSION_IDLE_MS - 1000;
      assert.equal((await get(idle, '/tenants')).statusCode, 200);
      clock += SESSION_IDLE_MS - 1000;
      assert.equal((await get(idle, '/tenants')).statusCode, 200, 'activity keeps a session alive');
      clock += SESSION_IDLE_MS;
      assert.equal((await get(idle, '/tenants')).statusCode, 401);

      const long = await signIn(OPERATOR);
      for (let elapsed = 0; elapsed < SESSION_MAX_MS; elapsed += SESSION_IDLE_MS / 2) {
        clock += SESSION_IDLE_MS / 2;
        await get(long, '/tenants');
      }
      assert.equal((await get(long, '/tenants')).statusCode, 401, 'absolute expiry');
      assert.equal((await get({ cookie: 'roster_admin=forged-session-id', csrf: '' }, '/tenants')).statusCode, 401);
      assert.equal((await inject({ method: 'GET', url: `${API}/tenants` })).statusCode, 401);
    });

    it('shows an operator every tenant with Last SCIM request and change, and the SCIM URLs', async () => {
      const operator = await signIn(OPERATOR);
      const tenants = json(await get(operator, '/tenants'))['tenants'] as JsonObject[];
      assert.deepEqual(
        tenants.map((t) => t['slug']),
        ['acme', 'globex'],
      );
      assert.equal(typeof tenants[0]!['lastScimRequestAt'], 'string', 'not-yet-flushed activity is shown');
      const detail = json(await get(operator, '/tenants/acme'));
      assert.deepEqual(detail['endpoints'], { byCredential: 'https://roster.example.com/scim/v2/', byTenantPath: 'https://roster.example.com/t/acme/scim/v2/' });
    });

    it('issues credentials whose secret is in the creation response only, and revokes them', async () => {
      const operator = await signIn(OPERATOR);
      const created = await send(operator, 'POST', '/tenants/acme/credentials', { kind: 'basic', label: 'Cyolo' });
      assert.equal(created.statusCode, 201);
      const body = json(created);
      const secret = String(body['secret']);
      const key = String(body['key']);
      assert.match(key, /^rsk_[0-9a-f]{16}$/);
      const basic = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
      assert.equal((await inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: basic } })).statusCode, 200);
      const listed = await get(operator, '/tenants/acme/credentials');
      assert.equal(listed.body.includes(secret), false);
      assert.equal(listed.body.includes('secretHash') || listed.body.includes('secret_hash'), false);
      const entry = (json(listed)['credentials'] as JsonObject[]).find((c) => c['label'] === 'Cyolo')!;
      assert.equal(typeof entry['lastUsedAt'], 'string', 'last use before the bookkeeping is flushed');
      assert.equal((await send(operator, 'DELETE', `/tenants/acme/credentials/${String(entry['id'])}`)).statusCode, 204);
      assert.equal((await inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: basic } })).statusCode, 401);
      const bad = await send(operator, 'POST', '/tenants/acme/credentials', { kind: 'magic', label: '' });
      assert.equal(bad.statusCode, 400);
      assert.match(String((json(bad)['error'] as JsonObject)['message']), /kind.*label/s);
    });

    it('reads and changes settings, and switches provisioning off and on', async () => {
      const operator = await signIn(OPERATOR);
      const changed = await send(operator, 'PATCH', '/tenants/acme/settings', {
        matchingField: 'email',
        ssoMayUpdate: true,
        supportedLanguages: ['en', 'fr'],
        extensionUrn: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User',
      });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual(json(changed)['settings'], {
        supportedLanguages: ['en', 'fr'],
        matchingField: 'email',
        extensionUrn: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User',
        ssoMayUpdate: true,
        provisioningEnabled: true,
        valueRules: 'report',
        massChangeGuard: 'on',
        massChangePercent: 20,
        massChangeWindowMinutes: 10,
        massChangeMinActive: 20,
        massChangeGroupSize: 50,
        logRetentionDays: 30,
        eventRetentionDays: 90,
      });
      const guard = await send(operator, 'PATCH', '/tenants/acme/settings', { massChangeGuard: 'off', valueRules: 'enforce' });
      assert.equal(guard.statusCode, 200, guard.body);
      assert.equal((json(guard)['settings'] as JsonObject)['massChangeGuard'], 'off');
      assert.equal((json(guard)['settings'] as JsonObject)['valueRules'], 'enforce');
      assert.equal((await send(operator, 'PATCH', '/tenants/acme/settings', { massChangeGuard: 'on', valueRules: 'report' })).statusCode, 200);
      const held = await get(operator, '/tenants/acme/held-changes');
      assert.equal(held.statusCode, 200);
      assert.deepEqual(json(held)['heldChanges'], []);
      const invalid = await send(operator, 'PATCH', '/tenants/acme/settings', { matchingField: 'shoeSize', supportedLanguages: ['not a tag'] });
      assert.equal(invalid.statusCode, 400);
      assert.match(String((json(invalid)['error'] as JsonObject)['message']), /matchingField.*supportedLanguages|supportedLanguages.*matchingField/s);
      assert.equal((json(await get(operator, '/tenants/acme/settings'))['settings'] as JsonObject)['matchingField'], 'email', 'nothing written');
      assert.equal((await send(operator, 'PATCH', '/tenants/acme/settings', { provisioningEnabled: false })).statusCode, 200);
      assert.equal((await scim(acmeToken, 'GET', '/Users')).statusCode, 403);
      assert.equal(
        (
          await send(operator, 'PATCH', '/tenants/acme/settings', {
            provisioningEnabled: true,
            matchingField: 'userName',
            supportedLanguages: ['en', 'en-GB'],
            extensionUrn: 'urn:ietf:params:scim:schemas:extension:roster:2.0:User',
            ssoMayUpdate: false,
          })
        ).statusCode,
        200,
      );
      assert.equal((await scim(acmeToken, 'GET', '/Users')).statusCode, 200);
    });

    it('pages people in the database by cursor, with filters and totals', async () => {
      const operator = await signIn(OPERATOR);
      for (let i = 0; i < 23; i++) {
        const r = await scim(acmeToken, 'POST', '/Users', person(`p${String(i).padStart(2, '0')}@acme.example`, i % 2 === 0 ? 'Even' : 'Odd'));
        assert.equal(r.statusCode, 201);
      }
      const seen: string[] = [];
      let cursor = '';
      let pages = 0;
      do {
        const page = json(await get(operator, `/tenants/acme/people?limit=10${cursor ? `&cursor=${cursor}` : ''}`));
        assert.equal(page['total'], 24);
        seen.push(...(page['people'] as JsonObject[]).map((p) => String(p['userName'])));
        cursor = page['nextCursor'] === null ? '' : String(page['nextCursor']);
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.equal(new Set(seen).size, 24);
      const evens = json(await get(operator, '/tenants/acme/people?q=p0&limit=200'));
      assert.equal(evens['total'], 10);
      const folders = json(await get(operator, '/tenants/acme/folders?kind=department'))['folders'] as JsonObject[];
      const even = folders.find((f) => f['value'] === 'Even')!;
      assert.deepEqual([even['memberCount'], even['memberCountExact']], [12, true]);
      const one = json(await get(operator, `/tenants/acme/folders/${String(even['id'])}?limit=5`));
      assert.deepEqual([(one['folder'] as JsonObject)['memberCount'], (one['folder'] as JsonObject)['memberCountExact']], [12, true]);
      const inFolder = json(await get(operator, `/tenants/acme/people?folder=${String(even['id'])}&limit=5`));
      assert.equal(inFolder['total'], 12);
      assert.equal(json(await get(operator, `/tenants/acme/people?group=${acmeIds['group']}`))['total'], 1);
      assert.equal(json(await get(operator, '/tenants/acme/people?incomplete=true'))['total'], 24, 'no country or language: all incomplete');
      assert.equal(json(await get(operator, '/tenants/acme/people?status=inactive'))['total'], 0);
      assert.equal(json(await get(operator, '/tenants/acme/people?source=sso'))['total'], 0);
      assert.equal((await get(operator, '/tenants/acme/people?limit=100000')).statusCode, 400);
    });

    it('answers a person, groups with counts, folders, pending references, duplicates and the log', async () => {
      const operator = await signIn(OPERATOR);
      const detail = json(await get(operator, `/tenants/acme/people/${acmeIds['person']}`));
      assert.equal((detail['person'] as JsonObject)['userName'], 'pat@acme.example');
      assert.deepEqual(
        (detail['groups'] as JsonObject[]).map((g) => g['displayName']),
        ['acme team'],
      );
      assert.deepEqual(
        (detail['pending'] as JsonObject[]).map((p) => p['reference']),
        ['boss@acme.example'],
      );
      assert.equal((detail['history'] as JsonObject[])[0]!['method'], 'POST');
      const groups = json(await get(operator, '/tenants/acme/groups'));
      assert.deepEqual(
        (groups['groups'] as JsonObject[]).map((g) => [g['displayName'], g['memberCount']]),
        [['acme team', 1]],
      );
      const group = json(await get(operator, `/tenants/acme/groups/${acmeIds['group']}`));
      assert.equal(((group['members'] as JsonObject)['people'] as JsonObject[])[0]!['userName'], 'pat@acme.example');
      const folder = json(await get(operator, `/tenants/acme/folders/${acmeIds['folder']}`));
      assert.equal((folder['members'] as JsonObject)['total'], 1);
      const pending = json(await get(operator, '/tenants/acme/pending'));
      assert.deepEqual(
        (pending['pending'] as JsonObject[]).map((p) => [p['kind'], p['subjectName'], p['reference']]),
        [['manager', 'pat@acme.example', 'boss@acme.example']],
      );
      assert.equal(Array.isArray(json(await get(operator, '/tenants/acme/duplicates'))['duplicates']), true);
      const log = json(await get(operator, '/tenants/acme/log?method=POST&status=ok&limit=5'));
      const entries = log['entries'] as JsonObject[];
      assert.equal(entries.length, 5);
      assert.ok(entries.every((e) => e['method'] === 'POST' && Number(e['status']) < 400));
      assert.equal(entries[0]!['credential'], 'acme okta');
      const older = json(await get(operator, `/tenants/acme/log?method=POST&status=ok&limit=5&cursor=${String(log['nextCursor'])}`));
      assert.ok(String((older['entries'] as JsonObject[])[0]!['id']) < String(entries[4]!['id']));
      assert.equal((await scim(acmeToken, 'POST', '/Users', person('pat@acme.example', 'R&D'))).statusCode, 409);
      // Earlier tests' refused requests (provisioning switched off, a revoked token) are in the log too.
      const errors = (json(await get(operator, '/tenants/acme/log?status=error'))['entries'] as JsonObject[]).filter((e) => e['status'] !== 401 && e['status'] !== 403);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!['status'], 409);
      assert.match(String(errors[0]!['error']), /pat@acme\.example/);
      assert.equal((json(await get(operator, '/tenants/acme/log?changed=true&q=groups'))['entries'] as JsonObject[]).length, 1);
    });

    it('pages possible duplicates with a count, and remembers "not a duplicate" in the audit log', async () => {
      const operator = await signIn(OPERATOR);
      const before = json(await get(operator, '/tenants/acme/duplicates'));
      const twins: string[][] = [];
      for (let i = 0; i < 3; i++) {
        const pair: string[] = [];
        for (const side of ['a', 'b']) {
          const created = await scim(acmeToken, 'POST', '/Users', {
            schemas: [CORE],
            userName: `twin${i}${side}@acme.example`,
            name: { givenName: 'Twin', familyName: `Number${i}` },
          });
          assert.equal(created.statusCode, 201, created.body);
          pair.push(String(json(created)['id']));
        }
        twins.push(pair);
      }
      const keys = async () => {
        const seen: string[] = [];
        let cursor = '';
        let total = -1;
        do {
          const page = json(await get(operator, `/tenants/acme/duplicates?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
          assert.equal(page['totalExact'], true);
          total = Number(page['total']);
          seen.push(...(page['duplicates'] as JsonObject[]).map((d) => `${String(d['reason'])}:${String(d['key'])}`));
          cursor = page['nextCursor'] === null ? '' : String(page['nextCursor']);
        } while (cursor);
        assert.equal(seen.length, total, 'the pages hold as many sets as the count');
        assert.equal(new Set(seen).size, seen.length, 'no set twice');
        return seen;
      };
      const all = await keys();
      assert.equal(all.length, Number(before['total']) + 3);
      assert.ok(
        ['name:twin number0', 'name:twin number1', 'name:twin number2'].every((k) => all.includes(k)),
        all.join(),
      );

      const dismissed = await send(operator, 'POST', '/tenants/acme/duplicates/dismissals', { userIds: twins[1]! });
      assert.equal(dismissed.statusCode, 200, dismissed.body);
      assert.deepEqual(json(dismissed), { pairs: 1, added: 1 });
      assert.equal((await keys()).includes('name:twin number1'), false);
      const [entry] = await server.rt.store.read({ tenantId: acme.id }, (r) => r.audit.latest(1));
      assert.deepEqual([entry?.action, entry?.resourceId], ['duplicates.dismissed', [...twins[1]!].sort().join(',')]);

      assert.equal((await send(operator, 'POST', '/tenants/acme/duplicates/dismissals', { userIds: [twins[0]![0]!] })).statusCode, 400);
      assert.equal((await send(operator, 'POST', '/tenants/acme/duplicates/dismissals', { userIds: [twins[0]![0]!, globexIds['person']!] })).statusCode, 404);
      assert.equal((await get(operator, '/tenants/acme/duplicates?cursor=nonsense')).statusCode, 400);

      const undone = await send(operator, 'DELETE', '/tenants/acme/duplicates/dismissals', { userIds: twins[1]! });
      assert.deepEqual(json(undone), { removed: 1 });
      assert.equal((await keys()).includes('name:twin number1'), true);
    });

    it('never lets a tenant admin read or change another tenant, at any endpoint', async () => {
      const admin = await signIn(ACME_ADMIN);
      const tenants = json(await get(admin, '/tenants'))['tenants'] as JsonObject[];
      assert.deepEqual(
        tenants.map((t) => t['slug']),
        ['acme'],
      );
      assert.equal((json(await get(admin, '/session'))['admin'] as JsonObject)['tenant'], 'acme');
      const ids: Record<string, string> = { '{slug}': 'globex' };
      // Every declared route that names a tenant, from the document generated from the declarations.
      const openApiDocument = json(await inject({ method: 'GET', url: `${API}/openapi.json` }));
      const probes: { method: string; path: string }[] = [];
      for (const [template, item] of Object.entries(openApiDocument['paths'] as JsonObject)) {
        if (!template.includes('{slug}')) continue;
        for (const method of Object.keys(item as JsonObject)) {
          const idFor = template.includes('/people/')
            ? globexIds['person']
            : template.includes('/groups/')
              ? globexIds['group']
              : template.includes('/folders/')
                ? globexIds['folder']
                : globexIds['credential'];
          // Another tenant's slug, and this tenant's slug with another tenant's ids.
          probes.push({ method: method.toUpperCase(), path: template.replace('{slug}', ids['{slug}']!).replace('{id}', idFor!) });
          if (template.includes('{id}')) probes.push({ method: method.toUpperCase(), path: template.replace('{slug}', 'acme').replace('{id}', idFor!) });
        }
      }
      assert.ok(probes.length >= 15, `probed ${probes.length} endpoints`);
      for (const probe of probes) {
        const body: JsonObject | undefined =
          probe.method === 'POST' ? { kind: 'bearer', label: 'intruder' } : probe.method === 'PATCH' ? { provisioningEnabled: false } : undefined;
        const response = probe.method === 'GET' ? await get(admin, probe.path) : await send(admin, probe.method as 'POST' | 'PATCH' | 'DELETE', probe.path, body);
        assert.equal(response.statusCode, 404, `${probe.method} ${probe.path} → ${response.statusCode}`);
        assert.equal(response.body.includes('globex.example'), false);
      }
      // Nothing of globex changed, and the operator still sees everything.
      assert.equal((await scim(globexToken, 'GET', '/Users')).statusCode, 200, 'globex credential not revoked, provisioning still on');
      const operator = await signIn(OPERATOR);
      const globexCredentials = json(await get(operator, '/tenants/globex/credentials'))['credentials'] as JsonObject[];
      assert.deepEqual(
        globexCredentials.map((c) => c['label']),
        ['globex okta'],
      );
      // Its own tenant works.
      assert.equal((await get(admin, `/tenants/acme/people/${acmeIds['person']}`)).statusCode, 200);
      void globex;
    });

    it("shows a person's value flags, derived from the tenant's current settings, and the log's warnings", async () => {
      const initech = await createTenant(server.rt, { slug: 'initech' });
      const token = (await issueCredential(server.rt, initech.id, 'bearer', 'initech idp')).secret;
      const created = await scim(token, 'POST', '/Users', {
        schemas: [CORE],
        userName: 'milton@initech.example',
        preferredLanguage: 'xh',
        addresses: [{ type: 'work', country: 'Bermuda' }],
      });
      assert.equal(created.statusCode, 201, created.body);
      const id = String(json(created)['id']);
      const operator = await signIn(OPERATOR);
      const flagsOf = async () => (json(await get(operator, `/tenants/initech/people/${id}`))['person'] as JsonObject)['valueFlags'] as JsonObject[];
      assert.deepEqual(await flagsOf(), [
        { path: 'preferredLanguage', value: 'xh', rule: 'tenant-language', accepted: `one of this tenant's languages: ${DEFAULT_LANGUAGES.join(', ')}` },
        { path: 'addresses[type eq "work"].country', value: 'Bermuda', rule: 'iso-country', accepted: 'an ISO 3166-1 alpha-2 code such as GB, US or DE' },
      ]);
      const log = json(await get(operator, '/tenants/initech/log?method=POST'));
      assert.deepEqual((log['entries'] as JsonObject[])[0]!['warnings'], [
        `preferredLanguage "xh" is not accepted: one of this tenant's languages: ${DEFAULT_LANGUAGES.join(', ')}`,
        'addresses[type eq "work"].country "Bermuda" is not accepted: an ISO 3166-1 alpha-2 code such as GB, US or DE',
      ]);
      // Listing the language clears its flag at once: flags follow the settings, nothing is stored.
      assert.equal((await send(operator, 'PATCH', '/tenants/initech/settings', { supportedLanguages: ['en', 'xh'] })).statusCode, 200);
      assert.deepEqual(
        (await flagsOf()).map((f) => f['rule']),
        ['iso-country'],
      );
      // Only what an admin set is stored; everything else follows the defaults.
      assert.deepEqual((await server.rt.store.tenants.findBySlug('initech'))?.settings, { supportedLanguages: ['en', 'xh'] });
    });

    it('keeps passwords, secrets, session ids and CSRF tokens out of the logs', async () => {
      const operator = await signIn(OPERATOR);
      const created = json(await send(operator, 'POST', '/tenants/acme/credentials', { kind: 'bearer', label: 'log probe' }));
      const text = logs.join('');
      assert.ok(text.includes('admin signed in') && text.includes('credential issued'), 'admin actions are logged');
      for (const secret of [OPERATOR.password, ACME_ADMIN.password, String(created['secret']), operator.cookie.split('=')[1]!, operator.csrf, acmeToken]) {
        assert.equal(text.includes(secret), false, 'a secret reached the log');
      }
    });

    it('serves an OpenAPI 3.1 document that describes exactly the routes', async () => {
      const response = await inject({ method: 'GET', url: `${API}/openapi.json` });
      assert.equal(response.statusCode, 200);
      const doc = json(response);
      assert.equal(doc['openapi'], '3.1.0');
      const routes = new Set<string>();
      const probe = Fastify();
      probe.addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) if (method !== 'HEAD') routes.add(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
      });
      await probe.register((scope) => registerAdminApi(scope, { rt: server.rt, activity: server.activity, requestLog: server.requestLog, publicUrl: '' }), {
        prefix: '',
      });
      await probe.ready();
      const described = new Set(
        Object.entries(doc['paths'] as JsonObject).flatMap(([path, item]) => Object.keys(item as JsonObject).map((m) => `${m.toUpperCase()} ${path}`)),
      );
      assert.deepEqual([...routes].sort(), [...described].sort());
      await probe.close();
      const schemas = (doc['components'] as JsonObject)['schemas'] as JsonObject;
      for (const ref of JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)) assert.ok(schemas[ref[1]!], `schema ${ref[1]} is defined`);
      // Generated from the declarations: an operationId each, answers, errors and bodies from their schemas.
      const operations = Object.values(doc['paths'] as Record<string, Record<string, JsonObject>>).flatMap((item) => Object.values(item));
      const ids = operations.map((o) => o['operationId']);
      assert.ok(
        ids.every((id) => typeof id === 'string' && id !== ''),
        'every operation has an operationId',
      );
      assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
      const paths = doc['paths'] as Record<string, Record<string, JsonObject>>;
      const answer = (path: string, method: string, status: string) => ((paths[path]![method]!['responses'] as JsonObject)[status] as JsonObject)['content'];
      assert.deepEqual(answer('/tenants/{slug}/people', 'get', '200'), { 'application/json': { schema: { $ref: '#/components/schemas/PeoplePage' } } });
      assert.deepEqual(answer('/tenants/{slug}/people', 'get', '404'), { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } });
      assert.deepEqual(answer('/tenants/{slug}/credentials', 'post', '201'), { 'application/json': { schema: { $ref: '#/components/schemas/IssuedCredential' } } });
      assert.ok(paths['/tenants/{slug}/credentials']!['post']!['requestBody'], 'a write declares its body');
      assert.deepEqual(paths['/tenants/{slug}/credentials']!['post']!['security'], [{ session: [], csrf: [] }]);
      assert.deepEqual(paths['/session']!['post']!['security'], [], 'signing in needs no session');
      // The settings body is the tenant settings schema (each setting optional) and the on/off switch.
      const settingsBody = (((paths['/tenants/{slug}/settings']!['patch']!['requestBody'] as JsonObject)['content'] as JsonObject)['application/json'] as JsonObject)[
        'schema'
      ] as JsonObject;
      assert.deepEqual(Object.keys(settingsBody['properties'] as JsonObject).sort(), [...Object.keys(settingsSchema.shape), 'provisioningEnabled'].sort());
    });

    it('refuses to start with an admin route that has no declaration', async () => {
      const probe = Fastify();
      await assert.rejects(async () => {
        await probe.register(async (scope) => {
          await registerAdminApi(scope, { rt: server.rt, activity: server.activity, requestLog: server.requestLog, publicUrl: '' });
          scope.post('/tenants/:slug/undeclared', async () => ({}));
        });
      }, /admin route POST \/tenants\/:slug\/undeclared has no declaration/);
      await probe.close();
    });

    it('serves the console with security headers, and JSON 404s under the API prefix', async () => {
      const page = await inject({ method: 'GET', url: '/admin/t/acme/people' });
      assert.ok(page.statusCode === 200 || page.statusCode === 503, 'index.html, or a clear "not built" answer');
      assert.match(String(page.headers['content-security-policy']), /default-src 'self'.*frame-ancestors 'none'/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      const traversal = await inject({ method: 'GET', url: '/admin/assets/..%2f..%2fpackage.json' });
      assert.equal(traversal.statusCode, 404);
      const missing = await inject({ method: 'GET', url: `${API}/nothing/here` });
      assert.equal(missing.statusCode, 404);
      assert.equal((json(missing)['error'] as JsonObject)['code'], 'notFound');
    });
  });
}
