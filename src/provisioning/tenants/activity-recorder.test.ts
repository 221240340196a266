/**
 * The activity kept in memory is overlaid on what the database holds at every moment: before a
 * flush, while its write is under way, and after it has committed (or failed).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Store, TenantRecord } from '../../storage/store.js';
import { openTestStore } from '../../testing/databases.js';
import { ActivityRecorder } from './activity-recorder.js';

describe('activity recorder', () => {
  it('overlays a flush under way until its write has committed, so no read sees older activity in between', async () => {
    const { store, dispose } = await openTestStore('sqlite');
    try {
      const tenant: TenantRecord = {
        id: randomUUID(),
        slug: 'acme',
        name: 'Acme',
        provisioningEnabled: true,
        settings: {},
        createdMs: 1_000,
        lastRequestMs: null,
        lastChangeMs: null,
        mode: 'live',
      };
      assert.ok(await store.tenants.create(tenant));
      // The real store, with the tenants' write held until the test lets it go.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let writing!: () => void;
      const started = new Promise<void>((resolve) => (writing = resolve));
      const gated = {
        ...store,
        tenants: {
          ...store.tenants,
          recordActivity: async (activity: Parameters<Store['tenants']['recordActivity']>[0]) => {
            writing();
            await held;
            await store.tenants.recordActivity(activity);
          },
        },
        credentials: store.credentials,
      } as Store;
      const recorder = new ActivityRecorder(gated);
      const fresh = async () => recorder.overlay((await store.tenants.findById(tenant.id))!);

      recorder.note(tenant.id, 'credential-1', 5_000, true);
      assert.equal((await fresh()).lastRequestMs, 5_000, 'not flushed: from memory');

      const flushed = recorder.flush();
      await started;
      assert.equal((await store.tenants.findById(tenant.id))!.lastRequestMs, null, 'the write has not committed');
      assert.equal((await fresh()).lastRequestMs, 5_000, 'while it is written: still overlaid');
      assert.equal((await fresh()).lastChangeMs, 5_000);
      assert.equal(recorder.pendingCredentialUse('credential-1'), 5_000);

      release();
      await flushed;
      assert.equal((await store.tenants.findById(tenant.id))!.lastRequestMs, 5_000, 'committed');
      assert.equal((await fresh()).lastRequestMs, 5_000);
      assert.equal(recorder.pendingCount, 0);
    } finally {
      await dispose();
    }
  });
});
