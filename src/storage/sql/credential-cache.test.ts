import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CredentialRecord, TenantRecord } from '../store.js';
import { CredentialCache } from './credential-cache.js';

const tenant = (id: string): TenantRecord => ({
  id,
  slug: id,
  name: id,
  provisioningEnabled: true,
  settings: {},
  createdMs: 0,
  lastRequestMs: null,
  lastChangeMs: null,
  mode: 'live',
});
const credential = (id: string, tenantId: string): CredentialRecord => ({
  id,
  tenantId,
  kind: 'bearer',
  label: 'x',
  secretHash: 'h',
  createdMs: 0,
  lastUsedMs: null,
  revokedMs: null,
});

/** A loader that counts its calls and answers from a mutable table. */
function loader() {
  const table = new Map([
    ['c1', { credential: credential('c1', 't1'), tenant: tenant('t1') }],
    ['c2', { credential: credential('c2', 't2'), tenant: tenant('t2') }],
  ]);
  const calls: string[] = [];
  return {
    table,
    calls,
    load: async (id: string) => {
      calls.push(id);
      return table.get(id);
    },
  };
}

describe('credential cache', () => {
  it('asks the database once per credential, and never keeps a miss', async () => {
    const cache = new CredentialCache(() => false);
    const db = loader();
    await cache.find('c1', db.load);
    await cache.find('c1', db.load);
    assert.equal(await cache.find('nope', db.load), undefined);
    assert.equal(await cache.find('nope', db.load), undefined);
    assert.deepEqual(db.calls, ['c1', 'nope', 'nope']);
  });

  it('empties itself when another process has committed, so a revocation made elsewhere is seen', async () => {
    let changed = false;
    const cache = new CredentialCache(() => changed);
    const db = loader();
    await cache.find('c1', db.load);
    db.table.set('c1', { credential: { ...credential('c1', 't1'), revokedMs: 5 }, tenant: tenant('t1') });
    changed = true;
    assert.equal((await cache.find('c1', db.load))?.credential.revokedMs, 5);
  });

  it('forgets one credential, or all of one tenant, and entries expire', async () => {
    let now = 0;
    const cache = new CredentialCache(
      () => false,
      1_000,
      100,
      () => now,
    );
    const db = loader();
    await cache.find('c1', db.load);
    await cache.find('c2', db.load);
    cache.forgetTenant('t1');
    await cache.find('c1', db.load);
    await cache.find('c2', db.load);
    assert.deepEqual(db.calls, ['c1', 'c2', 'c1']);
    cache.forgetCredential('c2');
    await cache.find('c2', db.load);
    now = 1_001;
    await cache.find('c1', db.load);
    assert.deepEqual(db.calls, ['c1', 'c2', 'c1', 'c2', 'c1']);
  });
});
