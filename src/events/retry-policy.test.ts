import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryDelayMs } from './retry-policy.js';

describe('retry backoff', () => {
  it('waits a random time up to a doubling ceiling, capped (full jitter)', () => {
    const settings = { retryBaseMs: 1000, retryMaxMs: 60_000 };
    assert.equal(
      retryDelayMs(1, settings, () => 0.999999),
      999,
    );
    assert.equal(
      retryDelayMs(4, settings, () => 0.5),
      4000,
    );
    assert.equal(
      retryDelayMs(30, settings, () => 0.5),
      30_000,
    );
    assert.equal(
      retryDelayMs(3, settings, () => 0),
      0,
    );
  });
});
