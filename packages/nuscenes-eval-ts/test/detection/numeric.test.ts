import assert from 'node:assert/strict';
import { floorMod } from '../../src/numeric/floor-mod.ts';
import { numpyInterp } from '../../src/numeric/interp.ts';
import { cummean, nanmean } from '../../src/numeric/nan.ts';
import { byDescendingScore } from '../../src/numeric/score-order.ts';

describe('numpy-compatible numeric helpers', () => {
  describe('numpyInterp', () => {
    it('interpolates linearly and uses left/right outside xp', () => {
      assert.deepEqual(
        Array.from(numpyInterp([-1, 0, 0.5, 1, 2], [0, 1], [10, 20], { left: -5, right: 99 })),
        [-5, 10, 15, 20, 99],
      );
    });

    it('defaults left and right to the end values', () => {
      assert.deepEqual(Array.from(numpyInterp([-1, 3], [0, 1], [10, 20])), [10, 20]);
    });

    it('takes the last of repeated x-coordinates (values as numpy 1.24 gives them)', () => {
      // np.interp([0.5, 1.0, 1.5], [0, 1, 1, 2], [0, 10, 20, 30]) == [5, 20, 25]
      assert.deepEqual(Array.from(numpyInterp([0.5, 1, 1.5], [0, 1, 1, 2], [0, 10, 20, 30])), [5, 20, 25]);
    });

    it('returns fp[0] for a single point at x, left or right elsewhere', () => {
      assert.deepEqual(Array.from(numpyInterp([0, 1, 2], [1], [7], { left: 1, right: 2 })), [1, 7, 2]);
    });

    it('passes NaN x through', () => {
      assert.ok(Number.isNaN(numpyInterp([Number.NaN], [0, 1], [0, 1])[0]));
    });

    it('returns the common value when a segment between equal infinite values gives NaN', () => {
      assert.equal(
        numpyInterp([0.5], [0, 1], [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY])[0],
        Infinity,
      );
    });
  });

  describe('floorMod', () => {
    it('follows the sign of the divisor like Python', () => {
      assert.equal(floorMod(-1, 3), 2);
      assert.equal(floorMod(1, -3), -2);
      assert.equal(floorMod(7.5, 2 * Math.PI), 7.5 - 2 * Math.PI);
      assert.ok(Object.is(floorMod(-6, 3), 0));
      assert.ok(Object.is(floorMod(6, -3), -0));
    });
  });

  describe('cummean', () => {
    it('skips NaN and is 0 before the first value', () => {
      assert.deepEqual(Array.from(cummean([Number.NaN, 2, Number.NaN, 4])), [0, 2, 2, 3]);
    });

    it('is all ones when every value is NaN', () => {
      assert.deepEqual(Array.from(cummean([Number.NaN, Number.NaN])), [1, 1]);
    });
  });

  describe('nanmean', () => {
    it('averages the non-NaN values, NaN when there are none', () => {
      assert.equal(nanmean([1, Number.NaN, 3]), 2);
      assert.ok(Number.isNaN(nanmean([Number.NaN])));
    });
  });
});

describe('byDescendingScore', () => {
  it('orders as the devkit: descending score, equal scores (and -0, 0) with the later box first', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pool = [-1, -0, 0, 0.5, 1, 1e-300, -1e-300, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1 + 0.2];
    const score = Float64Array.from({ length: 5000 }, (_, i) =>
      i % 3 === 0 ? pool[Math.floor(random() * pool.length)] : (random() - 0.3) * 10 ** (8 * random() - 4),
    );
    const indices = Uint32Array.from({ length: 2500 }, (_, k) => k * 2);
    const expected = indices.slice().sort((a, b) => score[b] - score[a] || b - a);
    assert.deepEqual(Array.from(byDescendingScore(indices, score)), Array.from(expected));
    assert.deepEqual(Array.from(byDescendingScore(new Uint32Array(0), score)), []);
    assert.deepEqual(
      Array.from(byDescendingScore(Uint32Array.of(4, 9), Float64Array.of(0, 0, 0, 0, 2, 0, 0, 0, 0, 2))),
      [9, 4],
    );
  });
});
