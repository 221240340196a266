import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { EventNotifier } from '../events/event-notifier.js';
import type { JsonObject, JsonValue } from '../json/json-value.js';
import { issueHostKey, revokeHostKey } from '../provisioning/host-keys/host-keys.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, field, type TestServer } from '../testing/test-server.js';
import { registerHostRoutes } from './host-routes.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface HostResponse {
  readonly status: number;
  readonly body: JsonObject;
  readonly contentType: string;
}

for (const { engine, skip } of testEngines()) {
  describe(`host API on ${engine}`, { skip }, () => {
    let t: TestServer;
    let allKey: string;
    let acmeKey: string;

    // A long feed poll: only the in-process notifier can answer a waiting feed request quickly.
    before(async () => {
      t = await createTestServer(engine, { FEED_POLL_MS: '60000' });
      allKey = (await issueHostKey(t.server.rt, { label: 'host' })).secret;
      acmeKey = (await issueHostKey(t.server.rt, { tenantSlug: 'acme', label: 'acme only' })).secret;
    });
    after(async () => t?.close());

    const host = async (method: string, path: string, key: string | undefined = allKey, body?: JsonValue): Promise<HostResponse> => {
      const response = await t.server.app.inject({
        method: method as 'GET',
        url: `/host/v1${path}`,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      return { status: response.statusCode, body: response.body ? (JSON.parse(response.body) as JsonObject) : {}, contentType: String(response.headers['content-type']) };
    };
    const ok = async (method: string, path: string, key?: string, body?: JsonValue): Promise<JsonObject> => {
      const response = await host(method, path, key, body);
      assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    };
    const createUser = async (userName: string, extra: JsonObject = {}) => {
      const response = await t.scim('POST', '/Users', { schemas: [USER, ENTERPRISE], userName, ...extra });
      assert.equal(response.status, 201, response.raw);
      return String(response.body['id']);
    };
    const ids = (list: JsonValue | undefined) => (Array.isArray(list) ? list.map((p) => String(field(p, 'id'))) : []);

    it('host keys and SCIM tokens are not interchangeable; a tenant key reads only its tenant', async () => {
      const scimOnHost = await host('GET', '/tenants/acme/people', t.token);
      assert.equal(scimOnHost.status, 401);
      assert.match(scimOnHost.contentType, /^application\/json/);
      assert.equal(scimOnHost.body['error'], 'unauthorized');
      assert.equal((await host('GET', '/tenants/acme/people', undefined)).status, 200, 'the default key works');
      assert.equal((await host('GET', '/tenants/acme/people', '')).status, 401, 'no key');
      const hostOnScim = await t.scim('GET', '/Users', undefined, { authorization: `Bearer ${allKey}` });
      assert.equal(hostOnScim.status, 401, 'a host key is not a SCIM credential');

      await t.addTenant('other');
      assert.equal((await host('GET', '/tenants/acme/people', acmeKey)).status, 200);
      assert.equal((await host('GET', '/tenants/other/people', acmeKey)).status, 403);
      assert.equal((await host('GET', '/tenants/nowhere/people', acmeKey)).status, 403, 'the same answer whether the tenant exists or not');
      assert.equal((await host('GET', '/tenants/nowhere/people', allKey)).status, 404);
      assert.deepEqual(ids((await ok('GET', '/tenants', acmeKey))['tenants']), [t.tenant.id]);

      const { key, secret } = await issueHostKey(t.server.rt, { label: 'short-lived' });
      assert.equal((await host('GET', '/tenants', secret)).status, 200);
      await revokeHostKey(t.server.rt, key.id);
      assert.equal((await host('GET', '/tenants', secret)).status, 401, 'revocation takes effect on the next request');
    });

    it('describes itself in an OpenAPI 3.1 document generated from its route declarations', async () => {
      const doc = await ok('GET', '/openapi.json', '');
      assert.equal(doc['openapi'], '3.1.0');
      const paths = Object.keys(field(doc, 'paths') as JsonObject);
      for (const path of [
        '/tenants/{slug}/events',
        '/tenants/{slug}/snapshot',
        '/tenants/{slug}/people',
        '/tenants/{slug}/people/{id}/groups',
        '/tenants/{slug}/groups/{id}/members',
        '/tenants/{slug}/folders/{id}/members',
        '/tenants/{slug}/sso-logins',
      ]) {
        assert.ok(paths.includes(path), path);
      }
      // Exactly the routes registered, each with a unique operationId.
      const routes = new Set<string>();
      const probe = Fastify();
      probe.addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) if (method !== 'HEAD') routes.add(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
      });
      await probe.register((scope) => registerHostRoutes(scope, { rt: t.server.rt, notifier: new EventNotifier(), feedPollMs: 1000 }));
      await probe.ready();
      await probe.close();
      const operations = Object.entries(field(doc, 'paths') as Record<string, JsonObject>).flatMap(([path, item]) =>
        Object.entries(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation: operation as JsonObject })),
      );
      assert.deepEqual(operations.map((o) => o.route).sort(), [...routes].sort());
      const ids = operations.map((o) => o.operation['operationId']);
      assert.ok(
        ids.every((id) => typeof id === 'string' && id !== ''),
        'every operation has an operationId',
      );
      assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
      // Answers, errors and bodies come from the declarations' schemas.
      assert.deepEqual(
        field(doc, 'paths', '/tenants/{slug}/people', 'get', 'responses', '200', 'content', 'application/json', 'schema', 'properties', 'people', 'items'),
        { $ref: '#/components/schemas/Person' },
      );
      assert.deepEqual(field(doc, 'paths', '/tenants/{slug}/events', 'get', 'responses', '410', 'content', 'application/json', 'schema'), {
        $ref: '#/components/schemas/Error',
      });
      assert.deepEqual(field(doc, 'paths', '/tenants/{slug}/sso-logins', 'post', 'requestBody', 'content', 'application/json', 'schema'), {
        $ref: '#/components/schemas/SsoLogin',
      });
      assert.deepEqual(Object.keys(field(doc, 'paths', '/tenants/{slug}/sso-logins', 'post', 'responses') as JsonObject).slice(0, 2), ['200', '201']);
      const schemas = field(doc, 'components', 'schemas') as JsonObject;
      for (const ref of JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)) assert.ok(schemas[ref[1]!], `schema ${ref[1]} is defined`);
      assert.deepEqual(field(doc, 'components', 'securitySchemes', 'hostKey', 'scheme'), 'bearer');
    });

    it('refuses to start with a host route that has no declaration', async () => {
      const probe = Fastify();
      await assert.rejects(async () => {
        await probe.register(async (scope) => {
          await registerHostRoutes(scope, { rt: t.server.rt, notifier: new EventNotifier(), feedPollMs: 1000 });
          scope.get('/tenants/:slug/undeclared', async () => ({}));
        });
      }, /host route GET \/tenants\/:slug\/undeclared has no declaration/);
      await probe.close();
    });

    it("searches people and answers a person's pushed groups and folders in one call", async () => {
      const ada = await createUser('ada@search.example', {
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'ada@analytical.example', type: 'work' }],
        [ENTERPRISE]: { department: 'Engines', organization: 'Analytical' },
      });
      const charles = await createUser('charles@search.example', { [ENTERPRISE]: { department: 'Engines' } });
      const gone = await createUser('gone@search.example', { active: false });
      const team = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Engine team', members: [{ value: ada }, { value: charles }] });
      const teamId = String(team.body['id']);

      assert.deepEqual(ids((await ok('GET', '/tenants/acme/people?q=ANALYTICAL'))['people']), [ada], 'q matches an email, case-insensitively');
      assert.deepEqual(ids((await ok('GET', '/tenants/acme/people?q=search.example&active=false'))['people']), [gone]);
      assert.deepEqual(ids((await ok('GET', `/tenants/acme/people?group=${teamId}`))['people']).sort(), [ada, charles].sort());
      const incomplete = ids((await ok('GET', '/tenants/acme/people?q=search.example&incomplete=true'))['people']);
      assert.ok(incomplete.includes(charles));

      const folders = (await ok('GET', '/tenants/acme/folders?kind=department'))['folders'] as JsonObject[];
      const engines = folders.find((f) => f['value'] === 'Engines')!;
      assert.deepEqual([engines['memberCount'], engines['memberCountExact']], [2, true]);
      const engine = await ok('GET', `/tenants/acme/folders/${String(engines['id'])}`);
      assert.deepEqual([engine['memberCount'], engine['memberCountExact']], [2, true]);
      const inFolder = await ok('GET', `/tenants/acme/folders/${String(engines['id'])}/members`);
      assert.deepEqual(ids(inFolder['members']).sort(), [ada, charles].sort());
      assert.deepEqual(ids((await ok('GET', `/tenants/acme/people?folder=${String(engines['id'])}`))['people']).sort(), [ada, charles].sort());

      const memberships = await ok('GET', `/tenants/acme/people/${ada}/groups`);
      assert.deepEqual(memberships['groups'], [{ id: teamId, displayName: 'Engine team' }]);
      assert.deepEqual((memberships['folders'] as JsonObject[]).map((f) => `${String(f['kind'])}:${String(f['value'])}`).sort(), [
        'department:Engines',
        'organization:Analytical',
      ]);
      const person = await ok('GET', `/tenants/acme/people/${ada}`);
      assert.equal(person['email'], 'ada@analytical.example');
      assert.equal(person['source'], 'scim');
      assert.equal((person['groups'] as JsonValue[]).length, 1);

      const members = await ok('GET', `/tenants/acme/groups/${teamId}/members?limit=1`);
      assert.equal(members['total'], 2);
      const rest = await ok('GET', `/tenants/acme/groups/${teamId}/members?limit=1&cursor=${String(members['next'])}`);
      assert.deepEqual([...ids(members['members']), ...ids(rest['members'])].sort(), [ada, charles].sort());
      assert.equal(rest['next'], null);
      assert.deepEqual(ids((await ok('GET', '/tenants/acme/groups?q=ENGINE'))['groups']), [teamId]);
      assert.equal((await ok('GET', `/tenants/acme/groups/${teamId}`))['displayName'], 'Engine team');
      assert.equal((await host('GET', '/tenants/acme/people/no-such-person')).status, 404);
      assert.equal((await host('GET', '/tenants/acme/people?active=maybe')).status, 400);
    });

    it("flags values kept as sent in people, the snapshot and the user events, under the tenant's current settings", async () => {
      const { token } = await t.addTenant('flagged');
      const call = (method: string, path: string, body: JsonObject) =>
        t.server.app.inject({
          method: method as 'POST',
          url: `/scim/v2${path}`,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          payload: JSON.stringify(body),
        });
      const created = await call('POST', '/Users', { schemas: [USER], userName: 'odd@flagged.example', timezone: 'GMT+1 London' });
      assert.equal(created.statusCode, 201, created.body);
      const id = String((JSON.parse(created.body) as JsonObject)['id']);
      const timezoneFlag = { path: 'timezone', value: 'GMT+1 London', rule: 'iana-timezone', accepted: 'an IANA time zone such as Europe/London or America/New_York' };
      const person = await ok('GET', `/tenants/flagged/people/${id}`);
      assert.equal(field(person, 'attributes', 'timezone'), 'GMT+1 London', 'kept exactly as sent');
      assert.deepEqual(person['valueFlags'], [timezoneFlag]);
      assert.deepEqual(field(await ok('GET', '/tenants/flagged/people'), 'people', 0, 'valueFlags'), [timezoneFlag]);
      assert.deepEqual(field(await ok('GET', '/tenants/flagged/snapshot'), 'people', 0, 'valueFlags'), [timezoneFlag]);

      const patched = await call('PATCH', `/Users/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'addresses', value: [{ type: 'work', country: 'Germany' }] }],
      });
      assert.equal(patched.statusCode, 200, patched.body);
      const events = (await ok('GET', '/tenants/flagged/events?after=0'))['events'] as JsonObject[];
      assert.deepEqual(
        events.map((e) => e['type']),
        ['user.created', 'user.updated'],
      );
      assert.deepEqual(field(events[0], 'data', 'valueFlags'), [timezoneFlag]);
      // An update carries all of the person's flags after the change, not only the new one.
      assert.deepEqual(field(events[1], 'data', 'valueFlags'), [
        timezoneFlag,
        { path: 'addresses[type eq "work"].country', value: 'Germany', rule: 'iso-country', accepted: 'an ISO 3166-1 alpha-2 code such as GB, US or DE' },
      ]);
      const fixed = await call('PATCH', `/Users/${id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'replace', path: 'timezone', value: 'Europe/Berlin' },
          { op: 'replace', path: 'addresses', value: [{ type: 'work', country: 'DE' }] },
        ],
      });
      assert.equal(fixed.statusCode, 200, fixed.body);
      assert.deepEqual((await ok('GET', `/tenants/flagged/people/${id}`))['valueFlags'], []);
      assert.deepEqual(field(((await ok('GET', '/tenants/flagged/events?after=2'))['events'] as JsonObject[])[0], 'data', 'valueFlags'), []);
    });

    it('pages through people with a cursor, each person exactly once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: JsonObject = await ok('GET', `/tenants/acme/people?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...ids(page['people']));
        cursor = page['next'] as string | null;
      } while (cursor);
      const total = (await ok('GET', '/tenants/acme/people?limit=1'))['total'];
      assert.equal(seen.length, total);
      assert.equal(new Set(seen).size, seen.length);
    });

    it('a feed consumer that stops and resumes from its cursor sees every event once, in order', async () => {
      const events: JsonObject[] = [];
      const consume = async (after: number): Promise<number> => {
        let cursor = after;
        for (;;) {
          const page = await ok('GET', `/tenants/acme/events?after=${cursor}&limit=3`);
          events.push(...(page['events'] as JsonObject[]));
          cursor = page['next'] as number;
          if (page['hasMore'] !== true) return cursor;
        }
      };
      const saved = await consume(0);
      // The consumer is down while more changes happen; it comes back with only its cursor.
      const late = await createUser('late@feed.example');
      await t.scim('PATCH', `/Users/${late}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] });
      const end = await consume(saved);

      const committed = await t.server.store.read({ tenantId: t.tenant.id }, (r) => r.events.after(0, 10_000));
      assert.deepEqual(
        events.map((e) => e['seq']),
        committed.map((e) => e.seq),
        'no gaps, no duplicates',
      );
      assert.deepEqual(
        events.map((e) => e['id']),
        committed.map((e) => e.id),
      );
      assert.equal(end, committed.at(-1)!.seq);
      assert.deepEqual(events.at(-1)?.['data'], committed.at(-1)!.data);
      assert.equal(events.at(-1)?.['type'], 'user.deactivated');

      const idle = await ok('GET', `/tenants/acme/events?after=${end}&wait=0.05`);
      assert.deepEqual(idle, { events: [], next: end, hasMore: false });
      assert.equal((await host('GET', `/tenants/acme/events?after=${end + 100}`)).status, 400, 'a cursor past the end is refused');
    });

    it('a waiting feed request is answered as soon as this process commits an event', async () => {
      const last = (await ok('GET', '/tenants/acme/events?after=0&limit=1000'))['next'] as number;
      const waiting = ok('GET', `/tenants/acme/events?after=${last}&wait=25`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const id = await createUser('woken@feed.example');
      const page = await waiting;
      const [event] = page['events'] as JsonObject[];
      assert.equal(event?.['type'], 'user.created');
      assert.equal(field(event, 'data', 'user', 'id'), id);
    });

    it('a snapshot matches the events up to its seq, even while changes are being made', async (test) => {
      const tenant = await t.addTenant('busy');
      const scope = { tenantId: tenant.tenant.id };
      const scim = (method: string, path: string, body?: JsonObject) =>
        t.server.app.inject({
          method: method as 'GET',
          url: `/scim/v2${path}`,
          headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/scim+json' },
          ...(body ? { payload: JSON.stringify(body) } : {}),
        });
      let writing = true;
      const writes = (async () => {
        for (let i = 0; i < 25; i++) {
          const created = await scim('POST', '/Users', { schemas: [USER], userName: `busy${i}@example.com` });
          const id = String((JSON.parse(created.body) as JsonObject)['id']);
          if (i % 3 === 0) await scim('DELETE', `/Users/${id}`);
          if (i % 5 === 0) await scim('POST', '/Groups', { schemas: [GROUP], displayName: `busy group ${i}`, members: [{ value: id }] });
        }
        writing = false;
      })();
      // Snapshots are taken back to back for as long as the writes go on.
      const snapshots: JsonObject[] = [];
      while (writing && snapshots.length < 200) {
        snapshots.push(await ok('GET', '/tenants/busy/snapshot'));
        // SQLite answers synchronously: let the writer's request get a turn of the event loop.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await writes;
      snapshots.push(await ok('GET', '/tenants/busy/snapshot'));

      const committed = await t.server.store.read(scope, (r) => r.events.after(0, 10_000));
      test.diagnostic(`${snapshots.length} snapshots at ${new Set(snapshots.map((s) => s['seq'])).size} distinct seqs of ${committed.length} events`);
      for (const snapshot of snapshots) {
        const seq = snapshot['seq'] as number;
        const people = new Set<string>();
        const groups = new Set<string>();
        for (const e of committed.filter((x) => x.seq <= seq)) {
          const userId = String(field(e.data, 'user', 'id'));
          const groupId = String(field(e.data, 'group', 'id'));
          if (e.type === 'user.created') people.add(userId);
          if (e.type === 'user.deleted') people.delete(userId);
          if (e.type === 'group.created') groups.add(groupId);
          if (e.type === 'group.deleted') groups.delete(groupId);
        }
        assert.deepEqual(ids(snapshot['people']).sort(), [...people].sort(), `people at seq ${seq}`);
        assert.deepEqual(ids(snapshot['groups']).sort(), [...groups].sort(), `groups at seq ${seq}`);
      }
      const final = snapshots.at(-1)!;
      assert.equal(final['seq'], committed.at(-1)!.seq);
      const withMembers = (final['groups'] as JsonObject[]).find((g) => g['displayName'] === 'busy group 5')!;
      assert.equal((withMembers['members'] as JsonValue[]).length, 1);
      // Following the feed from the snapshot's seq continues exactly after it.
      const next = await ok('GET', `/tenants/busy/events?after=${String(final['seq'])}`);
      assert.deepEqual(next['events'], []);
    });
  });
}
