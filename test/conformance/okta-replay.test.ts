/**
 * Okta's provisioning traffic, replayed as Okta sends it (shared/reference/idp-behaviors.md §2: the
 * request table of §2.1, the verbatim bodies of §2.2, the OIN SPEC test of §2.3 and the quirks O1–O12
 * of §2.4). Each test names the item it replays. Ids in Okta's examples are replaced by the ids Roster
 * gave; everything else — headers, percent-encoding, bodies — is as documented.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../../src/json/json-value.js';
import { testEngines } from '../../src/testing/databases.js';
import { createTestServer, field, type TestServer } from '../../src/testing/test-server.js';
import {
  ERROR,
  GROUP,
  PATCH_OP,
  USER,
  assertListResponse,
  assertScimError,
  assertScimJson,
  idOf,
  memberIds,
  percentEncoded,
  said,
  storedUserDocument,
} from './replay-helpers.js';

/** Every request of Okta's provisioning client carries this agent [OKTA-REF]. */
const OKTA = { 'user-agent': 'Okta SCIM Client 1.0.0' } as const;

/** §2.2 "Create request", verbatim. */
const oktaCreateUser = (): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'test.user@okta.local',
  name: {
    givenName: 'Test',
    familyName: 'User',
  },
  emails: [
    {
      primary: true,
      value: 'test.user@okta.local',
      type: 'work',
    },
  ],
  displayName: 'Test User',
  locale: 'en-US',
  externalId: '00ujl29u0le5T6Aj10h7',
  groups: [],
  password: '1mz050nq',
  active: true,
});

/** §2.2 "PUT update (after GET)", verbatim but for the id Roster gave. */
const oktaPutUser = (id: string): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id,
  userName: 'test.user@okta.local',
  name: {
    givenName: 'Another',
    middleName: 'Excited',
    familyName: 'User',
  },
  emails: [
    {
      primary: true,
      value: 'test.user@okta.local',
      type: 'work',
      display: 'test.user@okta.local',
    },
  ],
  active: true,
  groups: [],
  meta: {
    resourceType: 'User',
  },
});

/** §2.2 "Deactivate (OIN)" and its reactivation mirror (§2.1 "Reactivate"). */
const oktaSetActive = (active: boolean): JsonObject => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [
    {
      op: 'replace',
      value: {
        active,
      },
    },
  ],
});

