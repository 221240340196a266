import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestLogEntry, Store } from '../../storage/store.js';
import { RequestLogWriter } from './request-log-writer.js';

/** A store whose log inserts wait until released (a database that is slow or away). */
function heldStore() {
  const batches: RequestLogEntry[][] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const store = {
    appendRequestLog: async (entries: readonly RequestLogEntry[]) => {
      batches.push([...entries]);
      await gate;
    },
  } as unknown as Store;
  return { store, batches, release };
}

const entry = (i: number, bodyChars: number): RequestLogEntry => ({
  tenantId: 't',
  id: String(i).padStart(8, '0'),
  atMs: i,
  method: 'POST',
  path: '/scim/v2/Users',
  status: 201,
  durationMs: 1,
  client: null,
  credentialId: null,
  resourceType: 'User',
  resourceId: null,
  changed: true,
  notes: {},
  error: null,
  requestBody: 'x'.repeat(bodyChars),
  responseBody: 'y'.repeat(bodyChars),
});

describe('request log writer: bodies held in memory are bounded', () => {
  it('writes a batch early once its bodies reach the per-batch bytes, long before its count', async () => {
    const { store, batches } = heldStore();
    // 10 KB of bodies per batch, 1 KB per entry (two bodies of 256 characters, two bytes each).
    const writer = new RequestLogWriter(store, 10_000, 500, 10 * 1024, 1024 * 1024);
    for (let i = 0; i < 9; i++) writer.append(entry(i, 256));
    assert.equal(batches.length, 0, 'nine entries of 1 KB: still waiting');
    writer.append(entry(9, 256));
    // The flush is chained after the previous one (a resolved promise): it has begun one turn later.
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(batches.length, 1, 'the tenth entry reached 10 KB: the batch is being written');
    assert.equal(batches[0]?.length, 10);
  });

  it('keeps entries but not their bodies once the buffered bodies are at their limit', () => {
    const { store } = heldStore();
    const writer = new RequestLogWriter(store, 10_000, 500, Number.MAX_SAFE_INTEGER, 8 * 1024);
    for (let i = 0; i < 20; i++) writer.append(entry(i, 1024)); // 4 KB each
    assert.equal(writer.bufferedCount, 20, 'every entry is kept');
    assert.equal(writer.bufferedBytes, 8 * 1024, 'two entries of bodies: the limit');
    assert.equal(writer.bodiesDropped, 18);
    assert.equal(writer.dropped, 0);
  });
});
