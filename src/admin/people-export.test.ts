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
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
/** More than one page of the export (500), so the keyset paging is crossed. */
const PEOPLE = 620;

/** RFC 4180 records back into cells, to read the export as a spreadsheet would. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  assert.equal(cell + row.join(''), '', 'the text ends with a record end');
  return rows;
}

for (const { engine, skip } of testEngines()) {
  describe(`people export as CSV on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let server: RosterServer;
    let token = '';

    const signIn = async (who: { email: string; password: string }) =>
      String((await server.app.inject({ method: 'POST', url: '/admin/api/v1/session', payload: who })).headers['set-cookie']).split(';')[0]!;
    const scim = async (payload: JsonObject) =>
      (
        await server.app.inject({
          method: 'POST',
          url: '/scim/v2/Users',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          payload,
        })
      ).statusCode;

    before(async () => {
      database = await createTestDatabase(engine);
      server = await createServer(loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: database.url, PUBLIC_URL: 'https://roster.example.com' }));
      const acme = await createTenant(server.rt, { slug: 'acme', name: 'Acme' });
      await createTenant(server.rt, { slug: 'globex', name: 'Globex' });
      await createAdmin(server.rt, OPERATOR);
      await createAdmin(server.rt, { ...GLOBEX_ADMIN, tenantSlug: 'globex' });
      token = (await issueCredential(server.rt, acme.id, 'bearer', 'okta')).secret;
      // Values a spreadsheet would misread: a formula, a comma, quotes, a line break.
      assert.equal(
        await scim({ schemas: [CORE], userName: 'formula@acme.example', displayName: '=HYPERLINK("http://evil.example","x")', title: '+1 555', active: true }),
        201,
      );
      assert.equal(await scim({ schemas: [CORE], userName: 'comma@acme.example', displayName: 'Lovelace, Ada "the Countess"', title: 'two\nlines', active: false }), 201);
      for (let i = 2; i < PEOPLE; i++) assert.equal(await scim({ schemas: [CORE], userName: `p${String(i).padStart(4, '0')}@acme.example`, active: true }), 201);
    });
    after(async () => {
      await server?.close();
      await database?.dispose();
    });

    it('streams every person once, across pages, escaped, with formulas made text', async () => {
      const cookie = await signIn(OPERATOR);
      const response = await server.app.inject({ method: 'GET', url: '/admin/api/v1/tenants/acme/people.csv', headers: { cookie } });
      assert.equal(response.statusCode, 200, response.body.slice(0, 300));
      assert.match(String(response.headers['content-type']), /^text\/csv/);
      assert.equal(response.headers['content-disposition'], 'attachment; filename="acme-people.csv"');
      const [header, ...rows] = parseCsv(response.body);
      assert.deepEqual(header, ['id', 'userName', 'name', 'email', 'title', 'department', 'status', 'source', 'missing', 'createdAt', 'modifiedAt']);
      assert.equal(rows.length, PEOPLE);
      assert.equal(new Set(rows.map((r) => r[0])).size, PEOPLE, 'no one twice');
      const formula = rows.find((r) => r[1] === 'formula@acme.example')!;
      assert.equal(formula[2], `'=HYPERLINK("http://evil.example","x")`);
      assert.equal(formula[4], "'+1 555");
      const comma = rows.find((r) => r[1] === 'comma@acme.example')!;
      assert.deepEqual([comma[2], comma[4], comma[6]], ['Lovelace, Ada "the Countess"', 'two\nlines', 'inactive']);
    });

    it("takes the list's filters, and keeps another tenant's admin out", async () => {
      const cookie = await signIn(OPERATOR);
      const inactive = await server.app.inject({ method: 'GET', url: '/admin/api/v1/tenants/acme/people.csv?status=inactive', headers: { cookie } });
      assert.deepEqual(
        parseCsv(inactive.body)
          .slice(1)
          .map((r) => r[1]),
        ['comma@acme.example'],
      );
      assert.equal((await server.app.inject({ method: 'GET', url: '/admin/api/v1/tenants/acme/people.csv?sort=evil', headers: { cookie } })).statusCode, 400);
      const globex = await signIn(GLOBEX_ADMIN);
      assert.equal((await server.app.inject({ method: 'GET', url: '/admin/api/v1/tenants/acme/people.csv', headers: { cookie: globex } })).statusCode, 404);
    });
  });
}
