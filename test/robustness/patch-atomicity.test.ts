/**
 * Issue 7 item 3: a failed PATCH changes nothing. Random operation lists (fast-check) — valid ones
 * with an invalid one somewhere among them, and plain random ones — against a real listening
 * server; after every non-2xx answer the resource read back through the API, its rows and the
 * outbox are exactly as before. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { JsonObject, JsonValue } from '../../src/json/json-value.js';
import { patchOperation } from './support/arbitraries.js';
import { reliability, sized, testEngines, type SeededTenant } from './support/harness.js';
import { call, must, patchBody } from './support/http.js';
import { startInProcess, type LiveServer } from './support/in-process.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const PERSON: JsonObject = {
  userName: 'atomic@patch.example',
  displayName: 'Ada Atomic',
  title: 'Engineer',
  name: { givenName: 'Ada', familyName: 'Atomic' },
  emails: [
    { value: 'ada@work.example', type: 'work', primary: true },
    { value: 'ada@home.example', type: 'home' },
  ],
  phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
  addresses: [{ type: 'work', locality: 'Lyon', country: 'FR' }],
  [ENTERPRISE]: { department: 'R&D', employeeNumber: '42' },
};

/** Operations that apply cleanly to PERSON-like users. */
const validUserOp: fc.Arbitrary<JsonObject> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }).map((v) => ({ op: 'replace', path: 'displayName', value: `D ${v}` })),
  fc.string({ minLength: 1, maxLength: 12 }).map((v) => ({ op: 'replace', path: 'title', value: `T ${v}` })),
  fc.string({ minLength: 1, maxLength: 12 }).map((v) => ({ op: 'replace', path: 'name.givenName', value: `G ${v}` })),
  fc.nat(999).map((n) => ({ op: 'add', path: 'emails', value: [{ value: `extra${n}@work.example`, type: 'other' }] })),
  fc.nat(999).map((n) => ({ op: 'replace', path: 'emails[type eq "home"].value', value: `home${n}@home.example` })),
  fc.constantFrom<JsonObject>(
    { op: 'remove', path: 'nickName' },
    { op: 'add', path: 'nickName', value: 'Nick' },
    { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Ops' },
    { op: 'replace', value: { title: 'No-path title', active: true } },
    { op: 'remove', path: 'phoneNumbers[type eq "mobile"]' },
  ),
);

