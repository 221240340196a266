/**
 * Microsoft Entra ID's provisioning traffic, replayed as Entra sends it (shared/reference/idp-behaviors.md
 * §1: the lifecycle table of §1.2, the verbatim bodies of §1.3, both forms of each body of §1.4 — with
 * and without the `aadOptscim062020` flag — and the quirks E1–E16 of §1.5). Each test names the item it
 * replays. Ids in Microsoft's examples are replaced by the ids Roster gave; everything else is verbatim.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../../src/json/json-value.js';
import { listRequestLog } from '../../src/provisioning/directory/read-directory.js';
import { testEngines } from '../../src/testing/databases.js';
import { createTestServer, field, type TestServer } from '../../src/testing/test-server.js';
import {
  ENTERPRISE,
  GROUP,
  USER,
  assertListResponse,
  assertScimError,
  assertScimJson,
  idOf,
  memberIds,
  said,
} from './replay-helpers.js';

/** §1.3 "Create User — request", verbatim. */
const entraCreateUser = (): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
  active: true,
  emails: [
    {
      primary: true,
      type: 'work',
      value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com',
    },
  ],
  meta: {
    resourceType: 'User',
  },
  name: {
    formatted: 'givenName familyName',
    familyName: 'familyName',
    givenName: 'givenName',
  },
  roles: [],
});

/** §1.3 "Example 2 — provision a user", verbatim: typo'd extension URN, nulls, top-level department/manager. */
const entraExample2 = (): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
  externalId: 'jyoung',
  userName: 'jyoung@testuser.com',
  active: true,
  addresses: null,
  displayName: 'Joy Young',
  emails: [
    {
      type: 'work',
      value: 'jyoung@Contoso.com',
      primary: true,
    },
  ],
  meta: {
    resourceType: 'User',
  },
  name: {
    familyName: 'Young',
    givenName: 'Joy',
  },
  phoneNumbers: null,
  preferredLanguage: null,
  title: null,
  department: null,
  manager: null,
});

/** §1.3 "Create Group", verbatim, with Microsoft's undeclared extra schema. */
const entraCreateGroup = (): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
  externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
  displayName: 'displayName',
  meta: {
    resourceType: 'Group',
  },
});

const userFilter = (filter: string) => `/Users?filter=${filter}`;

