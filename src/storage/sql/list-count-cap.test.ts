/**
 * A list's count can be capped (the console's people lists): it then reads at most cap + 1
 * matches and says whether the total is exact. A first page that is not full needs no count.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uuidv7 } from '../../provisioning/runtime.js';
import { userRecordFrom } from '../../provisioning/users/user-record.js';
import { openTestStore, testEngines } from '../../testing/databases.js';
import type { Store, TenantScope } from '../store.js';

for (const { engine, skip } of testEngines()) {
  describe(`capped list counts on ${engine}`, { skip }, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let scope: TenantScope;
    before(async () => {
      ({ store, dispose } = await openTestStore(engine));
      const id = uuidv7();
      await store.tenants.create({
        id,
        slug: 'capped',
        name: 'capped',
        provisioningEnabled: true,
        settings: {},
        createdMs: Date.now(),
        lastRequestMs: null,
        lastChangeMs: null,
      });
      scope = { tenantId: id };
      await store.transaction(scope, async (r) => {
        for (let i = 0; i < 7; i++) {
          const now = Date.now();
          assert.equal(
            await r.users.insert(
              userRecordFrom({ userName: `cap${i}@example.com` }, { id: uuidv7(), version: 1, createdMs: now, modifiedMs: now, source: 'scim', managerId: null }),
            ),
            true,
          );
        }
      });
    });
    after(async () => dispose?.());

    const list = (limit: number, countCap?: number) =>
      store.read(scope, (r) => r.users.list({ page: { kind: 'cursor', limit }, ...(countCap !== undefined ? { countCap } : {}) }));

    it('stops counting at the cap and says so', async () => {
      const page = await list(2, 4);
      assert.equal(page.rows.length, 2);
      assert.equal(page.total, 4);
      assert.equal(page.totalExact, false);
    });

    it('is exact under the cap, and without one', async () => {
      assert.deepEqual([(await list(2, 7)).total, (await list(2, 7)).totalExact], [7, true]);
      assert.deepEqual([(await list(2)).total, (await list(2)).totalExact], [7, undefined]);
    });

    it('counts a first page that is not full from its rows', async () => {
      const page = await list(50, 3);
      assert.equal(page.rows.length, 7);
      assert.equal(page.total, 7, 'every match is on the page, whatever the cap');
      assert.equal(page.totalExact, true);
    });
  });
}