/** Operations that must fail, each for its own reason. */
const invalidUserOp: fc.Arbitrary<JsonObject> = fc.constantFrom<JsonObject>(
  { op: 'replace', path: 'unknownAttribute', value: 'x' },
  { op: 'replace', path: 'id', value: 'new-id' },
  { op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' },
  { op: 'remove', path: 'userName' },
  { op: 'replace', path: 'active', value: 'perhaps' },
  { op: 'replace', path: 'emails[value co "nobody-has-this"].type', value: 'work' },
  { op: 'add', path: 'emails', value: [{ value: 'not an email', type: 'work' }] },
  {
    op: 'add',
    path: 'emails',
    value: [
      { value: 'p1@x.example', primary: true },
      { value: 'p2@x.example', primary: true },
    ],
  },
  { op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'Boss' },
  { op: 'copy', path: 'title', value: 'x' },
  { op: 'replace', path: 'title' },
  { op: 'replace', path: 'emails[type eq "work"', value: 'x' },
  { op: 'add', path: 'addresses', value: [{ type: 'home', country: 'Atlantis' }] },
  { op: 'replace', path: 'userName', value: 'taken@patch.example' },
);

const validGroupOp = (userIds: readonly string[]): fc.Arbitrary<JsonObject> =>
  fc.oneof(
    fc.subarray([...userIds], { minLength: 1, maxLength: 3 }).map((ids) => ({ op: 'add', path: 'members', value: ids.map((value) => ({ value })) })),
    fc.constantFrom(...userIds).map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` })),
    fc.string({ minLength: 1, maxLength: 10 }).map((v) => ({ op: 'replace', path: 'displayName', value: `Group ${v}` })),
    fc.string({ minLength: 1, maxLength: 10 }).map((v) => ({ op: 'replace', path: 'externalId', value: `ext-${v}` })),
  );

const invalidGroupOp = (selfId: string): fc.Arbitrary<JsonObject> =>
  fc.constantFrom<JsonObject>(
    { op: 'add', path: 'members', value: [{ value: selfId }] },
    { op: 'replace', path: 'displayName', value: 'Other group' },
    { op: 'replace', path: 'id', value: 'x' },
    { op: 'add', path: 'bogus', value: 1 },
    { op: 'remove', path: 'members', value: [{ value: 'x' }] },
    { op: 'add', path: 'members', value: [{ value: 'x', type: 'Robot' }] },
    { op: 'remove', path: 'displayName' },
    { op: 'add', path: 'members[value eq "x"', value: 'x' },
  );

/** Valid operations with one invalid one somewhere among them: the early ones would change things. */
function failingLate(valid: fc.Arbitrary<JsonObject>, invalid: fc.Arbitrary<JsonObject>): fc.Arbitrary<JsonValue[]> {
  return fc.tuple(fc.array(valid, { minLength: 1, maxLength: 4 }), invalid, fc.array(valid, { maxLength: 2 })).map(([head, bad, tail]) => [...head, bad, ...tail]);
}

for (const { engine, skip } of testEngines()) {
  describe(`a failed PATCH changes nothing, on ${engine}`, { skip }, () => {
    let live: LiveServer;
    let t: SeededTenant;
    let userId = '';
    let groupId = '';
    const userIds: string[] = [];

    /** Everything a PATCH could touch: the resource as the API shows it, its rows, the outbox. */
    async function snapshot(kind: 'Users' | 'Groups', id: string): Promise<string> {
      const api = await must(live.base, 'GET', `/scim/v2/${kind}/${id}`, { token: t.token });
      const rows =
        kind === 'Users'
          ? [
              await live.sql.rows('select * from users where tenant_id = ? and id = ?', [t.id, id]),
              await live.sql.rows('select * from user_emails where tenant_id = ? and user_id = ? order by position', [t.id, id]),
              await live.sql.rows('select * from folder_members where tenant_id = ? and user_id = ? order by folder_id', [t.id, id]),
            ]
          : [
              await live.sql.rows('select * from groups where tenant_id = ? and id = ?', [t.id, id]),
              await live.sql.rows('select * from group_members where tenant_id = ? and group_id = ? order by member_id', [t.id, id]),
              await live.sql.rows('select * from pending_references where tenant_id = ? and subject_id = ? order by reference_fold', [t.id, id]),
            ];
      // The server numbers a change's events just after its commit: read the outbox once it has.
      await live.server.store.eventsSettled({ tenantId: t.id });
      const events = await live.sql.rows('select count(*) as n, max(seq) as last from events where tenant_id = ?', [t.id]);
      return JSON.stringify({ status: api.status, body: api.body, etag: api.headers.get('etag'), rows, events });
    }

    /** What the PATCHes of one property came to: applied, refused (each verified to change nothing), and why. */
    interface Tally {
      applied: number;
      failed: number;
      readonly reasons: Record<string, number>;
    }

    /** Sends one PATCH; a non-2xx answer must leave everything `snapshot` sees exactly as it was. */
    async function patchLeavesNoTraceOnFailure(kind: 'Users' | 'Groups', id: string, ops: JsonValue[], tally: Tally): Promise<void> {
      const before = await snapshot(kind, id);
      const answer = await call(live.base, 'PATCH', `/scim/v2/${kind}/${id}`, { token: t.token, body: patchBody(ops) });
      assert.equal(answer.kind, 'response');
      if (answer.kind !== 'response') return;
      assert.ok(answer.status < 500, `${answer.status} ${answer.text.slice(0, 300)} for ${JSON.stringify(ops)}`);
      if (answer.status >= 200 && answer.status < 300) {
        tally.applied++;
        return;
      }
      tally.failed++;
      const reason = `${answer.status} ${String(answer.body['scimType'] ?? '')}`;
      tally.reasons[reason] = (tally.reasons[reason] ?? 0) + 1;
      assert.equal(await snapshot(kind, id), before, `PATCH ${JSON.stringify(ops)} answered ${answer.status} but changed something`);
    }

    before(async () => {
      live = await startInProcess(engine, ['atomic']);
      t = live.tenants[0] as SeededTenant;
      await must(live.base, 'POST', '/scim/v2/Users', { token: t.token, body: { userName: 'taken@patch.example' } });
      const u = await must(live.base, 'POST', '/scim/v2/Users', { token: t.token, body: PERSON });
      assert.equal(u.status, 201, u.text);
      userId = String(u.body['id']);
      for (let i = 0; i < 6; i++)
        userIds.push(String((await must(live.base, 'POST', '/scim/v2/Users', { token: t.token, body: { userName: `m${i}@patch.example` } })).body['id']));
      await must(live.base, 'POST', '/scim/v2/Groups', { token: t.token, body: { displayName: 'Other group' } });
      const g = await must(live.base, 'POST', '/scim/v2/Groups', {
        token: t.token,
        body: { displayName: 'Atomic group', members: userIds.slice(0, 3).map((value) => ({ value })) },
      });
      groupId = String(g.body['id']);
    });
    after(async () => {
      await live?.close();
    });

    it('User PATCH: after any non-2xx the person, their rows and the outbox are unchanged', async () => {
      const runs = sized(250, 2000);
      const tally: Tally = { applied: 0, failed: 0, reasons: {} };
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { weight: 6, arbitrary: failingLate(validUserOp, invalidUserOp) },
            { weight: 2, arbitrary: fc.array(patchOperation, { minLength: 1, maxLength: 4 }) },
            { weight: 1, arbitrary: fc.array(validUserOp, { minLength: 1, maxLength: 3 }) },
          ),
          fc.nat(49),
          async (ops, resetRoll) => {
            // Now and then back to the full profile, so there is always something to break.
            if (resetRoll === 0) await must(live.base, 'PUT', `/scim/v2/Users/${userId}`, { token: t.token, body: PERSON });
            await patchLeavesNoTraceOnFailure('Users', userId, ops, tally);
          },
        ),
        { numRuns: runs, seed: 7644_352 },
      );
      assert.ok(tally.failed > runs / 2, `most sequences fail (${tally.failed} of ${runs})`);
      reliability('hostile.patch-atomicity.user', { engine, patches: runs, failedAndVerifiedUnchanged: tally.failed, applied: tally.applied, refusals: tally.reasons });
    });

    it('Group PATCH: after any non-2xx the group, its members and the outbox are unchanged', async () => {
      const runs = sized(200, 1500);
      const tally: Tally = { applied: 0, failed: 0, reasons: {} };
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { weight: 6, arbitrary: failingLate(validGroupOp(userIds), invalidGroupOp(groupId)) },
            { weight: 2, arbitrary: fc.array(patchOperation, { minLength: 1, maxLength: 4 }) },
            { weight: 1, arbitrary: fc.array(validGroupOp(userIds), { minLength: 1, maxLength: 3 }) },
          ),
          async (ops) => patchLeavesNoTraceOnFailure('Groups', groupId, ops, tally),
        ),
        { numRuns: runs, seed: 7644_353 },
      );
      assert.ok(tally.failed > runs / 2, `most sequences fail (${tally.failed} of ${runs})`);
      reliability('hostile.patch-atomicity.group', { engine, patches: runs, failedAndVerifiedUnchanged: tally.failed, applied: tally.applied, refusals: tally.reasons });
    });
  });
}