for (const { engine, skip } of testEngines()) {
  describe(`Okta replay on ${engine}`, { skip }, () => {
    let t: TestServer;
    /** Ids Roster gave, in place of the ids of Okta's examples. */
    let testUserId = '';
    let otherUserId = '';
    let groupId = '';

    before(async () => {
      t = await createTestServer(engine);
    });
    after(async () => t?.close());

    const okta = (method: string, path: string, body?: JsonObject) => t.scim(method, path, body, { ...OKTA });

    it('O9 / Okta\'s "Test API Credentials": a GET with the token answers 200; a bad token answers a 401 SCIM error with status "401"', async () => {
      const good = await okta('GET', '/Users?startIndex=1&count=2');
      assertListResponse(good, 'GET /Users?startIndex=1&count=2 (valid token)');
      for (const authorization of ['Bearer not-a-roster-token', 'non-token', 'Basic bm90OmdpdmVu']) {
        const bad = await t.scim('GET', '/Users?startIndex=1&count=2', undefined, { ...OKTA, authorization });
        assertScimError(bad, 401, `GET /Users with Authorization: ${authorization}`);
      }
    });

    it('O1 / O7 existence check: percent-encoded userName eq with startIndex=1&count=100 → 200 empty ListResponse', async () => {
      const response = await okta('GET', '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100');
      const resources = assertListResponse(response, 'existence check', 0);
      assert.deepEqual(resources, []);
      assert.equal(response.body['startIndex'], 1);
    });

    it('O4 create with password placeholder and groups:[] → 201; password never echoed nor stored; externalId kept', async () => {
      const response = await okta('POST', '/Users', oktaCreateUser());
      assert.equal(response.status, 201, said('POST /Users (Okta create)', response));
      assertScimJson(response, 'POST /Users');
      testUserId = idOf(response, 'POST /Users');
      const body = response.body;
      assert.equal(body['userName'], 'test.user@okta.local');
      assert.equal(body['externalId'], '00ujl29u0le5T6Aj10h7');
      assert.equal(body['displayName'], 'Test User');
      assert.equal(body['locale'], 'en-US');
      assert.equal(body['active'], true);
      assert.deepEqual(body['name'], { givenName: 'Test', familyName: 'User' });
      assert.deepEqual(body['emails'], [{ primary: true, value: 'test.user@okta.local', type: 'work' }]);
      assert.equal(field(body, 'meta', 'resourceType'), 'User');
      assert.equal(body['password'], undefined, 'password is returned "never" (RFC 7643 §4.1.1)');
      assert.equal(response.raw.includes('1mz050nq'), false, 'the password placeholder must not appear anywhere in the answer');
      const groups = body['groups'];
      assert.ok(groups === undefined || (Array.isArray(groups) && groups.length === 0), `groups is readOnly and empty: ${JSON.stringify(groups)}`);
      const stored = await storedUserDocument(t, testUserId);
      assert.ok(stored !== undefined, 'the user is stored');
      assert.equal(JSON.stringify(stored).includes('1mz050nq'), false, 'the password must not be stored');
    });

    it('§2.1 "Create" duplicate → 409 with the Error schema, so Okta stops the provisioning job', async () => {
      const response = await okta('POST', '/Users', oktaCreateUser());
      assertScimError(response, 409, 'POST /Users (duplicate)', 'uniqueness');
      const check = await okta('GET', '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100');
      assertListResponse(check, 'existence check after the duplicate', 1);
    });

    it('O1 existence check now finds the user: one resource, with the id Roster gave', async () => {
      const response = await okta('GET', '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100');
      const [found] = assertListResponse(response, 'existence check', 1);
      assert.equal(found?.['id'], testUserId);
      assert.equal(found?.['userName'], 'test.user@okta.local');
    });

    it('§2.1 "Retrieve one": GET /Users/{id} → 200 with the user', async () => {
      const response = await okta('GET', `/Users/${testUserId}`);
      assert.equal(response.status, 200, said('GET /Users/{id}', response));
      assertScimJson(response, 'GET /Users/{id}');
      assert.equal(response.body['id'], testUserId);
      assert.equal(response.body['userName'], 'test.user@okta.local');
      assert.equal(field(response.body, 'emails', 0, 'value'), 'test.user@okta.local');
      assert.equal(response.body['password'], undefined);
    });

    it('O3 full PUT carrying id, meta, groups and emails[].display from the previous GET → 200 with the updated user', async () => {
      const response = await okta('PUT', `/Users/${testUserId}`, oktaPutUser(testUserId));
      assert.equal(response.status, 200, said('PUT /Users/{id} (Okta full update)', response));
      assert.equal(response.body['id'], testUserId);
      assert.deepEqual(response.body['name'], { givenName: 'Another', middleName: 'Excited', familyName: 'User' });
      assert.equal(response.body['active'], true);
      const read = await okta('GET', `/Users/${testUserId}`);
      assert.deepEqual(read.body['name'], { givenName: 'Another', middleName: 'Excited', familyName: 'User' }, said('GET after PUT', read));
      assert.equal(field(read.body, 'emails', 0, 'value'), 'test.user@okta.local');
      assert.equal(read.body['userName'], 'test.user@okta.local');
      // A PUT replaces: what the PUT left out (displayName, locale, externalId) is gone (RFC 7644 §3.5.1).
      assert.equal(read.body['displayName'], undefined, said('displayName after a PUT without it', read));
      assert.equal(read.body['locale'], undefined, said('locale after a PUT without it', read));
    });

    it('O2 deactivate = PATCH replace without path {active:false} → 200 with active false; the user stays readable and listed', async () => {
      const response = await okta('PATCH', `/Users/${testUserId}`, oktaSetActive(false));
      assert.equal(response.status, 200, said('PATCH deactivate', response));
      assert.equal(response.body['active'], false);
      assert.equal(response.body['id'], testUserId);
      const read = await okta('GET', `/Users/${testUserId}`);
      assert.equal(read.status, 200, 'Okta never DELETEs users: a deactivated user is still there');
      assert.equal(read.body['active'], false);
      const [listed] = assertListResponse(
        await okta('GET', '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100'),
        'existence check of a deactivated user',
        1,
      );
      assert.equal(listed?.['active'], false);
    });

    it('§2.1 "Reactivate": PATCH replace without path {active:true} → 200 with active true, read back true', async () => {
      const response = await okta('PATCH', `/Users/${testUserId}`, oktaSetActive(true));
      assert.equal(response.status, 200, said('PATCH reactivate', response));
      assert.equal(response.body['active'], true);
      assert.equal((await okta('GET', `/Users/${testUserId}`)).body['active'], true);
    });

    it('O8 import: GET /Users?startIndex=1&count=100 → integer counters; smaller pages are stable, without gaps or repeats', async () => {
      for (let i = 1; i <= 4; i++) {
        const extra = await okta('POST', '/Users', {
          ...oktaCreateUser(),
          userName: `import.${i}@okta.local`,
          emails: [{ primary: true, value: `import.${i}@okta.local`, type: 'work' }],
          externalId: `00uimport${i}`,
        });
        assert.equal(extra.status, 201, said('POST /Users (import fixture)', extra));
        if (i === 1) otherUserId = idOf(extra, 'POST /Users');
      }
      const all = assertListResponse(await okta('GET', '/Users?startIndex=1&count=100'), 'GET /Users?startIndex=1&count=100', 5);
      assert.equal(all.length, 5);
      const allIds = all.map((r) => String(r['id']));
      // Okta walks startIndex=1, 101, …; the same walk with pages of 2 must see every user once, in one order.
      const walked: string[] = [];
      for (let start = 1; start <= 5; start += 2) {
        const page = assertListResponse(await okta('GET', `/Users?startIndex=${start}&count=2`), `page startIndex=${start}`, 5);
        assert.equal(page.length, Math.min(2, 5 - start + 1));
        walked.push(...page.map((r) => String(r['id'])));
      }
      assert.deepEqual(walked, allIds, 'paging must follow the same stable order as the full list');
      const beyond = assertListResponse(await okta('GET', '/Users?startIndex=101&count=100'), 'GET /Users?startIndex=101', 5);
      assert.deepEqual(beyond, []);
    });

    it('§2.1 "Group push (create)": POST /Groups {displayName, members:[]} → 201 with id and displayName', async () => {
      const response = await okta('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Test SCIMv2',
        members: [],
      });
      assert.equal(response.status, 201, said('POST /Groups', response));
      assertScimJson(response, 'POST /Groups');
      groupId = idOf(response, 'POST /Groups');
      assert.equal(response.body['displayName'], 'Test SCIMv2');
      assert.deepEqual(response.body['schemas'], [GROUP]);
      const members = response.body['members'];
      assert.ok(members === undefined || (Array.isArray(members) && members.length === 0), JSON.stringify(members));
      assert.equal(field(response.body, 'meta', 'resourceType'), 'Group');
    });

    it('§2.1 "Group lookup": percent-encoded displayName eq with startIndex=1&count=100 → the group; an unknown name → empty list (O7)', async () => {
      const found = assertListResponse(
        await okta('GET', '/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100'),
        'GET /Groups?filter=displayName eq "Test SCIMv2"',
        1,
      );
      assert.equal(found[0]?.['id'], groupId);
      assert.equal(found[0]?.['displayName'], 'Test SCIMv2');
      const none = assertListResponse(
        await okta('GET', '/Groups?filter=displayName%20eq%20%22No%20Such%20Group%22&startIndex=1&count=100'),
        'GET /Groups?filter=displayName eq "No Such Group"',
        0,
      );
      assert.deepEqual(none, []);
      assertListResponse(await okta('GET', '/Groups?startIndex=1&count=100'), 'GET /Groups?startIndex=1&count=100 (group import)', 1);
    });

    it('O5 rename = PATCH replace without path whose value carries the group id → 204 (or 200), the name changes', async () => {
      // Verbatim: Okta re-sends the current name with each membership update.
      const same = await okta('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Test SCIMv2' } }],
      });
      assert.ok(same.status === 204 || same.status === 200, said('PATCH rename to the same name', same));
      const renamed = await okta('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Test SCIMv2 Renamed' } }],
      });
      assert.equal(renamed.status, 204, said('PATCH rename (Roster answers group PATCH with 204, README.md#what-the-scim-endpoint-supports)', renamed));
      const read = await okta('GET', `/Groups/${groupId}`);
      assert.equal(read.body['displayName'], 'Test SCIMv2 Renamed', said('GET after rename', read));
      assert.equal(read.body['id'], groupId);
      const back = await okta('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', value: { id: groupId, displayName: 'Test SCIMv2' } }],
      });
      assert.equal(back.status, 204, said('PATCH rename back', back));
    });

    it('O6 one PATCH removing members[value eq "…"] and adding members → 204; exactly the added member remains', async () => {
      const seed = await okta('PATCH', `/Groups/${groupId}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'members', value: [{ value: otherUserId, display: 'import.1@okta.local' }] }],
      });
      assert.equal(seed.status, 204, said('PATCH seed member', seed));
      assert.deepEqual(await memberIds(t, groupId, OKTA), [otherUserId]);
      const response = await okta('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'remove',
            path: `members[value eq "${otherUserId}"]`,
          },
          {
            op: 'add',
            path: 'members',
            value: [
              {
                value: testUserId,
                display: 'test.user@okta.local',
              },
            ],
          },
        ],
      });
      assert.equal(response.status, 204, said('PATCH remove-filter + add', response));
      assert.equal(response.raw, '');
      assert.deepEqual(await memberIds(t, groupId, OKTA), [testUserId]);
    });

    it('§2.2 "Full membership push": PATCH replace path members with the whole list → 204; the group has exactly those members', async () => {
      const response = await okta('PATCH', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          {
            op: 'replace',
            path: 'members',
            value: [
              {
                value: testUserId,
                display: 'test.user@okta.local',
              },
              {
                value: otherUserId,
                display: 'test.user@okta.local',
              },
            ],
          },
        ],
      });
      assert.equal(response.status, 204, said('PATCH replace members', response));
      assert.deepEqual(await memberIds(t, groupId, OKTA), [testUserId, otherUserId].sort());
      const read = await okta('GET', `/Groups/${groupId}`);
      assert.equal(read.body['displayName'], 'Test SCIMv2', '"Okta … does require the other details about the Group"');
    });

    it('O3 a full PUT carrying a stale "groups": [] leaves the user\'s group memberships alone (groups is readOnly)', async () => {
      assert.deepEqual(await memberIds(t, groupId, OKTA), [testUserId, otherUserId].sort());
      const before = await okta('GET', `/Users/${testUserId}`);
      const groups = (before.body['groups'] ?? []) as JsonObject[];
      assert.deepEqual(groups.map((g) => g['value']), [groupId], said('GET /Users/{id} lists the group the user is in', before));
      const response = await okta('PUT', `/Users/${testUserId}`, oktaPutUser(testUserId));
      assert.equal(response.status, 200, said('PUT /Users/{id} with groups: []', response));
      assert.deepEqual(await memberIds(t, groupId, OKTA), [testUserId, otherUserId].sort(), 'the PUT must not drop memberships');
    });

    it('§2.2 "Membership (AIW)": PUT /Groups/{id} with the full member list → 200; the group has exactly that list', async () => {
      const response = await okta('PUT', `/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Test SCIMv2',
        members: [
          {
            value: testUserId,
            display: 'test.user@okta.local',
          },
        ],
      });
      assert.equal(response.status, 200, said('PUT /Groups/{id}', response));
      assert.equal(response.body['displayName'], 'Test SCIMv2');
      assert.deepEqual(await memberIds(t, groupId, OKTA), [testUserId]);
    });

    it('§2.1 "Delete group": DELETE /Groups/{id} → 204; the group is gone (404), its members are not', async () => {
      const response = await okta('DELETE', `/Groups/${groupId}`);
      assert.equal(response.status, 204, said('DELETE /Groups/{id}', response));
      assert.equal(response.raw, '');
      assertScimError(await okta('GET', `/Groups/${groupId}`), 404, 'GET deleted group');
      assert.equal((await okta('GET', `/Users/${testUserId}`)).status, 200);
    });
  });

  describe(`Okta rate-limit handling (O10) on ${engine}`, { skip }, () => {
    let t: TestServer;
    before(async () => {
      // One request per second per credential (bursts of 5): low enough to reach in a test.
      t = await createTestServer(engine, { RATE_LIMIT_PER_CREDENTIAL: '1' });
    });
    after(async () => t?.close());

    it('O10 a throttled credential gets 429 with a SCIM error and an integer Retry-After (Okta ignores HTTP-dates), and works again after it', async () => {
      const path = '/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100';
      let throttled: Awaited<ReturnType<TestServer['scim']>> | undefined;
      for (let i = 0; i < 12 && !throttled; i++) {
        const response = await t.scim('GET', path, undefined, { ...OKTA });
        if (response.status === 429) throttled = response;
        else assert.equal(response.status, 200, said(`request ${i + 1}`, response));
      }
      assert.ok(throttled, 'twelve requests at once from a credential allowed 1/s must meet a 429');
      assertScimError(throttled, 429, 'throttled request');
      const retryAfter = String(throttled.headers['retry-after'] ?? '');
      assert.match(retryAfter, /^[1-9][0-9]*$/, `Retry-After must be whole seconds, got "${retryAfter}"`);
      const other = await t.addTenant('okta-other');
      const unaffected = await t.scim('GET', path, undefined, { ...OKTA, authorization: `Bearer ${other.token}` });
      assert.equal(unaffected.status, 200, said('another credential is not throttled', unaffected));
      await new Promise((resolve) => setTimeout(resolve, Number(retryAfter) * 1000 + 50));
      const again = await t.scim('GET', path, undefined, { ...OKTA });
      assert.equal(again.status, 200, said(`after waiting Retry-After (${retryAfter} s)`, again));
    });
  });

  /**
   * Okta's OIN "SCIM 2.0 SPEC Test" (§2.3), its 12 requests with their assertions, with the headers the
   * Runscope file sends. Step 9 also asserts that the upper-cased userName finds the user (userName is
   * caseExact:false, RFC 7643 §4.1.1; Apache SCIMple's port of the test asserts it too).
   */
  describe(`Okta OIN SCIM 2.0 SPEC Test on ${engine}`, { skip }, () => {
    let t: TestServer;
    const get = { accept: 'application/scim+json', 'content-type': 'application/scim+json; charset=utf-8', 'accept-charset': 'utf-8', 'user-agent': 'OKTA SCIM Integration' };
    const post = { ...get, 'content-type': 'application/json' };
    const randomUsername = 'Runscope8417Test@atko.example';
    const randomUsernameCaps = randomUsername.toUpperCase();
    const randomEmail = 'Runscope8417Test@atko.example';
    const randomGivenName = 'Chandler';
    const randomFamilyName = 'Bing';
    let isvUserId = '';
    let idUserOne = '';

    before(async () => {
      t = await createTestServer(engine);
      // "Create at least one user in your SCIM server before running."
      const seed = await t.scim('POST', '/Users', {
        schemas: [USER],
        userName: 'isv.user@atko.example',
        name: { givenName: 'Isv', familyName: 'User' },
        emails: [{ primary: true, value: 'isv.user@atko.example', type: 'work' }],
        active: true,
      });
      assert.equal(seed.status, 201, seed.raw);
      isvUserId = String(seed.body['id']);
    });
    after(async () => t?.close());

    const userAssertions = (user: JsonObject | undefined, label: string) => {
      assert.ok(user, `${label}: a user`);
      for (const path of [['id'], ['name', 'familyName'], ['name', 'givenName'], ['userName'], ['emails', 0, 'value']] as const) {
        const value = field(user, ...path);
        assert.ok(typeof value === 'string' && value.length > 0, `${label}: ${path.join('.')} must not be empty`);
      }
      assert.equal(typeof user['active'], 'boolean', `${label}: active must be present`);
    };

    it('SPEC 1: GET /Users?count=1&startIndex=1 → 200 ListResponse with numeric counters and a full first user', async () => {
      const response = await t.scim('GET', '/Users?count=1&startIndex=1', undefined, get);
      const resources = assertListResponse(response, 'SPEC 1');
      assert.ok(resources.length > 0, 'Resources not empty');
      userAssertions(resources[0], 'SPEC 1 Resources[0]');
    });

    it('SPEC 2: GET /Users/{ISVUserid} → 200 with the same fields and the id', async () => {
      const response = await t.scim('GET', `/Users/${isvUserId}`, undefined, get);
      assert.equal(response.status, 200, said('SPEC 2', response));
      userAssertions(response.body, 'SPEC 2');
      assert.equal(response.body['id'], isvUserId);
    });

    it('SPEC 3: GET /Users?filter=userName eq "{{InvalidUserEmail}}" → 200 ListResponse, totalResults 0', async () => {
      const filter = percentEncoded('userName eq "invalid.user.2291@atko.example"');
      assertListResponse(await t.scim('GET', `/Users?filter=${filter}`, undefined, get), 'SPEC 3', 0);
    });

    it('SPEC 4: GET /Users/010101001010101011001010101011 → 404 with detail and the Error schema', async () => {
      const response = await t.scim('GET', '/Users/010101001010101011001010101011', undefined, get);
      assertScimError(response, 404, 'SPEC 4');
    });

    it('SPEC 5: GET /Users?filter=userName eq "{{randomEmail}}" → 200, totalResults 0', async () => {
      assertListResponse(await t.scim('GET', `/Users?filter=${percentEncoded(`userName eq "${randomEmail}"`)}`, undefined, get), 'SPEC 5', 0);
    });

    it('SPEC 6: POST /Users (Content-Type: application/json) → 201 echoing the user, active true, core User schema', async () => {
      const response = await t.scim(
        'POST',
        '/Users',
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: randomUsername,
          name: { givenName: randomGivenName, familyName: randomFamilyName },
          emails: [{ primary: true, value: randomEmail, type: 'work' }],
          displayName: `${randomGivenName} ${randomFamilyName}`,
          active: true,
        },
        post,
      );
      assert.equal(response.status, 201, said('SPEC 6', response));
      idUserOne = idOf(response, 'SPEC 6');
      assert.equal(response.body['active'], true);
      assert.equal(field(response.body, 'name', 'givenName'), randomGivenName);
      assert.equal(field(response.body, 'name', 'familyName'), randomFamilyName);
      assert.ok((response.body['schemas'] as string[]).includes(USER));
      assert.equal(response.body['userName'], randomUsername);
    });

    it('SPEC 7: GET /Users/{{idUserOne}} → 200 with the same values', async () => {
      const response = await t.scim('GET', `/Users/${idUserOne}`, undefined, get);
      assert.equal(response.status, 200, said('SPEC 7', response));
      assert.equal(response.body['id'], idUserOne);
      assert.equal(response.body['userName'], randomUsername);
      assert.equal(response.body['active'], true);
      assert.equal(field(response.body, 'name', 'givenName'), randomGivenName);
      assert.equal(field(response.body, 'name', 'familyName'), randomFamilyName);
      assert.equal(field(response.body, 'emails', 0, 'value'), randomEmail);
    });

    it('SPEC 8: POST /Users with the same userName → 409', async () => {
      const response = await t.scim(
        'POST',
        '/Users',
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: randomUsername,
          name: { givenName: randomGivenName, familyName: randomFamilyName },
          emails: [{ primary: true, value: randomEmail, type: 'work' }],
          displayName: `${randomGivenName} ${randomFamilyName}`,
          active: true,
        },
        post,
      );
      assertScimError(response, 409, 'SPEC 8', 'uniqueness');
    });

    it('SPEC 9: GET /Users?filter=userName eq "{{randomUsernameCaps}}" → 200 and finds the user (userName is case-insensitive)', async () => {
      const response = await t.scim('GET', `/Users?filter=${percentEncoded(`userName eq "${randomUsernameCaps}"`)}`, undefined, get);
      const [found] = assertListResponse(response, 'SPEC 9', 1);
      assert.equal(found?.['id'], idUserOne);
    });

    it('SPEC 10: GET /Groups → 200 within 600 ms', async () => {
      const started = performance.now();
      const response = await t.scim('GET', '/Groups', undefined, get);
      const elapsed = performance.now() - started;
      assertListResponse(response, 'SPEC 10');
      assert.ok(elapsed < 600, `GET /Groups took ${elapsed.toFixed(0)} ms`);
    });

    it('SPEC 11 / O9: the same filter with "Authorization: non-token" → 401, detail, status "401", Error schema', async () => {
      const response = await t.scim('GET', `/Users?filter=${percentEncoded(`userName eq "${randomUsernameCaps}"`)}`, undefined, {
        ...get,
        authorization: 'non-token',
      });
      assertScimError(response, 401, 'SPEC 11');
      assert.ok((response.body['schemas'] as string[]).includes(ERROR));
    });

    it('SPEC 12: GET /Users/00919288221112222 → 404 with detail, status "404", Error schema', async () => {
      assertScimError(await t.scim('GET', '/Users/00919288221112222', undefined, get), 404, 'SPEC 12');
    });
  });
}
