// Nothing applied silently: an attribute sent outside its schema's namespace is not stored there,
// and the provisioning log — read through the admin API, as the console reads it — says so and
// names what was probably meant (README.md#the-directory-model; RFC 7644 §3.10: only the core
// schema's URN may be left out).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../json/json-value.js';
import { createAdmin } from '../provisioning/admins/manage-admins.js';
import { updateTenantSettings } from '../provisioning/tenants/manage-tenants.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, field, type TestServer } from '../testing/test-server.js';

const API = '/admin/api/v1';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
/** The product extension URN of the seed guide's attribute table: another product's, not this tenant's. */
const CYBSAFE = 'urn:ietf:params:scim:schemas:extension:cybsafe:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ADMIN = { email: 'it@acme.example', password: 'acme admin passphrase', tenantSlug: 'acme' };

interface LoggedIgnored {
  path: string;
  reason: string;
  suggestion: string | null;
  matches: string[];
}

const person = (userName: string, extra: JsonObject = {}): JsonObject => ({
  schemas: [CORE, ENTERPRISE],
  userName,
  name: { givenName: 'Pat', familyName: 'Example' },
  emails: [{ value: userName, type: 'work', primary: true }],
  [ENTERPRISE]: { department: 'Sales' },
  ...extra,
});

for (const { engine, skip } of testEngines()) {
  describe(`attributes outside their namespace on ${engine}`, { skip }, () => {
    let t: TestServer;
    let cookie = '';

    before(async () => {
      t = await createTestServer(engine);
      await createAdmin(t.server.rt, ADMIN);
      const signIn = await t.server.app.inject({ method: 'POST', url: `${API}/session`, payload: { email: ADMIN.email, password: ADMIN.password } });
      assert.equal(signIn.statusCode, 200, signIn.body);
      cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
    });
    after(async () => t?.close());

    const admin = async (path: string): Promise<JsonObject> => {
      const response = await t.server.app.inject({ method: 'GET', url: `${API}/tenants/acme${path}`, headers: { cookie } });
      assert.equal(response.statusCode, 200, response.body);
      return JSON.parse(response.body) as JsonObject;
    };
    /** The newest provisioning-log entry about `id`, as the console's log page receives it. */
    const lastLogged = async (id: string): Promise<JsonObject> => {
      const entries = (await admin('/log?limit=20'))['entries'] as JsonObject[];
      const entry = entries.find((e) => e['resourceId'] === id);
      assert.ok(entry, `a log entry for ${id}`);
      return entry;
    };
    const ignoredOf = (entry: JsonObject) => entry['ignored'] as unknown as LoggedIgnored[];
    const foldersOf = async (id: string) => ((await admin(`/people/${id}`))['folders'] as JsonObject[]).map((f) => `${String(f['kind'])}:${String(f['value'])}`);
    const departmentFolders = async () => ((await admin('/folders?kind=department'))['folders'] as JsonObject[]).map((f) => String(f['value'])).sort();

    it('POST with a top-level `Department` keeps the enterprise department and the folder, and the log names the attribute meant', async () => {
      const created = await t.scim('POST', '/Users', person('pat@acme.example', { Department: 'Finance' }));
      assert.equal(created.status, 201, created.raw);
      const id = String(created.body['id']);
      assert.equal(field(created.body, ENTERPRISE, 'department'), 'Sales');
      assert.equal(created.body['Department'], undefined);
      assert.deepEqual(await foldersOf(id), ['department:Sales']);
      assert.deepEqual(await departmentFolders(), ['Sales'], 'no folder was made for the ignored value');
      const entry = await lastLogged(id);
      assert.deepEqual(ignoredOf(entry), [{ path: 'Department', reason: 'notCoreAttribute', suggestion: `${ENTERPRISE}:department`, matches: [] }]);
    });

    it('PUT and PATCH (with a path, and with a no-path value) with a bare department change nothing, and each request is noted', async () => {
      const created = await t.scim('POST', '/Users', person('sam@acme.example'));
      assert.equal(created.status, 201, created.raw);
      const id = String(created.body['id']);
      const requests: [string, JsonObject][] = [
        ['PUT', person('sam@acme.example', { department: 'Finance' })],
        ['PATCH', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'Department', value: 'Finance' }] }],
        ['PATCH', { schemas: [PATCH], Operations: [{ op: 'Add', value: { department: 'Finance', title: 'Analyst' } }] }],
        ['PATCH', { schemas: [PATCH], Operations: [{ op: 'remove', path: 'department' }] }],
      ];
      for (const [method, body] of requests) {
        const response = await t.scim(method, `/Users/${id}`, body);
        assert.equal(response.status, 200, `${method} ${JSON.stringify(body)}: ${response.raw}`);
        assert.equal(field(response.body, ENTERPRISE, 'department'), 'Sales', JSON.stringify(body));
        const entry = await lastLogged(id);
        const [ignored] = ignoredOf(entry);
        assert.equal(ignored?.reason, 'notCoreAttribute', JSON.stringify(entry));
        assert.equal(ignored?.suggestion, `${ENTERPRISE}:department`);
        assert.ok(!(entry['changes'] as string[]).some((c) => c.includes('department')), JSON.stringify(entry['changes']));
      }
      assert.equal((await t.scim('GET', `/Users/${id}`)).body['title'], 'Analyst', 'the rest of the no-path value applied');
      assert.deepEqual(await foldersOf(id), ['department:Sales']);
      assert.deepEqual(await departmentFolders(), ['Sales']);
    });

    it('the qualified department still moves the person, and the log names that attribute', async () => {
      const created = await t.scim('POST', '/Users', person('kim@acme.example'));
      const id = String(created.body['id']);
      const moved = await t.scim('PATCH', `/Users/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Legal' }],
      });
      assert.equal(moved.status, 200, moved.raw);
      assert.deepEqual(await foldersOf(id), ['department:Legal']);
      assert.deepEqual((await lastLogged(id))['changes'], [`${ENTERPRISE}:department`]);
    });

    it("a block under another product's extension URN is ignored, and the log points at the tenant's own extension URN", async () => {
      const created = await t.scim('POST', '/Users', person('lee@acme.example', { [CYBSAFE]: { businessUnit: 'Retail', hireDate: '2024-02-01' } }));
      assert.equal(created.status, 201, created.raw);
      assert.equal(created.body[ROSTER], undefined);
      assert.deepEqual(ignoredOf(await lastLogged(String(created.body['id']))), [
        { path: CYBSAFE, reason: 'unknownSchema', suggestion: ROSTER, matches: ['businessUnit', 'hireDate'] },
      ]);
    });

    it('with the tenant publishing its extension under its own URN, that URN is the one named, in the log and in a PATCH refusal', async () => {
      const own = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
      await updateTenantSettings(t.server.rt, 'acme', { extensionUrn: own });
      try {
        const created = await t.scim('POST', '/Users', person('max@acme.example', { [CYBSAFE]: { Office: 'Leeds' } }));
        assert.equal(created.status, 201, created.raw);
        const id = String(created.body['id']);
        assert.deepEqual(ignoredOf(await lastLogged(id)), [{ path: CYBSAFE, reason: 'unknownSchema', suggestion: own, matches: ['office'] }]);
        // PATCH refuses a name it does not know (RFC 7644 §3.5.2, invalidPath), as before; the detail now says what was meant.
        const refused = await t.scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'add', value: { [CYBSAFE]: { office: 'Leeds' } } }] });
        assert.equal(refused.status, 400, refused.raw);
        assert.equal(refused.body['scimType'], 'invalidPath');
        assert.match(
          String(refused.body['detail']),
          new RegExp(`unknown schema "${CYBSAFE}"; its attributes "office" are attributes of "${own}"; did you mean that URN\\?`),
        );
        const qualified = await t.scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'add', path: `${CYBSAFE}:office`, value: 'Leeds' }] });
        assert.equal(qualified.status, 400, qualified.raw);
        assert.match(String(qualified.body['detail']), new RegExp(`Did you mean "${own}:office"\\?`));
      } finally {
        await updateTenantSettings(t.server.rt, 'acme', { extensionUrn: ROSTER });
      }
    });

    it('a core attribute in another case is the same attribute: stored, with nothing noted', async () => {
      const created = await t.scim('POST', '/Users', person('ada@acme.example', { DisplayName: 'Ada E.' }));
      assert.equal(created.status, 201, created.raw);
      assert.equal(created.body['displayName'], 'Ada E.');
      assert.deepEqual(ignoredOf(await lastLogged(String(created.body['id']))), []);
    });
  });
}
