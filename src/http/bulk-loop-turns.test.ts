/**
 * A long /Bulk request gives the event loop back between its operations: other work (here a
 * setImmediate ticker standing in for other clients' requests) runs while it is processed.
 * Operations that are refused in validation touch no storage and await nothing, so without
 * LoopTurns a request of 1,000 of them would run start to end in microtasks (the first case
 * failed with 2 turns before it). Writes yield of their own (SQLite's group commit, PostgreSQL's
 * round trips); the second case keeps it so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testEngines } from '../testing/databases.js';
import { createTestServer, type TestServer } from '../testing/test-server.js';

const OPERATIONS = 400;

for (const { engine, skip } of testEngines()) {
  describe(`/Bulk yields the event loop between operations on ${engine}`, { skip }, () => {
    let t: TestServer;
    let id = '';
    before(async () => {
      t = await createTestServer(engine);
      const created = await t.scim('POST', '/Users', { userName: 'bulk.loop@example.com', name: { givenName: 'Bulk', familyName: 'Loop' } });
      assert.equal(created.status, 201, created.raw);
      id = String(created.body['id']);
    });
    after(async () => t?.close());

    it(`lets other work run while ${OPERATIONS} operations that fail before storage are processed`, async () => {
      // Refused in validation, without a statement: nothing in them waits on anything.
      const Operations = Array.from({ length: OPERATIONS }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], name: { givenName: `No userName ${i}` } },
      }));
      let ticks = 0;
      let running = true;
      const tick = () => {
        ticks++;
        if (running) setImmediate(tick);
      };
      const pending = t.scim('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations });
      setImmediate(tick);
      const response = await pending.finally(() => {
        running = false;
      });
      assert.equal(response.status, 200, response.raw);
      const results = response.body['Operations'] as { status: string }[];
      assert.equal(results.length, OPERATIONS);
      assert.ok(
        results.every((r) => r.status === '400'),
        JSON.stringify(results.find((r) => r.status !== '400')),
      );
      assert.ok(ticks >= OPERATIONS / 50, `the loop turned ${ticks} times during ${OPERATIONS} operations`);
    });

    it(`lets other work run while ${OPERATIONS} PATCH operations are processed`, async () => {
      const Operations = Array.from({ length: OPERATIONS }, (_, i) => ({
        method: 'PATCH',
        path: `/Users/${id}`,
        data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: `Title ${i}` }] },
      }));
      let ticks = 0;
      let running = true;
      const tick = () => {
        ticks++;
        if (running) setImmediate(tick);
      };
      // Ticks counted only from the moment the bulk handler has parsed the body and starts work:
      // the injection itself takes a few turns, which do not show that the operations yield.
      const response = await (async () => {
        const pending = t.scim('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations });
        setImmediate(tick);
        try {
          return await pending;
        } finally {
          running = false;
        }
      })();
      assert.equal(response.status, 200, response.raw);
      const results = response.body['Operations'] as { status: string }[];
      assert.equal(results.length, OPERATIONS);
      assert.ok(
        results.every((r) => r.status === '200'),
        JSON.stringify(results.find((r) => r.status !== '200')),
      );
      // At least one yield per 50 operations (LoopTurns' step bound), whatever the machine's speed.
      assert.ok(ticks >= OPERATIONS / 50, `the loop turned ${ticks} times during ${OPERATIONS} operations`);
      const user = await t.scim('GET', `/Users/${id}`);
      assert.equal(user.body['title'], `Title ${OPERATIONS - 1}`);
    });
  });
}
