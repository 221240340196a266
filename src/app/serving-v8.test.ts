import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVING_INTERRUPT_BUDGET, servingV8Flags } from './serving-v8.js';

describe('the V8 flags roster serve sets', () => {
  it('optimises sooner than V8’s default, and sizes the heap for memory only when HEAP_MODE=small', () => {
    assert.deepEqual(servingV8Flags('default', []), [`--interrupt-budget=${SERVING_INTERRUPT_BUDGET}`]);
    assert.deepEqual(servingV8Flags('small', []), [`--interrupt-budget=${SERVING_INTERRUPT_BUDGET}`, '--optimize-for-size']);
  });

  it('leaves a budget the node command line sets, in either spelling', () => {
    assert.deepEqual(servingV8Flags('default', ['--interrupt-budget=100000']), []);
    assert.deepEqual(servingV8Flags('default', ['--interrupt_budget=100000']), []);
    assert.deepEqual(servingV8Flags('small', ['--inspect', '--interrupt-budget=1000']), ['--optimize-for-size']);
    assert.deepEqual(servingV8Flags('default', ['--interrupt-budget-factor-for-feedback-allocation=8']), [`--interrupt-budget=${SERVING_INTERRUPT_BUDGET}`]);
  });
});
