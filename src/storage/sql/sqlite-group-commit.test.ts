import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { uuidv7 } from '../../provisioning/runtime.js';
import { userRecordFrom } from '../../provisioning/users/user-record.js';
import { openStore } from '../open-store.js';
import type { Store, TenantScope } from '../store.js';

function person(userName: string) {
  const now = Date.now();
  return userRecordFrom({ userName }, { id: uuidv7(), version: 1, createdMs: now, modifiedMs: now, source: 'scim', managerId: null });
}

describe('SQLite group commit', () => {
  let dir: string;
  let store: Store;
  let scope: TenantScope;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-group-commit-'));
    store = await openStore({ databaseUrl: join(dir, 'roster.db') });
    const id = uuidv7();
    await store.tenants.create({ id, slug: 'gc', name: 'gc', provisioningEnabled: true, settings: {}, createdMs: Date.now(), lastRequestMs: null, lastChangeMs: null });
    scope = { tenantId: id };
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits writes that arrive together, and a failing one changes nothing of its own or of the others', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `batch.${i}@example.com`);
    const outcomes = await Promise.allSettled(
      names.map((userName, i) =>
        store.transaction(scope, async (repos) => {
          await repos.users.insert(person(userName));
          // Every third unit fails after writing: its row must not survive.
          if (i % 3 === 1) throw new Error(`unit ${i} fails`);
          return i;
        }),
      ),
    );
    assert.deepEqual(
      outcomes.map((o) => o.status),
      names.map((_, i) => (i % 3 === 1 ? 'rejected' : 'fulfilled')),
    );
    const stored = await store.read(scope, (repos) => repos.users.list({ page: { kind: 'index', offset: 0, limit: 100 } }));
    assert.deepEqual(stored.rows.map((u) => u.userName).sort(), names.filter((_, i) => i % 3 !== 1).sort());
  });

  it('keeps a unit isolated: a uniqueness conflict inside one unit leaves the batch intact', async () => {
    const results = await Promise.all(
      ['dup@example.com', 'dup@example.com', 'solo@example.com'].map((userName) => store.transaction(scope, (repos) => repos.users.insert(person(userName)))),
    );
    assert.deepEqual(results, [true, false, true]);
  });

  it('never lets a read see a batch that has not committed, by either read path', async () => {
    const ghost = person('ghost@example.com');
    let inserted!: () => void;
    let release!: () => void;
    const written = new Promise<void>((resolve) => (inserted = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const write = store.transaction(scope, async (repos) => {
      await repos.users.insert(ghost);
      inserted();
      await gate; // the batch's transaction stays open here, with the row written
      throw new Error('changed its mind');
    });
    await written;
    // Both are asked while the uncommitted row is on the connection: a fixed-text lookup and a built list query.
    const byName = store.read(scope, (repos) => repos.users.findByUserNameFold('ghost@example.com'));
    const listed = store.read(scope, (repos) =>
      repos.users.list({
        where: { kind: 'compare', field: { path: ['userName'], type: 'string', caseExact: false }, op: 'eq', value: 'ghost@example.com' },
        page: { kind: 'index', offset: 0, limit: 10 },
      }),
    );
    release();
    await assert.rejects(write, /changed its mind/);
    assert.equal(await byName, undefined);
    assert.deepEqual((await listed).rows, []);
  });
});
