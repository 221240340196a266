/**
 * A group with more members than one page (MEMBER_PAGE) is written as its pages are read. Proven
 * by holding the storage back: the read of a later page waits until the test lets it go, so the
 * client can only see the first bytes before it if the server sends them before reading on.
 */
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { JsonObject } from '../json/json-value.js';
import { uuidv7 } from '../provisioning/runtime.js';
import { userRecordFrom } from '../provisioning/users/user-record.js';
import { MEMBER_PAGE } from '../scim/endpoints/streamed-groups.js';
import { SqlGroupRepository } from '../storage/sql/groups.repo.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, type TestServer } from '../testing/test-server.js';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const MEMBERS = MEMBER_PAGE + 500;

/** What the spy lets later pages do: go on, wait for the test, or fail. */
type LaterPages = { mode: 'go' } | { mode: 'wait'; release: Promise<void> } | { mode: 'fail' };

interface Answer {
  readonly response: IncomingMessage;
  /** Resolves with the first piece of the body. */
  readonly first: Promise<string>;
  /** Resolves with the whole body and how many pieces it came in, or with `complete: false` when the connection was cut. */
  readonly done: Promise<{ body: string; pieces: number; complete: boolean }>;
}

for (const { engine, skip } of testEngines()) {
  describe(`streamed group responses on ${engine}`, { skip, timeout: 120_000 }, () => {
    let t: TestServer;
    let port: number;
    let groupId: string;
    let etag: string;
    let memberIds: string[];
    const original = SqlGroupRepository.prototype.membersPage;
    let later: LaterPages = { mode: 'go' };
    const reads = { first: 0, laterStarted: 0, laterDone: 0 };

    before(async () => {
      t = await createTestServer(engine, { PORT: '0', HOST: '127.0.0.1' });
      port = Number(new URL(await t.server.listen()).port);
      const created = await t.scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Everyone' });
      assert.equal(created.status, 201, created.raw);
      groupId = String(created.body['id']);
      etag = String(created.headers['etag']);
      // Written through the store: thousands of SCIM creates would only slow the test down.
      const now = Date.now();
      const people = Array.from({ length: MEMBERS }, (_, i) =>
        userRecordFrom({ userName: `p${i}@example.com` }, { id: uuidv7(), version: 1, createdMs: now, modifiedMs: now, source: 'scim', managerId: null }),
      );
      await t.server.store.transaction({ tenantId: t.tenant.id }, async (repos) => {
        for (const person of people) await repos.users.insert(person);
        await repos.groups.addMembers(
          groupId,
          people.map((p) => ({ id: p.id, type: 'User' as const })),
          now,
        );
      });
      memberIds = people.map((p) => p.id).sort();

      SqlGroupRepository.prototype.membersPage = async function (this: SqlGroupRepository, id, afterId, limit) {
        if (afterId === undefined) {
          reads.first += 1;
          return original.call(this, id, afterId, limit);
        }
        reads.laterStarted += 1;
        const now = later;
        if (now.mode === 'fail') throw new Error('the database went away');
        if (now.mode === 'wait') await now.release;
        const page = await original.call(this, id, afterId, limit);
        reads.laterDone += 1;
        return page;
      };
    });
    after(async () => {
      SqlGroupRepository.prototype.membersPage = original;
      await t?.close();
    });

    const get = (path: string, headers: Record<string, string> = {}): Promise<Answer> =>
      new Promise((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path: `/scim/v2${path}`, headers: { authorization: `Bearer ${t.token}`, ...headers }, agent: false },
          (response) => {
            let body = '';
            let pieces = 0;
            let gotFirst: (piece: string) => void = () => {};
            const first = new Promise<string>((r) => (gotFirst = r));
            const done = new Promise<{ body: string; pieces: number; complete: boolean }>((r) => {
              response.setEncoding('utf8');
              response.on('data', (piece: string) => {
                if (pieces === 0) gotFirst(piece);
                pieces += 1;
                body += piece;
              });
              response.on('error', () => {});
              response.on('close', () => r({ body, pieces, complete: response.complete }));
            });
            resolve({ response, first, done });
          },
        );
        req.on('error', reject);
        req.end();
      });

    it('sends the first members before it reads the later pages, and the whole group in the end', async () => {
      let release: () => void = () => {};
      later = { mode: 'wait', release: new Promise<void>((r) => (release = r)) };
      const before = { ...reads };
      const answer = await get(`/Groups/${groupId}`);
      assert.equal(answer.response.statusCode, 200);
      assert.equal(answer.response.headers['etag'], etag, 'the version read with the group');
      assert.equal(answer.response.headers['content-type'], 'application/scim+json; charset=utf-8');
      const first = await answer.first;
      assert.match(first, /^\{"schemas":\["urn:ietf:params:scim:schemas:core:2\.0:Group"\],"id":/);
      assert.equal(reads.laterDone, before.laterDone, 'no later page was read when the first bytes arrived');
      release();
      const done = await answer.done;
      assert.ok(done.complete);
      assert.ok(done.pieces > 1, `${done.pieces} piece(s)`);
      assert.equal(reads.first - before.first, 1);
      assert.equal(reads.laterDone - before.laterDone, 1, `${MEMBERS} members: the first page of ${MEMBER_PAGE} and one more`);
      const group = JSON.parse(done.body) as JsonObject;
      const members = group['members'] as JsonObject[];
      assert.deepEqual(
        members.map((m) => m['value']),
        memberIds,
        'every member once, in id order',
      );
      assert.deepEqual(Object.keys(group), ['schemas', 'id', 'displayName', 'members', 'meta']);
      assert.equal(members[0]?.['$ref'], `http://roster.test/scim/v2/Users/${memberIds[0]}`);
    });

    it('answers If-None-Match and excludedAttributes=members without reading the members past the first page', async () => {
      later = { mode: 'fail' };
      const notModified = await get(`/Groups/${groupId}`, { 'if-none-match': etag });
      assert.equal(notModified.response.statusCode, 304);
      assert.ok((await notModified.done).complete);
      const firstReads = reads.first;
      const summary = await get(`/Groups/${groupId}?excludedAttributes=members`);
      const done = await summary.done;
      assert.equal(summary.response.statusCode, 200);
      assert.equal(JSON.parse(done.body)['members'], undefined);
      assert.equal(reads.first, firstReads, 'no member read at all');
    });

    it('cuts the connection when a later page cannot be read, rather than end a 200 with half a group', async () => {
      later = { mode: 'fail' };
      const answer = await get(`/Groups/${groupId}`);
      assert.equal(answer.response.statusCode, 200, 'the first page went out with its status');
      const done = await answer.done;
      assert.equal(done.complete, false, 'the body never ended');
      assert.throws(() => JSON.parse(done.body));
      later = { mode: 'go' };
      const again = await get(`/Groups/${groupId}?attributes=members.value`);
      const whole = await again.done;
      assert.ok(whole.complete);
      assert.deepEqual(
        (JSON.parse(whole.body)['members'] as JsonObject[]).map((m) => Object.keys(m)),
        memberIds.map(() => ['value']),
      );
    });

    it('streams a page of groups that holds the large one, in the ListResponse shape', async () => {
      later = { mode: 'go' };
      const answer = await get(`/Groups?filter=${encodeURIComponent('displayName eq "Everyone"')}`);
      const done = await answer.done;
      assert.equal(answer.response.statusCode, 200);
      assert.ok(done.complete);
      const list = JSON.parse(done.body) as JsonObject;
      assert.deepEqual(Object.keys(list), ['schemas', 'totalResults', 'itemsPerPage', 'startIndex', 'Resources']);
      assert.equal(list['totalResults'], 1);
      const [group] = list['Resources'] as JsonObject[];
      assert.equal((group?.['members'] as JsonObject[] | undefined)?.length, MEMBERS);
    });
  });
}
