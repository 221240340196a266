import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVING_HEAP_GROWING_PERCENT, SERVING_INTERRUPT_BUDGET, servingV8Flags } from './serving-v8.js';

describe('the V8 flags roster serve sets', () => {
  it('optimises sooner than V8’s default, and bounds the heap’s growth unless HEAP_MODE=v8', () => {
    const budget = `--interrupt-budget=${SERVING_INTERRUPT_BUDGET}`;
    assert.deepEqual(servingV8Flags('bounded', []), [budget, `--heap-growing-percent=${SERVING_HEAP_GROWING_PERCENT}`]);
    assert.deepEqual(servingV8Flags('v8', []), [budget]);
  });

  it('leaves what the node command line sets, in either spelling', () => {
    assert.deepEqual(servingV8Flags('v8', ['--interrupt-budget=100000']), []);
    assert.deepEqual(servingV8Flags('v8', ['--interrupt_budget=100000']), []);
    assert.deepEqual(servingV8Flags('bounded', ['--inspect', '--interrupt-budget=1000', '--heap_growing_percent=50']), []);
    assert.deepEqual(servingV8Flags('v8', ['--interrupt-budget-factor-for-feedback-allocation=8']), [`--interrupt-budget=${SERVING_INTERRUPT_BUDGET}`]);
  });
});