for (const { engine, skip } of testEngines()) {
  describe(`Entra ID replay on ${engine}`, { skip }, () => {
    let t: TestServer;
    /** Ids Roster gave, in place of the ids of Microsoft's examples. */
    let testUserId = '';
    let joyId = '';
    let groupId = '';
    const extraUsers: string[] = [];

    before(async () => {
      t = await createTestServer(engine);
    });
    after(async () => t?.close());

    const entra = (method: string, path: string, body?: JsonObject) => t.scim(method, path, body);
    const readUser = async (id: string) => {
      const response = await entra('GET', `/Users/${id}`);
      assert.equal(response.status, 200, said(`GET /Users/${id}`, response));
      return response.body;
    };
    const makeUser = async (userName: string, extra: JsonObject = {}) => {
      const response = await entra('POST', '/Users', { schemas: [USER], userName, ...extra });
      assert.equal(response.status, 201, said(`POST /Users ${userName}`, response));
      return idOf(response, 'POST /Users');
    };

    it('E12 Test Connection: filter on a random GUID → 200 empty ListResponse (not 404); a bad token → 401 SCIM error', async () => {
      const guid = 'c0ffee00-5bd1-4c7e-9a3b-1f2e3d4c5b6a';
      // Observed on the wire: quoted value, `+` for spaces ([3P] azure-docs#11784); also the %20 form.
      const filters = [
        `userName+eq+%22${guid}%22`,
        `userName%20eq%20%22${guid}%22`,
        `externalId+eq+%22${guid}%22`,
        `emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22${guid}%22`,
      ];
      for (const filter of filters) {
        const resources = assertListResponse(await entra('GET', userFilter(filter)), `GET /Users?filter=${filter}`, 0);
        assert.deepEqual(resources, []);
      }
      // "fetch a random user and group"
      assertListResponse(
        await entra('GET', `/Groups?excludedAttributes=members&filter=displayName+eq+%22${guid}%22`),
        'GET /Groups?filter=displayName eq <guid>',
        0,
      );
      const bad = await t.scim('GET', userFilter(`userName+eq+%22${guid}%22`), undefined, { authorization: 'Bearer 0123456789abcdef' });
      assertScimError(bad, 401, 'Test Connection with a wrong token');
    });

    it('§1.3 "Discover schema": GET /Schemas → ListResponse with User ("User Account"), Group and EnterpriseUser, no nulls, camelCase', async () => {
      const response = await entra('GET', '/Schemas');
      const resources = assertListResponse(response, 'GET /Schemas');
      assert.ok(response.raw.includes('User Account'), '[MS-PM] asserts the body contains "User Account"');
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
      const response = await entra('POST', '/Users', entraCreateUser());
      assert.equal(response.status, 201, said('POST /Users (Entra create)', response));
      assertScimJson(response, 'POST /Users');
      testUserId = idOf(response, 'POST /Users');
      const body = response.body;
      assert.ok((body['schemas'] as string[]).includes(USER));
      assert.equal(body['externalId'], '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef');
      assert.equal(body['userName'], 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee');
      assert.equal(body['active'], true);
      assert.deepEqual(body['name'], { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' });
      assert.deepEqual(body['emails'], [
        { value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com', type: 'work', primary: true },
      ]);
      assert.equal(field(body, 'meta', 'resourceType'), 'User');
      assert.ok(!Number.isNaN(Date.parse(String(field(body, 'meta', 'created')))), 'meta.created is the server\'s, an ISO date');
      const roles = body['roles'];
      assert.ok(roles === undefined || (Array.isArray(roles) && roles.length === 0), `roles: [] stays empty: ${JSON.stringify(roles)}`);
    });

    it('§1.3 "Get User" (Example 3) → 200 with the user; "Get User — not found" → 404 with status "404"', async () => {
      const body = await readUser(testUserId);
      assert.equal(body['id'], testUserId);
      assert.equal(body['userName'], 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee');
      assertScimError(await entra('GET', '/Users/5171a35d82074e068ce2'), 404, 'GET /Users/<unknown>');
    });

    it('E6 "Get User by query": userName eq → one resource; "zero results" → an empty ListResponse', async () => {
      const [found] = assertListResponse(
        await entra('GET', userFilter('userName+eq+%22Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee%22')),
        'userName eq',
        1,
      );
      assert.equal(found?.['id'], testUserId);
      assert.equal(found?.['externalId'], '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef');
      assert.deepEqual(assertListResponse(await entra('GET', userFilter('userName+eq+%22non-existent%20user%22')), 'zero results', 0), []);
    });

    it('E14 duplicate create → 409 uniqueness, and the PATCH Entra sends next still applies', async () => {
      assertScimError(await entra('POST', '/Users', entraCreateUser()), 409, 'POST /Users (duplicate)', 'uniqueness');
      const patched = await entra('PATCH', `/Users/${testUserId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', path: 'active', value: true }],
      });
      assert.equal(patched.status, 200, said('PATCH after 409', patched));
    });

    it('§1.3 "Example 2": nulls, top-level department/manager and the typo\'d extension URN → 201; the nulls set nothing', async () => {
      const response = await entra('POST', '/Users', entraExample2());
      assert.equal(response.status, 201, said('POST /Users (Example 2)', response));
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

    it('E6 externalId eq: quoted with + (wire form) and unquoted (the doc\'s older example) → the user', async () => {
      for (const filter of ['externalId+eq+%22jyoung%22', 'externalId%20eq%20jyoung']) {
        const [found] = assertListResponse(await entra('GET', userFilter(filter)), `filter=${filter}`, 1);
        assert.equal(found?.['id'], joyId);
      }
    });

    it('E6 emails[type eq "work"].value eq "…" (non-RFC grammar Entra uses for uniqueness) → the user, case-insensitively', async () => {
      for (const value of ['jyoung%40Contoso.com', 'JYOUNG%40contoso.COM']) {
        const filter = `emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22${value}%22`;
        const [found] = assertListResponse(await entra('GET', userFilter(filter)), `filter=${filter}`, 1);
        assert.equal(found?.['id'], joyId);
      }
      assertListResponse(
        await entra('GET', userFilter('emails%5Btype%20eq%20%22home%22%5D.value%20eq%20%22jyoung%40Contoso.com%22')),
        'emails[type eq "home"].value eq … (wrong type)',
        0,
      );
    });

    it('E1 "Update User [Multi-valued properties]": capitalised Replace ops → 200 with the full, changed user', async () => {
      const response = await entra('PATCH', `/Users/${testUserId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'Replace',
            path: 'emails[type eq "work"].value',
            value: 'updatedEmail@microsoft.com',
          },
          {
            op: 'Replace',
            path: 'name.familyName',
            value: 'updatedFamilyName',
          },
        ],
      });
      assert.equal(response.status, 200, said('PATCH multi-valued', response));
      assert.equal(response.body['id'], testUserId);
      const body = await readUser(testUserId);
      assert.deepEqual(body['emails'], [{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }]);
      assert.equal(field(body, 'name', 'familyName'), 'updatedFamilyName');
      assert.equal(field(body, 'name', 'givenName'), 'givenName');
    });

    it('E1 "Update User [Single-valued properties]": Replace userName → 200; the new userName finds the user', async () => {
      const response = await entra('PATCH', `/Users/${testUserId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'Replace',
            path: 'userName',
            value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com',
          },
        ],
      });
      assert.equal(response.status, 200, said('PATCH userName', response));
      assert.equal(response.body['userName'], '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
      const [found] = assertListResponse(
        await entra('GET', userFilter('userName+eq+%225b50642d-79fc-4410-9e90-4c077cdd1a59%40testuser.com%22')),
        'userName eq <new>',
        1,
      );
      assert.equal(found?.['id'], testUserId);
    });

    it('E2 disable with the string "False" (no flag) and with boolean false (aadOptscim062020) → 200, active false as a boolean', async () => {
      const unflagged = await entra('PATCH', `/Users/${testUserId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'Replace',
            path: 'active',
            value: 'False',
          },
        ],
      });
      assert.equal(unflagged.status, 200, said('PATCH active "False"', unflagged));
      assert.equal(unflagged.body['active'], false);
      assert.equal((await readUser(testUserId))['active'], false, 'read back: boolean false');
      assertListResponse(await entra('GET', userFilter(`userName+eq+%225b50642d-79fc-4410-9e90-4c077cdd1a59%40testuser.com%22`)), 'a disabled user is still found', 1);

      const reenabled = await entra('PATCH', `/Users/${testUserId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', path: 'active', value: 'True' }],
      });
      assert.equal(reenabled.status, 200, said('PATCH active "True"', reenabled));
      assert.equal((await readUser(testUserId))['active'], true);

      const flagged = await entra('PATCH', `/Users/${testUserId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'replace',
            path: 'active',
            value: false,
          },
        ],
      });
      assert.equal(flagged.status, 200, said('PATCH active false (flag)', flagged));
      assert.equal((await readUser(testUserId))['active'], false);

      // §1.3 "Disable User" as the tutorial prints it: Operations before schemas.
      await entra('PATCH', `/Users/${testUserId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: true }] });
      const tutorial = await entra('PATCH', `/Users/${testUserId}`, {
        Operations: [
          {
            op: 'Replace',
            path: 'active',
            value: false,
          },
        ],
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      });
      assert.equal(tutorial.status, 200, said('PATCH Disable User (tutorial)', tutorial));
      assert.equal((await readUser(testUserId))['active'], false);
    });

    it('E2 [MS-PM] POST with "active": "True" → 201 and a boolean true', async () => {
      const response = await entra('POST', '/Users', { schemas: [USER], userName: 'string-true@testuser.com', active: 'True' });
      assert.equal(response.status, 201, said('POST active "True"', response));
      assert.equal(response.body['active'], true);
      extraUsers.push(idOf(response, 'POST'));
    });

    it('E3 "Replace multiple attributes" without the flag: six Replace ops incl. a value filter and a URN path → 200, all applied', async () => {
      const response = await entra('PATCH', `/Users/${joyId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'Replace', path: 'displayName', value: 'Pvlo' },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
          { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
          { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
          { op: 'Replace', path: 'externalId', value: 'Eqpj' },
          { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', value: 'Eqpj' },
        ],
      });
      assert.equal(response.status, 200, said('PATCH replace multiple (no flag)', response));
      const body = await readUser(joyId);
      assert.equal(body['displayName'], 'Pvlo');
      assert.deepEqual(body['emails'], [{ type: 'work', value: 'TestBcwqnm@test.microsoft.com', primary: true }]);
      assert.equal(field(body, 'name', 'givenName'), 'Gtfd');
      assert.equal(field(body, 'name', 'familyName'), 'Pkqf');
      assert.equal(body['externalId'], 'Eqpj');
      assert.equal(field(body, ENTERPRISE, 'employeeNumber'), 'Eqpj');
      assert.ok((body['schemas'] as string[]).includes(ENTERPRISE), 'the extension URN is listed once the extension has a value');
      const [found] = assertListResponse(await entra('GET', userFilter('externalId+eq+%22Eqpj%22')), 'externalId eq <replaced value>', 1);
      assert.equal(found?.['id'], joyId);
      assertListResponse(await entra('GET', userFilter('externalId+eq+%22jyoung%22')), 'externalId eq <old value>', 0);
    });

    it('E3 "Replace multiple attributes" with the flag: path-less replace whose keys are dotted and URN-qualified paths → 200, all applied', async () => {
      const response = await entra('PATCH', `/Users/${joyId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'replace',
            path: 'emails[type eq "work"].value',
            value: 'TestMhvaes@test.microsoft.com',
          },
          {
            op: 'replace',
            value: {
              displayName: 'Bjfe',
              'name.givenName': 'Kkom',
              'name.familyName': 'Unua',
              'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq',
            },
          },
        ],
      });
      assert.equal(response.status, 200, said('PATCH replace multiple (flag)', response));
      const body = await readUser(joyId);
      assert.equal(body['displayName'], 'Bjfe');
      assert.deepEqual(body['emails'], [{ type: 'work', value: 'TestMhvaes@test.microsoft.com', primary: true }]);
      assert.deepEqual(body['name'], { familyName: 'Unua', givenName: 'Kkom' });
      assert.equal(field(body, ENTERPRISE, 'employeeNumber'), 'Aklq');
      assert.equal(body['name.givenName'], undefined, 'a dotted key is a path, not an attribute name');
    });

    it('§1.4 "Add single-value string attribute": Add nickName (no flag) and add nickName (flag) → 200, nickName set', async () => {
      for (const op of ['Add', 'add']) {
        await entra('PATCH', `/Users/${joyId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'nickName', value: 'Before' }] });
        const response = await entra('PATCH', `/Users/${joyId}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            {
              op,
              path: 'nickName',
              value: 'Babs',
            },
          ],
        });
        assert.equal(response.status, 200, said(`PATCH ${op} nickName`, response));
        assert.equal((await readUser(joyId))['nickName'], 'Babs');
      }
    });

    it('E10 manager as a bare string on the URN path, then as a one-element array on the unqualified path (Example 5) → manager.value set', async () => {
      const bossA = await makeUser('boss.a@testuser.com');
      const bossB = await makeUser('boss.b@testuser.com');
      extraUsers.push(bossA, bossB);
      const bare = await entra('PATCH', `/Users/${joyId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: bossA }],
      });
      assert.equal(bare.status, 200, said('PATCH manager (bare string)', bare));
      assert.equal(field(await readUser(joyId), ENTERPRISE, 'manager', 'value'), bossA);

      const example5 = await entra('PATCH', `/Users/${joyId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'Add',
            path: 'manager',
            value: [
              {
                $ref: `http://.../scim/Users/${bossB}`,
                value: bossB,
              },
            ],
          },
        ],
      });
      assert.equal(example5.status, 200, said('PATCH manager (Example 5, array)', example5));
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
      const email = await entra('PATCH', `/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'created@testuser.com' }],
      });
      assert.equal(email.status, 200, said('PATCH emails[type eq "work"].value (no element yet)', email));
      assert.deepEqual((await readUser(id))['emails'], [{ type: 'work', value: 'created@testuser.com' }]);

      const homeOnly = await makeUser('home-only@testuser.com', { emails: [{ type: 'home', value: 'home@testuser.com' }] });
      extraUsers.push(homeOnly);
      const beside = await entra('PATCH', `/Users/${homeOnly}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'work@testuser.com' }],
      });
      assert.equal(beside.status, 200, said('PATCH emails[type eq "work"].value beside a home email', beside));
      const emails = ((await readUser(homeOnly))['emails'] as JsonObject[]).map((e) => [e['type'], e['value']]);
      assert.deepEqual(emails.sort(), [['home', 'home@testuser.com'], ['work', 'work@testuser.com']], 'the home email is kept');

      const address = await entra('PATCH', `/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'Add', path: 'addresses[type eq "work"].formatted', value: '1 Microsoft Way' },
          { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Redmond' },
          { op: 'Add', path: 'addresses[type eq "work"].region', value: 'WA' },
        ],
      });
      assert.equal(address.status, 200, said('PATCH addresses[type eq "work"].*', address));
      assert.deepEqual((await readUser(id))['addresses'], [{ type: 'work', formatted: '1 Microsoft Way', locality: 'Redmond', region: 'WA' }]);
    });

    it('E13 addresses[].primary (as in the "Disable User" response) is accepted on create', async () => {
      const response = await entra('POST', '/Users', {
        schemas: [USER],
        userName: 'deanruiz@testuser.com',
        name: { familyName: 'Harris', givenName: 'Larry' },
        active: true,
        emails: [{ value: 'gloversuzanne@testuser.com', type: 'work', primary: true }],
        addresses: [{ country: 'ML', type: 'work', primary: true }],
      });
      assert.equal(response.status, 201, said('POST with addresses[].primary', response));
      extraUsers.push(idOf(response, 'POST'));
      assert.deepEqual(response.body['addresses'], [{ country: 'ML', type: 'work', primary: true }]);
    });

    it('E8 "Create Group" with the extra Microsoft schema URN and client meta → 201; only the core Group schema is claimed', async () => {
      const response = await entra('POST', '/Groups', entraCreateGroup());
      assert.equal(response.status, 201, said('POST /Groups (Entra)', response));
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
      const one = await entra('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'Add',
            path: 'members',
            value: [
              {
                $ref: null,
                value: testUserId,
              },
            ],
          },
        ],
      });
      assert.equal(one.status, 204, said('PATCH Add members ($ref null)', one));
      assert.equal(one.raw, '');
      assert.deepEqual(await memberIds(t, groupId), [testUserId]);
      const batch = await entra('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'Add',
            path: 'members',
            value: [
              { $ref: null, value: joyId },
              { $ref: null, value: extraUsers[0] ?? '' },
            ],
          },
        ],
      });
      assert.equal(batch.status, 204, said('PATCH Add two members', batch));
      assert.deepEqual(await memberIds(t, groupId), [testUserId, joyId, extraUsers[0] ?? ''].sort());
    });

    it('E7 excludedAttributes=members on GET by id and on the displayName filter → no members, everything else there', async () => {
      const byId = await entra('GET', `/Groups/${groupId}?excludedAttributes=members`);
      assert.equal(byId.status, 200, said('GET /Groups/{id}?excludedAttributes=members', byId));
      assert.equal(byId.body['members'], undefined, said('members must be left out', byId));
      assert.equal(byId.body['id'], groupId);
      assert.equal(byId.body['displayName'], 'displayName');
      assert.equal(byId.body['externalId'], '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159');
      assert.equal(field(byId.body, 'meta', 'resourceType'), 'Group');
      const listed = assertListResponse(
        await entra('GET', '/Groups?excludedAttributes=members&filter=displayName+eq+%22displayName%22'),
        'GET /Groups?excludedAttributes=members&filter=displayName eq "displayName"',
        1,
      );
      assert.equal(listed[0]?.['id'], groupId);
      assert.equal(listed[0]?.['members'], undefined, 'members must be left out of listed groups too');
      assert.equal(listed[0]?.['displayName'], 'displayName');
    });

    it('E4 "Remove" path members with a value list (no flag) → 204; exactly the named member leaves', async () => {
      const response = await entra('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'Remove',
            path: 'members',
            value: [
              {
                $ref: null,
                value: testUserId,
              },
            ],
          },
        ],
      });
      assert.equal(response.status, 204, said('PATCH Remove members by value list', response));
      assert.deepEqual(await memberIds(t, groupId), [joyId, extraUsers[0] ?? ''].sort(), 'not "remove all members"');
      // §1.4 unflagged form: no $ref at all.
      const plain = await entra('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Remove', path: 'members', value: [{ value: extraUsers[0] ?? '' }] }],
      });
      assert.equal(plain.status, 204, said('PATCH Remove members (value only)', plain));
      assert.deepEqual(await memberIds(t, groupId), [joyId]);
      // Several members named in one Remove.
      const readd = await entra('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: testUserId }, { $ref: null, value: extraUsers[0] ?? '' }] }],
      });
      assert.equal(readd.status, 204, said('PATCH Add two members again', readd));
      const several = await entra('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: testUserId }, { $ref: null, value: extraUsers[0] ?? '' }] }],
      });
      assert.equal(several.status, 204, said('PATCH Remove two members by value list', several));
      assert.deepEqual(await memberIds(t, groupId), [joyId]);
    });

    it('E4 remove members[value eq "…"] (flag) → 204; the member leaves, a second identical remove is a harmless no-op', async () => {
      const add = await entra('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'members', value: [{ value: testUserId }] }],
      });
      assert.equal(add.status, 204, said('PATCH add', add));
      const body = {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'remove',
            path: `members[value eq "${testUserId}"]`,
          },
        ],
      };
      const response = await entra('PATCH', `/Groups/${groupId}`, body);
      assert.equal(response.status, 204, said('PATCH remove members[value eq]', response));
      assert.deepEqual(await memberIds(t, groupId), [joyId]);
      const again = await entra('PATCH', `/Groups/${groupId}`, body);
      assert.equal(again.status, 204, said('PATCH remove members[value eq] again', again));
    });

    it('E11 "Update Group [Non-member attributes]": Replace displayName → 204; the new name is read back and found', async () => {
      const response = await entra('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'Replace',
            path: 'displayName',
            value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
          },
        ],
      });
      assert.equal(response.status, 204, said('PATCH Replace displayName', response));
      assert.equal(response.raw, '');
      const read = await entra('GET', `/Groups/${groupId}?excludedAttributes=members`);
      assert.equal(read.body['displayName'], '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
      assertListResponse(
        await entra('GET', '/Groups?excludedAttributes=members&filter=displayName+eq+%221879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName%22'),
        'displayName eq <new name>',
        1,
      );
    });

    it('§1.3 "Delete User" (Example 6) → 204; the user is gone (404, not listed) and leaves the group', async () => {
      const response = await entra('DELETE', `/Users/${joyId}`);
      assert.equal(response.status, 204, said('DELETE /Users/{id}', response));
      assert.equal(response.raw, '');
      assertScimError(await entra('GET', `/Users/${joyId}`), 404, 'GET deleted user');
      assertListResponse(await entra('GET', userFilter('externalId+eq+%22Eqpj%22')), 'filter for the deleted user', 0);
      assert.deepEqual(await memberIds(t, groupId), []);
    });

    it('§1.3 "Delete Group" → 204; the group is gone', async () => {
      const response = await entra('DELETE', `/Groups/${groupId}`);
      assert.equal(response.status, 204, said('DELETE /Groups/{id}', response));
      assert.equal(response.raw, '');
      assertScimError(await entra('GET', `/Groups/${groupId}`), 404, 'GET deleted group');
      assert.equal((await entra('GET', `/Users/${testUserId}`)).status, 200, 'deleting a group leaves its former members');
    });
  });
}
