/**
 * Okta's provisioning traffic, replayed as Okta sends it: the recorded exchanges of
 * src/scim/quirks/fixtures/replays/okta.json and okta-oin-spec-test.json, drawn from
 * docs/idp-behaviors.md#okta-lifecycle, docs/idp-behaviors.md#okta-example-requests,
 * docs/idp-behaviors.md#okta-test-files and docs/idp-behaviors.md#okta-quirks (O1–O12). Each test
 * names the item it replays. Ids in Okta's examples are replaced by the ids Roster gave; everything
 * else — headers, percent-encoding, bodies — is as documented.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../../src/json/json-value.js';
import { testEngines } from '../../src/testing/databases.js';
import { waitUntil } from '../../src/testing/wait-until.js';
import { createTestServer, field, type TestServer } from '../../src/testing/test-server.js';
import { Recording, type Variables } from './recorded-exchanges.js';
import { ERROR, GROUP, USER, assertListResponse, assertScimError, assertScimJson, idOf, memberIds, said, storedUserDocument } from './replay-helpers.js';

/** Okta's documented requests, as recorded JSON exchanges (docs/idp-behaviors.md#fixtures-and-replays). */
const OKTA_FILE = 'okta.json';
const OIN_SPEC_FILE = 'okta-oin-spec-test.json';

