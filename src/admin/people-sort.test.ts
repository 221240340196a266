import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer, type RosterServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { createTestDatabase, testEngines, type TestDatabase } from '../testing/databases.js';
import { peoplePageSchema, type PeoplePageView } from './view-schemas.js';

const OPERATOR = { email: 'ops@roster.example', password: 'operator passphrase 1' };
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PEOPLE = 23;
const PAGE = 5;

type Person = PeoplePageView['people'][number];

/** How each sort orders two people of the answer (ties by id, in the same direction). */
const KEYS: Record<string, (p: Person) => string> = {
  name: (p) => (p.name ?? '').toLowerCase(),
  userName: (p) => p.userName.toLowerCase(),
  updated: (p) => p.modifiedAt ?? '',
};

for (const { engine, skip } of testEngines()) {
  describe(`People overview sort on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let server: RosterServer;
    let cookie = '';

    const get = async (query: string) => {
      const r = await server.app.inject({ method: 'GET', url: `/admin/api/v1/tenants/acme/people?${query}`, headers: { cookie } });
      return { status: r.statusCode, body: r.json() as unknown };
    };

    before(async () => {
      database = await createTestDatabase(engine);
      server = await createServer(loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, PUBLIC_URL: 'https://roster.example.com' }));
      const acme = await createTenant(server.rt, { slug: 'acme', name: 'Acme' });
      await createAdmin(server.rt, OPERATOR);
      const token = (await issueCredential(server.rt, acme.id, 'bearer', 'okta')).secret;
      const ids: string[] = [];
      // Names repeat in different case (ties for the id to break); userNames are not in name order.
      for (let i = 0; i < PEOPLE; i++) {
        const r = await server.app.inject({
          method: 'POST',
          url: '/scim/v2/Users',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          payload: { schemas: [CORE], userName: `U${(i * 7) % PEOPLE}@acme.example`, displayName: i % 2 ? `Person ${i % 6}` : `person ${i % 6}`, active: true },
        });
        assert.equal(r.statusCode, 201, r.body);
        ids.push(String((r.json() as { id: string }).id));
      }
      // A later change to some people moves them in the last-change order.
      for (const id of ids.filter((_, i) => i % 4 === 0)) {
        const r = await server.app.inject({
          method: 'PATCH',
          url: `/scim/v2/Users/${id}`,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          payload: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] },
        });
        assert.equal(r.statusCode, 200, r.body);
      }
      cookie = String((await server.app.inject({ method: 'POST', url: '/admin/api/v1/session', payload: OPERATOR })).headers['set-cookie']).split(';')[0]!;
    });
    after(async () => {
      await server?.close();
      await database?.dispose();
    });

    for (const sort of ['name', '-name', 'userName', '-userName', 'updated', '-updated']) {
      it(`sort=${sort}: the pages give every person once, in order`, async () => {
        const seen: Person[] = [];
        let cursor: string | null = null;
        do {
          const r = await get(`sort=${encodeURIComponent(sort)}&limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          assert.equal(r.status, 200, JSON.stringify(r.body));
          const page = peoplePageSchema.parse(r.body);
          assert.equal(page.total, PEOPLE);
          seen.push(...page.people);
          cursor = page.nextCursor;
        } while (cursor);
        assert.equal(seen.length, PEOPLE);
        assert.equal(new Set(seen.map((p) => p.id)).size, PEOPLE, 'no person twice');
        const descending = sort.startsWith('-');
        const key = KEYS[descending ? sort.slice(1) : sort]!;
        for (let i = 1; i < seen.length; i++) {
          const [a, b] = [seen[i - 1]!, seen[i]!];
          const [ka, kb] = [key(a), key(b)];
          const ascending = ka === kb ? a.id < b.id : ka < kb;
          assert.equal(ascending, !descending, `${sort}: ${a.id} (${ka}) then ${b.id} (${kb})`);
        }
      });
    }

    it('refuses a cursor made under another sort, or under none, with 400', async () => {
      const byName = peoplePageSchema.parse((await get(`sort=name&limit=${PAGE}`)).body).nextCursor;
      const unsorted = peoplePageSchema.parse((await get(`limit=${PAGE}`)).body).nextCursor;
      assert.ok(byName && unsorted);
      assert.equal((await get(`sort=-name&limit=${PAGE}&cursor=${encodeURIComponent(byName)}`)).status, 400, 'another direction');
      assert.equal((await get(`sort=updated&limit=${PAGE}&cursor=${encodeURIComponent(byName)}`)).status, 400, 'another key');
      assert.equal((await get(`limit=${PAGE}&cursor=${encodeURIComponent(byName)}`)).status, 400, 'a sorted cursor without its sort');
      assert.equal((await get(`sort=name&limit=${PAGE}&cursor=${encodeURIComponent(unsorted)}`)).status, 400, 'an unsorted cursor under a sort');
      assert.equal((await get(`sort=name&limit=${PAGE}&cursor=s.not-json`)).status, 400, 'a cursor that does not decode');
      assert.equal((await get(`sort=email&limit=${PAGE}`)).status, 400, 'a sort the list does not offer');
    });
  });
}
