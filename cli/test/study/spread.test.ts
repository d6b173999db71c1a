import assert from 'node:assert/strict';
import { spread } from '../../src/study/budgets.ts';

describe('study sample subsets', () => {
  it('spreads n items evenly over the list, in order', () => {
    assert.deepEqual(spread([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3), [1, 5, 8]);
  });

  it('keeps every item when n is null or not smaller than the list', () => {
    assert.deepEqual(spread([1, 2, 3], null), [1, 2, 3]);
    assert.deepEqual(spread([1, 2, 3], 5), [1, 2, 3]);
  });
});