for (const { engine, skip } of testEngines()) {
  describe(`Okta replay on ${engine}`, { skip }, () => {
    let t: TestServer;
    const okta = new Recording(OKTA_FILE);
    /** Ids Roster gave, in place of the ids of Okta's examples. */
    let testUserId = '';
    let otherUserId = '';
    let groupId = '';

    before(async () => {
      t = await createTestServer(engine);
    });
    after(async () => t?.close());

    const send = (name: string, variables: Variables = {}, replace: { body?: JsonObject } = {}) => okta.send(t, name, variables, replace);
    const existenceCheck = () => send('existence-check');

    it('O9 / Okta\'s "Test API Credentials": a GET with the token answers 200; a bad token answers a 401 SCIM error with status "401"', async () => {
      const good = await send('test-credentials');
      assertListResponse(good, 'GET /Users?startIndex=1&count=2 (valid token)');
      for (const authorization of ['Bearer not-a-roster-token', 'non-token', 'Basic bm90OmdpdmVu']) {
        const bad = await send('test-credentials-refused', { authorization });
        assertScimError(bad, 401, `GET /Users with Authorization: ${authorization}`);
      }
    });

    it('O1 / O7 existence check: percent-encoded userName eq with startIndex=1&count=100 → 200 empty ListResponse', async () => {
      const response = await existenceCheck();
      const resources = assertListResponse(response, 'existence check', 0);
      assert.deepEqual(resources, []);
      assert.equal(response.body['startIndex'], 1);
    });

    it('O4 create with password placeholder and groups:[] → 201; password never echoed nor stored; externalId kept', async () => {
      const response = await send('create-user');
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

    it('okta-lifecycle "create" duplicate → 409 with the Error schema, so Okta stops the provisioning job', async () => {
      const response = await send('create-user-again');
      assertScimError(response, 409, 'POST /Users (duplicate)', 'uniqueness');
      assertListResponse(await existenceCheck(), 'existence check after the duplicate', 1);
    });

    it('O1 existence check now finds the user: one resource, with the id Roster gave', async () => {
      const [found] = assertListResponse(await existenceCheck(), 'existence check', 1);
      assert.equal(found?.['id'], testUserId);
      assert.equal(found?.['userName'], 'test.user@okta.local');
    });

    it('okta-lifecycle "read one": GET /Users/{id} → 200 with the user', async () => {
      const response = await send('get-user', { userId: testUserId });
      assertScimJson(response, 'GET /Users/{id}');
      assert.equal(response.body['id'], testUserId);
      assert.equal(response.body['userName'], 'test.user@okta.local');
      assert.equal(field(response.body, 'emails', 0, 'value'), 'test.user@okta.local');
      assert.equal(response.body['password'], undefined);
    });

    it('O3 full PUT carrying id, meta, groups and emails[].display from the previous GET → 200 with the updated user', async () => {
      const response = await send('put-user', { userId: testUserId });
      assert.equal(response.body['id'], testUserId);
      assert.deepEqual(response.body['name'], { givenName: 'Another', middleName: 'Excited', familyName: 'User' });
      assert.equal(response.body['active'], true);
      const read = await send('get-user', { userId: testUserId });
      assert.deepEqual(read.body['name'], { givenName: 'Another', middleName: 'Excited', familyName: 'User' }, said('GET after PUT', read));
      assert.equal(field(read.body, 'emails', 0, 'value'), 'test.user@okta.local');
      assert.equal(read.body['userName'], 'test.user@okta.local');
      // A PUT replaces: what the PUT left out (displayName, locale, externalId) is gone (RFC 7644 §3.5.1).
      assert.equal(read.body['displayName'], undefined, said('displayName after a PUT without it', read));
      assert.equal(read.body['locale'], undefined, said('locale after a PUT without it', read));
    });

    it('O2 deactivate = PATCH replace without path {active:false} → 200 with active false; the user stays readable and listed', async () => {
      const response = await send('deactivate-user', { userId: testUserId });
      assert.equal(response.body['active'], false);
      assert.equal(response.body['id'], testUserId);
      const read = await send('get-user', { userId: testUserId });
      assert.equal(read.body['active'], false, 'Okta never DELETEs users: a deactivated user is still there');
      const [listed] = assertListResponse(await existenceCheck(), 'existence check of a deactivated user', 1);
      assert.equal(listed?.['active'], false);
    });

    it('okta-lifecycle "reactivate": PATCH replace without path {active:true} → 200 with active true, read back true', async () => {
      const response = await send('reactivate-user', { userId: testUserId });
      assert.equal(response.body['active'], true);
      assert.equal((await send('get-user', { userId: testUserId })).body['active'], true);
    });

    it('O8 import: GET /Users?startIndex=1&count=100 → integer counters; smaller pages are stable, without gaps or repeats', async () => {
      for (let i = 1; i <= 4; i++) {
        // Four more people, each Okta's create with its own names.
        const extra = await send(
          'create-user',
          {},
          {
            body: {
              ...okta.body('create-user'),
              userName: `import.${i}@okta.local`,
              emails: [{ primary: true, value: `import.${i}@okta.local`, type: 'work' }],
              externalId: `00uimport${i}`,
            },
          },
        );
        if (i === 1) otherUserId = idOf(extra, 'POST /Users');
      }
      const all = assertListResponse(await send('import-users'), 'GET /Users?startIndex=1&count=100', 5);
      assert.equal(all.length, 5);
      const allIds = all.map((r) => String(r['id']));
      // Okta walks startIndex=1, 101, …; the same walk with pages of 2 must see every user once, in one order.
      const walked: string[] = [];
      for (let start = 1; start <= 5; start += 2) {
        const page = assertListResponse(await send('import-users-page', { startIndex: String(start) }), `page startIndex=${start}`, 5);
        assert.equal(page.length, Math.min(2, 5 - start + 1));
        walked.push(...page.map((r) => String(r['id'])));
      }
      assert.deepEqual(walked, allIds, 'paging must follow the same stable order as the full list');
      const beyond = assertListResponse(await send('import-users-beyond'), 'GET /Users?startIndex=101', 5);
      assert.deepEqual(beyond, []);
    });

    it('okta-lifecycle "group push": POST /Groups {displayName, members:[]} → 201 with id and displayName', async () => {
      const response = await send('push-group');
      assertScimJson(response, 'POST /Groups');
      groupId = idOf(response, 'POST /Groups');
      assert.equal(response.body['displayName'], 'Test SCIMv2');
      assert.deepEqual(response.body['schemas'], [GROUP]);
      const members = response.body['members'];
      assert.ok(members === undefined || (Array.isArray(members) && members.length === 0), JSON.stringify(members));
      assert.equal(field(response.body, 'meta', 'resourceType'), 'Group');
    });

    it('okta-lifecycle "group link": percent-encoded displayName eq with startIndex=1&count=100 → the group; an unknown name → empty list (O7)', async () => {
      const found = assertListResponse(await send('link-group'), 'GET /Groups?filter=displayName eq "Test SCIMv2"', 1);
      assert.equal(found[0]?.['id'], groupId);
      assert.equal(found[0]?.['displayName'], 'Test SCIMv2');
      const none = assertListResponse(await send('link-group-unknown'), 'GET /Groups?filter=displayName eq "No Such Group"', 0);
      assert.deepEqual(none, []);
      assertListResponse(await send('import-groups'), 'GET /Groups?startIndex=1&count=100 (group import)', 1);
    });

    it('O5 rename = PATCH replace without path whose value carries the group id → 204 (or 200), the name changes', async () => {
      // Verbatim: Okta re-sends the current name with each membership update (204 or 200 alike).
      await send('rename-group-unchanged', { groupId });
      // Roster answers group PATCH with 204 (README.md#what-the-scim-endpoint-supports).
      await send('rename-group', { groupId });
      const read = await send('get-group', { groupId });
      assert.equal(read.body['displayName'], 'Test SCIMv2 Renamed', said('GET after rename', read));
      assert.equal(read.body['id'], groupId);
      await send('rename-group-back', { groupId });
    });

    it('O6 one PATCH removing members[value eq "…"] and adding members → 204; exactly the added member remains', async () => {
      await send('add-member', { groupId, memberId: otherUserId, memberDisplay: 'import.1@okta.local' });
      assert.deepEqual(await memberIds(t, groupId, okta.headers), [otherUserId]);
      const response = await send('change-membership', { groupId, removedId: otherUserId, addedId: testUserId });
      assert.equal(response.raw, '');
      assert.deepEqual(await memberIds(t, groupId, okta.headers), [testUserId]);
    });

    it('okta-example-requests "full membership push": PATCH replace path members with the whole list → 204; the group has exactly those members', async () => {
      await send('push-full-membership', { groupId, firstId: testUserId, secondId: otherUserId });
      assert.deepEqual(await memberIds(t, groupId, okta.headers), [testUserId, otherUserId].sort());
      const read = await send('get-group', { groupId });
      assert.equal(read.body['displayName'], 'Test SCIMv2', '"Okta … does require the other details about the Group"');
    });

    it('O3 a full PUT carrying a stale "groups": [] leaves the user\'s group memberships alone (groups is readOnly)', async () => {
      assert.deepEqual(await memberIds(t, groupId, okta.headers), [testUserId, otherUserId].sort());
      const before = await send('get-user', { userId: testUserId });
      const groups = (before.body['groups'] ?? []) as JsonObject[];
      assert.deepEqual(
        groups.map((g) => g['value']),
        [groupId],
        said('GET /Users/{id} lists the group the user is in', before),
      );
      await send('put-user', { userId: testUserId });
      assert.deepEqual(await memberIds(t, groupId, okta.headers), [testUserId, otherUserId].sort(), 'the PUT must not drop memberships');
    });

    it('okta-lifecycle "membership" (AIW): PUT /Groups/{id} with the full member list → 200; the group has exactly that list', async () => {
      const response = await send('put-group-members', { groupId, userId: testUserId });
      assert.equal(response.body['displayName'], 'Test SCIMv2');
      assert.deepEqual(await memberIds(t, groupId, okta.headers), [testUserId]);
    });

    it('okta-lifecycle "delete group": DELETE /Groups/{id} → 204; the group is gone (404), its members are not', async () => {
      const response = await send('delete-group', { groupId });
      assert.equal(response.raw, '');
      assertScimError(await send('get-deleted-group', { groupId }), 404, 'GET deleted group');
      await send('get-user', { userId: testUserId });
    });

    it('every recorded Okta exchange was replayed', () => {
      assert.deepEqual(okta.unsent(), []);
    });
  });

  describe(`Okta rate-limit handling (O10) on ${engine}`, { skip }, () => {
    let t: TestServer;
    const okta = new Recording(OKTA_FILE);
    before(async () => {
      // One request per second per credential (bursts of 5): low enough to reach in a test.
      t = await createTestServer(engine, { RATE_LIMIT_PER_CREDENTIAL: '1' });
    });
    after(async () => t?.close());

    it('O10 a throttled credential gets 429 with a SCIM error and an integer Retry-After (Okta ignores HTTP-dates), and works again after it', async () => {
      // Okta's existence check, sent until the limit answers; its recorded 200 is judged here, not by send().
      const check = okta.request('existence-check');
      const sendCheck = (authorization?: string) => t.scim(check.method, check.path, undefined, authorization ? { ...check.headers, authorization } : check.headers);
      let throttled: Awaited<ReturnType<TestServer['scim']>> | undefined;
      for (let i = 0; i < 12 && !throttled; i++) {
        const response = await sendCheck();
        if (response.status === 429) throttled = response;
        else assert.equal(response.status, 200, said(`request ${i + 1}`, response));
      }
      assert.ok(throttled, 'twelve requests at once from a credential allowed 1/s must meet a 429');
      assertScimError(throttled, 429, 'throttled request');
      const retryAfter = String(throttled.headers['retry-after'] ?? '');
      assert.match(retryAfter, /^[1-9][0-9]*$/, `Retry-After must be whole seconds, got "${retryAfter}"`);
      const other = await t.addTenant('okta-other');
      const unaffected = await sendCheck(`Bearer ${other.token}`);
      assert.equal(unaffected.status, 200, said('another credential is not throttled', unaffected));
      // Waits on the outcome, not a clock: the credential is served again once its budget refills
      // (about Retry-After seconds; refused requests do not count against it).
      let again: Awaited<ReturnType<typeof sendCheck>> | undefined;
      await waitUntil(
        async () => {
          again = await sendCheck();
          if (again.status !== 429) return true;
          await new Promise((resolve) => setImmediate(resolve));
          return false;
        },
        'the throttled credential to be served again',
        60_000,
      );
      assert.ok(again);
      assert.equal(again.status, 200, said(`after Retry-After (${retryAfter} s)`, again));
    });
  });

  /**
   * Okta's OIN "SCIM 2.0 SPEC Test" (docs/idp-behaviors.md#okta-test-files), its 12 requests with their
   * assertions, with the headers the Runscope file sends. Step 9 also asserts that the upper-cased
   * userName finds the user (userName is caseExact:false, RFC 7643 §4.1.1; Apache SCIMple's port of the
   * test asserts it too).
   */
  describe(`Okta OIN SCIM 2.0 SPEC Test on ${engine}`, { skip }, () => {
    let t: TestServer;
    const spec = new Recording(OIN_SPEC_FILE);
    const randomUsername = 'Runscope8417Test@atko.example';
    /** The values the Runscope file draws at random, and the ids it learns. */
    const values = {
      invalidUserEmail: 'invalid.user.2291@atko.example',
      randomUsername,
      randomUsernameCaps: randomUsername.toUpperCase(),
      randomEmail: 'Runscope8417Test@atko.example',
      randomGivenName: 'Chandler',
      randomFamilyName: 'Bing',
      isvUserId: '',
      idUserOne: '',
    };
    const send = (name: string) => spec.send(t, name, values);

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
      values.isvUserId = String(seed.body['id']);
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
      const resources = assertListResponse(await send('spec-1-list-one'), 'SPEC 1');
      assert.ok(resources.length > 0, 'Resources not empty');
      userAssertions(resources[0], 'SPEC 1 Resources[0]');
    });

    it('SPEC 2: GET /Users/{ISVUserid} → 200 with the same fields and the id', async () => {
      const response = await send('spec-2-get-isv-user');
      userAssertions(response.body, 'SPEC 2');
      assert.equal(response.body['id'], values.isvUserId);
    });

    it('SPEC 3: GET /Users?filter=userName eq "{{InvalidUserEmail}}" → 200 ListResponse, totalResults 0', async () => {
      assertListResponse(await send('spec-3-filter-invalid-email'), 'SPEC 3', 0);
    });

    it('SPEC 4: GET /Users/010101001010101011001010101011 → 404 with detail and the Error schema', async () => {
      assertScimError(await send('spec-4-get-unknown-id'), 404, 'SPEC 4');
    });

    it('SPEC 5: GET /Users?filter=userName eq "{{randomEmail}}" → 200, totalResults 0', async () => {
      assertListResponse(await send('spec-5-filter-random-email'), 'SPEC 5', 0);
    });

    it('SPEC 6: POST /Users (Content-Type: application/json) → 201 echoing the user, active true, core User schema', async () => {
      const response = await send('spec-6-create');
      values.idUserOne = idOf(response, 'SPEC 6');
      assert.equal(response.body['active'], true);
      assert.equal(field(response.body, 'name', 'givenName'), values.randomGivenName);
      assert.equal(field(response.body, 'name', 'familyName'), values.randomFamilyName);
      assert.ok((response.body['schemas'] as string[]).includes(USER));
      assert.equal(response.body['userName'], values.randomUsername);
    });

    it('SPEC 7: GET /Users/{{idUserOne}} → 200 with the same values', async () => {
      const response = await send('spec-7-get-created');
      assert.equal(response.body['id'], values.idUserOne);
      assert.equal(response.body['userName'], values.randomUsername);
      assert.equal(response.body['active'], true);
      assert.equal(field(response.body, 'name', 'givenName'), values.randomGivenName);
      assert.equal(field(response.body, 'name', 'familyName'), values.randomFamilyName);
      assert.equal(field(response.body, 'emails', 0, 'value'), values.randomEmail);
    });

    it('SPEC 8: POST /Users with the same userName → 409', async () => {
      assertScimError(await send('spec-8-create-again'), 409, 'SPEC 8', 'uniqueness');
    });

    it('SPEC 9: GET /Users?filter=userName eq "{{randomUsernameCaps}}" → 200 and finds the user (userName is case-insensitive)', async () => {
      const [found] = assertListResponse(await send('spec-9-filter-caps'), 'SPEC 9', 1);
      assert.equal(found?.['id'], values.idUserOne);
    });

    it('SPEC 10: GET /Groups → 200 with a list response', async () => {
      // Okta's test also times the answer (600 ms). A busy CI machine makes any clock bound flaky,
      // so the cost is held where it can be counted instead: a page of groups runs a fixed number
      // of statements whatever their members (src/http/group-statement-cost.test.ts), and the
      // bench measures its latency (docs/performance.md).
      assertListResponse(await send('spec-10-list-groups'), 'SPEC 10');
    });

    it('SPEC 11 / O9: the same filter with "Authorization: non-token" → 401, detail, status "401", Error schema', async () => {
      const response = await send('spec-11-bad-token');
      assertScimError(response, 401, 'SPEC 11');
      assert.ok((response.body['schemas'] as string[]).includes(ERROR));
    });

    it('SPEC 12: GET /Users/00919288221112222 → 404 with detail, status "404", Error schema', async () => {
      assertScimError(await send('spec-12-get-unknown-id'), 404, 'SPEC 12');
    });

    it('every recorded request of the SPEC Test was replayed', () => {
      assert.deepEqual(spec.unsent(), []);
    });
  });
}
