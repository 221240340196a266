import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../json/json-value.js';
import { listPossibleDuplicates } from '../provisioning/directory/possible-duplicates.js';
import { listFolders, listPeople, listPendingReferences, listRequestLog, membershipsOf, personOverview } from '../provisioning/directory/read-directory.js';
import { updateTenantSettings } from '../provisioning/tenants/manage-tenants.js';
import { tenantSettings } from '../provisioning/tenants/tenant-settings.js';
import { createUser } from '../provisioning/users/write-user.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, field, type TestServer } from '../testing/test-server.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patch = (...Operations: JsonObject[]) => ({ schemas: [PATCH], Operations });

/** A complete profile, as the seed guide's table recommends. */
function employee(userName: string, extra: JsonObject = {}, enterprise: JsonObject = {}): JsonObject {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    userName,
    name: { givenName: userName.split('@')[0]!, familyName: 'Example' },
    emails: [{ value: userName, type: 'work', primary: true }],
    addresses: [{ type: 'work', country: 'GB' }],
    preferredLanguage: 'en-GB',
    active: true,
    ...extra,
    [ENTERPRISE]: enterprise,
  };
}

for (const { engine, skip } of testEngines()) {
  describe(`the directory model from the seeds on ${engine}`, { skip }, () => {
    let t: TestServer;
    const scope = () => ({ tenantId: t.tenant.id });
    before(async () => {
      t = await createTestServer(engine);
    });
    after(async () => t?.close());

    const create = async (body: JsonObject) => {
      const r = await t.scim('POST', '/Users', body);
      assert.equal(r.status, 201, r.raw);
      return String(r.body['id']);
    };
    const user = async (id: string) => (await t.server.store.read(scope(), (r) => r.users.findById(id)))!;

    it('links every manager in one initial sync, even when reports arrive first', async () => {
      // Reports name their managers by userName, email, employeeNumber and externalId before those exist.
      const ann = await create(employee('ann@acme.example', {}, { manager: { value: 'ceo@acme.example' }, department: 'Sales' }));
      const bob = await create(employee('bob@acme.example', {}, { manager: { value: 'E-200' } }));
      const cat = await create(employee('cat@acme.example', {}, { manager: { value: 'hr-77' } }));
      assert.equal((await user(ann)).managerId, null);
      const pending = await listPendingReferences(t.server.rt, scope(), { limit: 50, offset: 0 });
      assert.deepEqual(pending.rows.map((p) => p.reference).sort(), ['E-200', 'ceo@acme.example', 'hr-77']);
      assert.ok(pending.rows.every((p) => p.ageMs >= 0));
      const ceo = await create(employee('ceo@acme.example', {}, { employeeNumber: 'E-200' }));
      const hr = await create(employee('hr@acme.example', { externalId: 'hr-77' }));
      assert.equal((await user(ann)).managerId, ceo);
      assert.equal((await user(bob)).managerId, ceo, 'by employeeNumber');
      assert.equal((await user(cat)).managerId, hr, 'by externalId');
      assert.equal((await listPendingReferences(t.server.rt, scope(), { limit: 50, offset: 0 })).total, 0);
      const overview = await personOverview(t.server.rt, scope(), ceo);
      assert.deepEqual(overview.reports.map((r) => r.userName).sort(), ['ann@acme.example', 'bob@acme.example']);
      // Entra sets the manager by SCIM id in a later PATCH, as an array (Example 5).
      const dan = await create(employee('dan@acme.example'));
      const set = await t.scim('PATCH', `/Users/${dan}`, patch({ op: 'Add', path: 'manager', value: [{ $ref: null, value: hr }] }));
      assert.equal(set.status, 200, set.raw);
      assert.equal((await user(dan)).managerId, hr);
    });

    it('reports businessUnit sent under the enterprise namespace, with the namespace that was meant', async () => {
      const id = await create(employee('wrongns@acme.example', {}, { businessUnit: 'Retail' }));
      const doc = (await user(id)).document;
      assert.equal(JSON.stringify(doc).includes('Retail'), false, 'not stored');
      const log = await (async () => {
        await t.server.requestLog.flush();
        return listRequestLog(t.server.rt, scope(), { resourceId: id, limit: 10 });
      })();
      const ignored = (log[0]?.notes['ignored'] ?? []) as JsonObject[];
      const entry = ignored.find((i) => String(i['path']).includes('businessUnit'));
      assert.ok(entry, JSON.stringify(log[0]?.notes));
      assert.equal(entry['reason'], 'unknownAttribute');
      assert.match(String(entry['suggestion']), new RegExp(`${ROSTER}:businessUnit`));
    });

    it('round-trips Roster extension attributes through POST, PUT, PATCH and filters', async () => {
      const id = await create(employee('ext@acme.example', { [ROSTER]: { businessUnit: 'Retail', hireDate: '2024-02-29', office: 'London' } }));
      const got = await t.scim('GET', `/Users/${id}`);
      assert.equal(field(got.body, ROSTER, 'hireDate'), '2024-02-29');
      assert.ok((got.body['schemas'] as string[]).includes(ROSTER));
      const patched = await t.scim(
        'PATCH',
        `/Users/${id}`,
        patch({ op: 'replace', path: `${ROSTER}:grade`, value: 'G7' }, { op: 'replace', value: { [`${ROSTER}:employeeType`]: 'Contractor' } }),
      );
      assert.equal(field(patched.body, ROSTER, 'grade'), 'G7');
      assert.equal(field(patched.body, ROSTER, 'employeeType'), 'Contractor');
      const found = await t.scim('GET', `/Users?filter=${encodeURIComponent(`${ROSTER}:office eq "london" and ${ROSTER}:grade eq "G7"`)}`);
      assert.equal(found.body['totalResults'], 1);
      const put = await t.scim('PUT', `/Users/${id}`, { ...got.body, [ROSTER]: { office: 'Paris' } });
      assert.equal(field(put.body, ROSTER, 'office'), 'Paris');
      assert.equal(field(put.body, ROSTER, 'grade'), undefined);
      const schemas = await t.scim('GET', `/Schemas/${ROSTER}`);
      assert.deepEqual(
        (schemas.body['attributes'] as JsonObject[]).map((a) => a['name']),
        ['businessUnit', 'employeeType', 'employeeLevel', 'grade', 'office', 'hireDate', 'externalId'],
      );
    });

    it("with valueRules 'enforce', rejects each invalid value precisely, writes nothing, and accepts the good forms", async () => {
      await updateTenantSettings(t.server.rt, 'acme', { valueRules: 'enforce' });
      try {
        await rejectsInvalidValues();
      } finally {
        await updateTenantSettings(t.server.rt, 'acme', { valueRules: 'report' });
      }
    });

    const rejectsInvalidValues = async () => {
      const bad: [JsonObject, RegExp][] = [
        [employee('v1@acme.example', { [ROSTER]: { hireDate: '2023-02-29' } }), /hireDate "2023-02-29".*yyyy-MM-dd/],
        [employee('v2@acme.example', { [ROSTER]: { hireDate: '01/02/2023' } }), /hireDate/],
        [employee('v3@acme.example', { timezone: 'GMT+1 London' }), /timezone "GMT\+1 London".*IANA/],
        [employee('v4@acme.example', { preferredLanguage: 'klingon' }), /preferredLanguage "klingon".*en_gb/],
        [employee('v5@acme.example', { addresses: [{ type: 'work', country: 'United Kingdom' }] }), /country "United Kingdom".*ISO 3166-1 alpha-2/],
        [employee('v6@acme.example', { emails: [{ type: 'work', value: 'not an email' }] }), /emails\[type eq "work"\]\.value "not an email"/],
      ];
      for (const [body, detail] of bad) {
        const r = await t.scim('POST', '/Users', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.body['scimType'], 'invalidValue');
        assert.match(String(r.body['detail']), detail);
      }
      const none = await t.scim('GET', `/Users?filter=${encodeURIComponent('userName sw "v"')}`);
      assert.equal(none.body['totalResults'], 0, 'nothing written');
      const good = await t.scim(
        'POST',
        '/Users',
        employee('v7@acme.example', {
          timezone: 'Europe/London',
          preferredLanguage: 'EN_gb',
          phoneNumbers: [{ type: 'mobile', value: '+44 (0) 7700 900123' }],
          [ROSTER]: { hireDate: '2024-02-29' },
        }),
      );
      assert.equal(good.status, 201, good.raw);
      assert.equal(good.body['preferredLanguage'], 'EN_gb', 'stored as sent');
      assert.equal(field(good.body, 'phoneNumbers', 0, 'value'), '+44 (0) 7700 900123');
      const patchBad = await t.scim('PATCH', `/Users/${String(good.body['id'])}`, patch({ op: 'replace', path: 'timezone', value: 'Mars/Olympus' }));
      assert.equal(patchBad.status, 400);
      assert.equal((await t.scim('GET', `/Users/${String(good.body['id'])}`)).body['timezone'], 'Europe/London');
    };

    it('on default settings, keeps every rule-breaking value exactly as sent, reads it back, and warns in the log', async () => {
      assert.equal(tenantSettings(t.tenant).valueRules, 'report');
      const odd: JsonObject = {
        timezone: 'GMT+1 London',
        preferredLanguage: 'klingon',
        addresses: [{ type: 'work', country: 'Bermuda' }],
        emails: [
          { type: 'work', value: 'lenient@acme.example', primary: true },
          { type: 'other', value: 'not an email' },
        ],
        [ROSTER]: { hireDate: '01/02/2023' },
      };
      const r = await t.scim('POST', '/Users', employee('lenient@acme.example', odd));
      assert.equal(r.status, 201, r.raw);
      const id = String(r.body['id']);
      const read = await t.scim('GET', `/Users/${id}`);
      for (const [key, value] of Object.entries(odd)) assert.deepEqual(read.body[key], value, `${key} reads back as sent`);
      await t.server.requestLog.flush();
      const log = await listRequestLog(t.server.rt, scope(), { resourceId: id, limit: 5 });
      const warnings = JSON.stringify(log.find((e) => e.method === 'POST')?.notes['warnings'] ?? null);
      for (const expected of [
        /country \\"Bermuda\\"/,
        /timezone \\"GMT\+1 London\\"/,
        /preferredLanguage \\"klingon\\"/,
        /hireDate \\"01\/02\/2023\\"/,
        /emails\[type eq \\"other\\"\]\.value \\"not an email\\"/,
      ]) {
        assert.match(warnings, expected);
      }
      // A PATCH that sets another odd value succeeds too; the log names only what that request changed.
      const patched = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: 'timezone', value: 'Mars/Olympus' }));
      assert.equal(patched.status, 200, patched.raw);
      assert.equal(patched.body['timezone'], 'Mars/Olympus');
      await t.server.requestLog.flush();
      const latest = (await listRequestLog(t.server.rt, scope(), { resourceId: id, limit: 5 })).find((e) => e.method === 'PATCH');
      assert.deepEqual(latest?.notes['warnings'], ['timezone "Mars/Olympus" is not accepted: an IANA time zone such as Europe/London or America/New_York']);
    });

    it('flags incomplete profiles with what is missing, filterably', async () => {
      const id = await create({ userName: 'thin@acme.example' });
      const stored = await user(id);
      assert.deepEqual(stored.missing, ['emails[type eq "work"].value', 'name.givenName', 'name.familyName', 'addresses[type eq "work"].country', 'preferredLanguage']);
      const incomplete = await listPeople(t.server.rt, scope(), { incomplete: true }, { limit: 100 });
      assert.ok(incomplete.rows.some((u) => u.id === id));
      assert.ok(incomplete.rows.every((u) => u.missing.length > 0));
      await t.scim('PUT', `/Users/${id}`, employee('thin@acme.example'));
      assert.deepEqual((await user(id)).missing, []);
    });

    it('moves a person between folders when the department changes; folders are not /Groups', async () => {
      const id = await create(employee('mover@acme.example', {}, { department: 'Finance', division: 'EMEA', organization: 'Acme' }));
      const folders = async () => (await membershipsOf(t.server.rt, scope(), id)).folders.map((f) => `${f.kind}:${f.value}`).sort();
      assert.deepEqual(await folders(), ['department:Finance', 'division:EMEA', 'organization:Acme']);
      await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Engineering' }));
      assert.deepEqual(await folders(), ['department:Engineering', 'division:EMEA', 'organization:Acme']);
      const all = (await listFolders(t.server.rt, scope(), 'department')).map((f) => ({ ...f.folder, memberCount: f.memberCount }));
      assert.deepEqual(all.find((f) => f.value === 'Finance')?.memberCount, { count: 0, exact: true }, 'an empty folder says so');
      const inEngineering = await listPeople(t.server.rt, scope(), { folderId: all.find((f) => f.value === 'Engineering')!.id }, { limit: 10 });
      assert.deepEqual(
        inEngineering.rows.map((u) => u.id),
        [id],
      );
      const groups = await t.scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Engineering"')}`);
      assert.equal(groups.body['totalResults'], 0);
    });

    it('deactivates and reactivates without losing attributes, groups, folders or manager links', async () => {
      const boss = await create(employee('boss@acme.example'));
      const id = await create(employee('sleeper@acme.example', { title: 'Analyst' }, { department: 'Ops', manager: { value: boss } }));
      const group = await t.scim('POST', '/Groups', { displayName: 'Night shift', members: [{ value: id }] });
      const before = await membershipsOf(t.server.rt, scope(), id);
      await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', value: { active: false } }));
      const during = await user(id);
      assert.equal(during.active, false);
      assert.equal(during.managerId, boss);
      await t.scim('PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'True' }));
      const after = await membershipsOf(t.server.rt, scope(), id);
      assert.equal(after.user.active, true);
      assert.equal(after.user.managerId, boss);
      assert.equal(after.user.document['title'], 'Analyst');
      assert.deepEqual(after.groups, before.groups);
      assert.deepEqual(
        after.folders.map((f) => f.id),
        before.folders.map((f) => f.id),
      );
      assert.equal(after.groups[0]?.groupId, String(group.body['id']));
    });

    it('adopts a profile an SSO login made instead of duplicating it; refuses a SCIM-managed one', async () => {
      const sso = await createUser(
        t.server.rt,
        scope(),
        { userName: 'jit@acme.example', emails: [{ value: 'jit@acme.example', type: 'work' }] },
        tenantSettings(t.tenant),
        'sso',
      );
      const r = await t.scim('POST', '/Users', employee('JIT@acme.example'));
      assert.equal(r.status, 201, r.raw);
      assert.equal(r.body['id'], sso.user.id, 'the same profile');
      assert.equal((await user(sso.user.id)).source, 'scim');
      const again = await t.scim('POST', '/Users', employee('jit@acme.example'));
      assert.equal(again.status, 409);
      // Matching by work email: a different userName with the same email is the same person.
      await updateTenantSettings(t.server.rt, 'acme', { matchingField: 'email' });
      const byEmail = await createUser(
        t.server.rt,
        scope(),
        { userName: 'j.smith', emails: [{ value: 'jane.smith@acme.example', type: 'work' }] },
        { ...tenantSettings(t.tenant), matchingField: 'email' },
        'sso',
      );
      const adopted = await t.server.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify(employee('jane.smith@acme.example')),
      });
      assert.equal(JSON.parse(adopted.body).id, byEmail.user.id);
      await updateTenantSettings(t.server.rt, 'acme', { matchingField: 'userName' });
    });

    it('lists possible duplicates: same email or same name with different userNames', async () => {
      await create(employee('twin1@acme.example', { name: { givenName: 'Sam', familyName: 'Twin' } }));
      await create(employee('twin2@acme.example', { name: { givenName: 'sam', familyName: 'TWIN' } }));
      await create(employee('shared1@acme.example', { emails: [{ type: 'work', value: 'shared@acme.example' }] }));
      await create(employee('shared2@acme.example', { emails: [{ type: 'work', value: 'Shared@acme.example' }] }));
      const dups = await listPossibleDuplicates(t.server.rt, scope(), { limit: 100 });
      const keys = dups.sets.map((d) => `${d.reason}:${d.key}`);
      assert.ok(keys.includes('name:sam twin'), keys.join());
      assert.ok(keys.includes('email:shared@acme.example'), keys.join());
    });

    it('publishes the extension under a tenant URN without losing stored data', async () => {
      const id = await create(employee('urn@acme.example', { [ROSTER]: { office: 'Leeds' } }));
      const custom = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
      await updateTenantSettings(t.server.rt, 'acme', { extensionUrn: custom });
      const got = await t.scim('GET', `/Users/${id}`);
      assert.equal(field(got.body, custom, 'office'), 'Leeds');
      assert.equal(got.body[ROSTER], undefined);
      const patched = await t.scim('PATCH', `/Users/${id}`, patch({ op: 'replace', path: `${custom}:grade`, value: 'G2' }));
      assert.equal(field(patched.body, custom, 'grade'), 'G2');
      const filtered = await t.scim('GET', `/Users?filter=${encodeURIComponent(`${custom}:office eq "Leeds"`)}`);
      assert.equal(filtered.body['totalResults'], 1);
      assert.equal((await t.scim('GET', `/Schemas/${custom}`)).status, 200);
      await updateTenantSettings(t.server.rt, 'acme', { extensionUrn: ROSTER });
      assert.equal(field((await t.scim('GET', `/Users/${id}`)).body, ROSTER, 'grade'), 'G2');
    });

    it('deletes a person with an audit record that holds no personal data, and emits events', async () => {
      const id = await create(employee('leaving@acme.example'));
      assert.equal((await t.scim('DELETE', `/Users/${id}`)).status, 204);
      const engineDb = t.server.store;
      const events = await engineDb.read(scope(), (r) => r.events.after(0, 10_000));
      const mine = events.filter((e) => JSON.stringify(e.data).includes(id));
      assert.deepEqual(
        mine.map((e) => e.type),
        ['user.created', 'user.deleted'],
      );
      assert.equal(JSON.stringify(mine[1]!.data).includes('leaving@'), false);
      const seqs = events.map((e) => e.seq);
      assert.deepEqual(
        seqs,
        seqs.map((_, i) => i + 1),
        'numbered without gaps',
      );
    });
  });
}
