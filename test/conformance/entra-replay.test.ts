/**
 * Microsoft Entra ID's provisioning traffic, replayed as Entra sends it: the recorded exchanges of
 * src/scim/quirks/fixtures/replays/entra.json, drawn from docs/idp-behaviors.md#entra-lifecycle,
 * docs/idp-behaviors.md#entra-example-requests, both forms of each body of
 * docs/idp-behaviors.md#entra-compliance-flag (with and without the `aadOptscim062020` flag) and the
 * quirks E1–E16 of docs/idp-behaviors.md#entra-quirks. Each test names the item it replays. Ids in
 * Microsoft's examples are replaced by the ids Roster gave; everything else is verbatim.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../../src/json/json-value.js';
import { listRequestLog } from '../../src/provisioning/directory/read-directory.js';
import { testEngines } from '../../src/testing/databases.js';
import { createTestServer, field, type TestServer } from '../../src/testing/test-server.js';
import { Recording, type Variables } from './recorded-exchanges.js';
import { ENTERPRISE, GROUP, PATCH_OP, USER, assertListResponse, assertScimError, assertScimJson, idOf, memberIds, said } from './replay-helpers.js';

/** Entra's documented requests, as recorded JSON exchanges (docs/idp-behaviors.md#fixtures-and-replays). */
const ENTRA_FILE = 'entra.json';

