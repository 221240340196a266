import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endOfTurn } from './end-of-turn.js';

describe('endOfTurn', () => {
  it('is one promise for everything that awaits it in the same turn', async () => {
    const order: string[] = [];
    const first = endOfTurn();
    const second = endOfTurn();
    assert.equal(first, second);
    const ended = first.then(() => order.push('turn ended'));
    queueMicrotask(() => order.push('work of this turn'));
    await ended;
    assert.deepEqual(order, ['work of this turn', 'turn ended']);
  });

  it('starts a new turn for whoever asks after it resolved, also from a continuation of the last one', async () => {
    const first = endOfTurn();
    let next: Promise<void> | undefined;
    await first.then(() => {
      next = endOfTurn();
    });
    assert.ok(next);
    assert.notEqual(next, first);
    await next;
  });
});