for (const { engine, skip } of testEngines()) {
  describe(`Entra ID replay on ${engine}`, { skip }, () => {
    let t: TestServer;
    const entra = new Recording(ENTRA_FILE);
    /** Ids Roster gave, in place of the ids of Microsoft's examples. */
    let testUserId = '';
    let joyId = '';
    let groupId = '';
    const extraUsers: string[] = [];

    before(async () => {
      t = await createTestServer(engine);
    });
    after(async () => t?.close());

    const send = (name: string, variables: Variables = {}) => entra.send(t, name, variables);
    const readUser = async (id: string) => (await send('get-user', { userId: id })).body;
    /** Test setup, not Entra traffic: a plain user to point a manager or a membership at. */
    const makeUser = async (userName: string, extra: JsonObject = {}) => {
      const response = await t.scim('POST', '/Users', { schemas: [USER], userName, ...extra });
      assert.equal(response.status, 201, said(`POST /Users ${userName}`, response));
      return idOf(response, 'POST /Users');
    };

    it('E12 Test Connection: filter on a random GUID → 200 empty ListResponse (not 404); a bad token → 401 SCIM error', async () => {
      const guid = 'c0ffee00-5bd1-4c7e-9a3b-1f2e3d4c5b6a';
      // Observed on the wire: quoted value, `+` for spaces (third-party: azure-docs 11784); also the %20 form.
      for (const name of ['test-connection-username', 'test-connection-username-percent', 'test-connection-external-id', 'test-connection-work-email']) {
        const resources = assertListResponse(await send(name, { guid }), name, 0);
        assert.deepEqual(resources, []);
      }
      // "fetch a random user and group"
      assertListResponse(await send('test-connection-group', { guid }), 'GET /Groups?filter=displayName eq <guid>', 0);
      assertScimError(await send('test-connection-refused', { guid }), 401, 'Test Connection with a wrong token');
    });

    it('"Discover schema": GET /Schemas → ListResponse with User ("User Account"), Group and EnterpriseUser, no nulls, camelCase', async () => {
      const response = await send('discover-schema');
      const resources = assertListResponse(response, 'GET /Schemas');
      assert.ok(response.raw.includes('User Account'), 'Microsoft\'s collection asserts the body contains "User Account"');
      const ids = resources.map((r) => r['id']);
      for (const id of [USER, GROUP, ENTERPRISE]) assert.ok(ids.includes(id), `GET /Schemas lists ${id}`);
      assert.equal(resources.find((r) => r['id'] === USER)?.['description'], 'User Account');
      assert.equal(/:\s*null\b/.test(response.raw), false, '"If a value isn\'t present, don\'t send null values."');
      const mutabilities = new Set([...response.raw.matchAll(/"mutability":"([^"]*)"/g)].map((m) => m[1]));
      for (const mutability of mutabilities) {
        assert.ok(['readOnly', 'readWrite', 'immutable', 'writeOnly'].includes(String(mutability)), `camelCase mutability: ${mutability}`);
      }
    });

    it('E8 create user with the verbatim body (client meta, roles: [], enterprise URN without extension) → 201 as in the doc', async () => {
      const response = await send('create-user');
      assertScimJson(response, 'POST /Users');
      testUserId = idOf(response, 'POST /Users');
      const body = response.body;
      assert.ok((body['schemas'] as string[]).includes(USER));
      assert.equal(body['externalId'], '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef');
      assert.equal(body['userName'], 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee');
      assert.equal(body['active'], true);
      assert.deepEqual(body['name'], { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' });
      assert.deepEqual(body['emails'], [{ value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com', type: 'work', primary: true }]);
      assert.equal(field(body, 'meta', 'resourceType'), 'User');
      assert.ok(!Number.isNaN(Date.parse(String(field(body, 'meta', 'created')))), "meta.created is the server's, an ISO date");
      const roles = body['roles'];
      assert.ok(roles === undefined || (Array.isArray(roles) && roles.length === 0), `roles: [] stays empty: ${JSON.stringify(roles)}`);
    });

    it('"Get User" (Example 3) → 200 with the user; "Get User — not found" → 404 with status "404"', async () => {
      const body = await readUser(testUserId);
      assert.equal(body['id'], testUserId);
      assert.equal(body['userName'], 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee');
      assertScimError(await send('get-unknown-user'), 404, 'GET /Users/<unknown>');
    });

    it('E6 "Get User by query": userName eq → one resource; "zero results" → an empty ListResponse', async () => {
      const [found] = assertListResponse(await send('filter-user-name', { userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee' }), 'userName eq', 1);
      assert.equal(found?.['id'], testUserId);
      assert.equal(found?.['externalId'], '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef');
      assert.deepEqual(assertListResponse(await send('filter-user-name-none'), 'zero results', 0), []);
    });

    it('E14 duplicate create → 409 uniqueness, and the PATCH Entra sends next still applies', async () => {
      assertScimError(await send('create-user-again'), 409, 'POST /Users (duplicate)', 'uniqueness');
      await send('enable-user', { userId: testUserId });
    });

    it('"Example 2": nulls, top-level department/manager and the typo\'d extension URN → 201; the nulls set nothing', async () => {
      const response = await send('create-user-example-2');
      joyId = idOf(response, 'POST /Users');
      const body = await readUser(joyId);
      assert.equal(body['userName'], 'jyoung@testuser.com');
      assert.equal(body['externalId'], 'jyoung');
      assert.equal(body['displayName'], 'Joy Young');
      assert.equal(body['active'], true);
      assert.deepEqual(body['name'], { familyName: 'Young', givenName: 'Joy' });
      assert.deepEqual(body['emails'], [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }], 'stored as sent, case kept');
      for (const absent of ['addresses', 'phoneNumbers', 'preferredLanguage', 'title', 'department', 'manager']) {
        assert.equal(body[absent], undefined, `${absent}: null means unassigned (RFC 7643 §2.5)`);
      }
      assert.equal(field(body, ENTERPRISE, 'department'), undefined);
      assert.equal(field(body, ENTERPRISE, 'manager'), undefined);
      assert.equal(JSON.stringify(body['schemas']).includes('2.0User'), false, 'the misspelt URN is not claimed');
    });

    it("E6 externalId eq: quoted with + (wire form) and unquoted (the doc's older example) → the user", async () => {
      for (const name of ['filter-external-id', 'filter-external-id-unquoted']) {
        const [found] = assertListResponse(await send(name, { externalId: 'jyoung' }), name, 1);
        assert.equal(found?.['id'], joyId);
      }
    });

    it('E6 emails[type eq "work"].value eq "…" (non-RFC grammar Entra uses for uniqueness) → the user, case-insensitively', async () => {
      for (const email of ['jyoung@Contoso.com', 'JYOUNG@contoso.COM']) {
        const [found] = assertListResponse(await send('filter-work-email', { email }), `emails[type eq "work"].value eq "${email}"`, 1);
        assert.equal(found?.['id'], joyId);
      }
      assertListResponse(await send('filter-home-email', { email: 'jyoung@Contoso.com' }), 'emails[type eq "home"].value eq … (wrong type)', 0);
    });

    it('E1 "Update User [Multi-valued properties]": capitalised Replace ops → 200 with the full, changed user', async () => {
      const response = await send('update-user-multivalued', { userId: testUserId });
      assert.equal(response.body['id'], testUserId);
      const body = await readUser(testUserId);
      assert.deepEqual(body['emails'], [{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }]);
      assert.equal(field(body, 'name', 'familyName'), 'updatedFamilyName');
      assert.equal(field(body, 'name', 'givenName'), 'givenName');
    });

    const renamedUserName = '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com';

    it('E1 "Update User [Single-valued properties]": Replace userName → 200; the new userName finds the user', async () => {
      const response = await send('update-user-singlevalued', { userId: testUserId });
      assert.equal(response.body['userName'], renamedUserName);
      const [found] = assertListResponse(await send('filter-user-name', { userName: renamedUserName }), 'userName eq <new>', 1);
      assert.equal(found?.['id'], testUserId);
    });

    it('E2 disable with the string "False" (no flag) and with boolean false (aadOptscim062020) → 200, active false as a boolean', async () => {
      const unflagged = await send('disable-user-unflagged', { userId: testUserId });
      assert.equal(unflagged.body['active'], false);
      assert.equal((await readUser(testUserId))['active'], false, 'read back: boolean false');
      assertListResponse(await send('filter-user-name', { userName: renamedUserName }), 'a disabled user is still found', 1);

      await send('enable-user-unflagged', { userId: testUserId });
      assert.equal((await readUser(testUserId))['active'], true);

      await send('disable-user-flagged', { userId: testUserId });
      assert.equal((await readUser(testUserId))['active'], false);

      // "Disable User" as the tutorial prints it: Operations before schemas.
      await send('enable-user', { userId: testUserId });
      await send('disable-user-tutorial', { userId: testUserId });
      assert.equal((await readUser(testUserId))['active'], false);
    });

    it('E2 POST with "active": "True" (Microsoft\'s collection) → 201 and a boolean true', async () => {
      const response = await send('create-user-string-true');
      assert.equal(response.body['active'], true);
      extraUsers.push(idOf(response, 'POST'));
    });

    it('E3 "Replace multiple attributes" without the flag: six Replace ops incl. a value filter and a URN path → 200, all applied', async () => {
      await send('replace-multiple-unflagged', { userId: joyId });
      const body = await readUser(joyId);
      assert.equal(body['displayName'], 'Pvlo');
      assert.deepEqual(body['emails'], [{ type: 'work', value: 'TestBcwqnm@test.microsoft.com', primary: true }]);
      assert.equal(field(body, 'name', 'givenName'), 'Gtfd');
      assert.equal(field(body, 'name', 'familyName'), 'Pkqf');
      assert.equal(body['externalId'], 'Eqpj');
      assert.equal(field(body, ENTERPRISE, 'employeeNumber'), 'Eqpj');
      assert.ok((body['schemas'] as string[]).includes(ENTERPRISE), 'the extension URN is listed once the extension has a value');
      const [found] = assertListResponse(await send('filter-external-id', { externalId: 'Eqpj' }), 'externalId eq <replaced value>', 1);
      assert.equal(found?.['id'], joyId);
      assertListResponse(await send('filter-external-id', { externalId: 'jyoung' }), 'externalId eq <old value>', 0);
    });

    it('E3 "Replace multiple attributes" with the flag: path-less replace whose keys are dotted and URN-qualified paths → 200, all applied', async () => {
      await send('replace-multiple-flagged', { userId: joyId });
      const body = await readUser(joyId);
      assert.equal(body['displayName'], 'Bjfe');
      assert.deepEqual(body['emails'], [{ type: 'work', value: 'TestMhvaes@test.microsoft.com', primary: true }]);
      assert.deepEqual(body['name'], { familyName: 'Unua', givenName: 'Kkom' });
      assert.equal(field(body, ENTERPRISE, 'employeeNumber'), 'Aklq');
      assert.equal(body['name.givenName'], undefined, 'a dotted key is a path, not an attribute name');
    });

    it('"Add single-value string attribute": Add nickName (no flag) and add nickName (flag) → 200, nickName set', async () => {
      for (const name of ['add-attribute-unflagged', 'add-attribute-flagged']) {
        // Setup, not Entra traffic: a value for the add to replace.
        const setup = await t.scim('PATCH', `/Users/${joyId}`, { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'nickName', value: 'Before' }] });
        assert.equal(setup.status, 200, said('PATCH nickName (setup)', setup));
        await send(name, { userId: joyId });
        assert.equal((await readUser(joyId))['nickName'], 'Babs');
      }
    });

    it('E10 manager as a bare string on the URN path, then as a one-element array on the unqualified path (Example 5) → manager.value set', async () => {
      const bossA = await makeUser('boss.a@testuser.com');
      const bossB = await makeUser('boss.b@testuser.com');
      extraUsers.push(bossA, bossB);
      await send('set-manager-bare-string', { userId: joyId, managerId: bossA });
      assert.equal(field(await readUser(joyId), ENTERPRISE, 'manager', 'value'), bossA);

      await send('set-manager-example-5', { userId: joyId, managerId: bossB });
      assert.equal(field(await readUser(joyId), ENTERPRISE, 'manager', 'value'), bossB);
      // The unqualified path is not the RFC's (§3.10); the log names the normalisers that made it so.
      await t.server.requestLog.flush();
      const [logged] = await listRequestLog(t.server.rt, { tenantId: t.tenant.id }, { method: 'PATCH', resourceId: joyId, limit: 1 });
      assert.deepEqual(logged?.notes['normalisers'], ['entra-capitalised-op', 'manager-shapes', 'entra-unqualified-manager']);
      assert.equal(logged?.notes['ignored'], undefined, 'nothing was set aside');
    });

    it('E9 replace through emails[type eq "work"].value on a user without emails creates {type: "work", value}; address parts merge into one element', async () => {
      const id = await makeUser('no-email@testuser.com');
      extraUsers.push(id);
      await send('replace-missing-work-email', { userId: id, email: 'created@testuser.com' });
      assert.deepEqual((await readUser(id))['emails'], [{ type: 'work', value: 'created@testuser.com' }]);

      const homeOnly = await makeUser('home-only@testuser.com', { emails: [{ type: 'home', value: 'home@testuser.com' }] });
      extraUsers.push(homeOnly);
      await send('replace-missing-work-email', { userId: homeOnly, email: 'work@testuser.com' });
      const emails = ((await readUser(homeOnly))['emails'] as JsonObject[]).map((e) => [e['type'], e['value']]);
      assert.deepEqual(
        emails.sort(),
        [
          ['home', 'home@testuser.com'],
          ['work', 'work@testuser.com'],
        ],
        'the home email is kept',
      );

      await send('add-missing-work-address', { userId: id });
      assert.deepEqual((await readUser(id))['addresses'], [{ type: 'work', formatted: '1 Microsoft Way', locality: 'Redmond', region: 'WA' }]);
    });

    it('E13 addresses[].primary (as in the "Disable User" response) is accepted on create', async () => {
      const response = await send('create-user-address-primary');
      extraUsers.push(idOf(response, 'POST'));
      assert.deepEqual(response.body['addresses'], [{ country: 'ML', type: 'work', primary: true }]);
    });

    it('E8 "Create Group" with the extra Microsoft schema URN and client meta → 201; only the core Group schema is claimed', async () => {
      const response = await send('create-group');
      assertScimJson(response, 'POST /Groups');
      groupId = idOf(response, 'POST /Groups');
      assert.deepEqual(response.body['schemas'], [GROUP]);
      assert.equal(response.body['externalId'], '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159');
      assert.equal(response.body['displayName'], 'displayName');
      const members = response.body['members'];
      assert.ok(members === undefined || (Array.isArray(members) && members.length === 0), JSON.stringify(members));
      assert.equal(field(response.body, 'meta', 'resourceType'), 'Group');
    });

    it('E5 "Update Group [Add Members]" with "$ref": null → 204; several members in one PATCH too', async () => {
      const one = await send('add-member', { groupId, memberId: testUserId });
      assert.equal(one.raw, '');
      assert.deepEqual(await memberIds(t, groupId), [testUserId]);
      await send('add-members', { groupId, firstId: joyId, secondId: extraUsers[0] ?? '' });
      assert.deepEqual(await memberIds(t, groupId), [testUserId, joyId, extraUsers[0] ?? ''].sort());
    });

    it('E7 excludedAttributes=members on GET by id and on the displayName filter → no members, everything else there', async () => {
      const byId = await send('get-group-without-members', { groupId });
      assert.equal(byId.body['members'], undefined, said('members must be left out', byId));
      assert.equal(byId.body['id'], groupId);
      assert.equal(byId.body['displayName'], 'displayName');
      assert.equal(byId.body['externalId'], '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159');
      assert.equal(field(byId.body, 'meta', 'resourceType'), 'Group');
      const listed = assertListResponse(
        await send('filter-group-without-members', { displayName: 'displayName' }),
        'GET /Groups?excludedAttributes=members&filter=displayName eq "displayName"',
        1,
      );
      assert.equal(listed[0]?.['id'], groupId);
      assert.equal(listed[0]?.['members'], undefined, 'members must be left out of listed groups too');
      assert.equal(listed[0]?.['displayName'], 'displayName');
    });

    it('E4 "Remove" path members with a value list (no flag) → 204; exactly the named member leaves', async () => {
      await send('remove-member', { groupId, memberId: testUserId });
      assert.deepEqual(await memberIds(t, groupId), [joyId, extraUsers[0] ?? ''].sort(), 'not "remove all members"');
      // The unflagged form of the compliance-flag table: no $ref at all.
      await send('remove-member-unflagged', { groupId, memberId: extraUsers[0] ?? '' });
      assert.deepEqual(await memberIds(t, groupId), [joyId]);
      // Several members named in one Remove.
      await send('add-members', { groupId, firstId: testUserId, secondId: extraUsers[0] ?? '' });
      await send('remove-members', { groupId, firstId: testUserId, secondId: extraUsers[0] ?? '' });
      assert.deepEqual(await memberIds(t, groupId), [joyId]);
    });

    it('E4 remove members[value eq "…"] (flag) → 204; the member leaves, a second identical remove is a harmless no-op', async () => {
      await send('add-member-flagged', { groupId, memberId: testUserId });
      await send('remove-member-flagged', { groupId, memberId: testUserId });
      assert.deepEqual(await memberIds(t, groupId), [joyId]);
      await send('remove-member-flagged', { groupId, memberId: testUserId });
    });

    it('E11 "Update Group [Non-member attributes]": Replace displayName → 204; the new name is read back and found', async () => {
      const response = await send('rename-group', { groupId });
      assert.equal(response.raw, '');
      const newName = '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName';
      const read = await send('get-group-without-members', { groupId });
      assert.equal(read.body['displayName'], newName);
      assertListResponse(await send('filter-group-without-members', { displayName: newName }), 'displayName eq <new name>', 1);
    });

    it('"Delete User" (Example 6) → 204; the user is gone (404, not listed) and leaves the group', async () => {
      const response = await send('delete-user', { userId: joyId });
      assert.equal(response.raw, '');
      assertScimError(await send('get-deleted-user', { userId: joyId }), 404, 'GET deleted user');
      assertListResponse(await send('filter-external-id', { externalId: 'Eqpj' }), 'filter for the deleted user', 0);
      assert.deepEqual(await memberIds(t, groupId), []);
    });

    it('"Delete Group" → 204; the group is gone', async () => {
      const response = await send('delete-group', { groupId });
      assert.equal(response.raw, '');
      assertScimError(await send('get-deleted-group', { groupId }), 404, 'GET deleted group');
      await send('get-user', { userId: testUserId }); // deleting a group leaves its former members
    });

    it('every recorded Entra exchange was replayed', () => {
      assert.deepEqual(entra.unsent(), []);
    });
  });
}
