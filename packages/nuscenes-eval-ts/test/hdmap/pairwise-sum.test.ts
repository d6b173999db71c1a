import assert from 'node:assert/strict';
import { pairwiseSum32, pairwiseSum64 } from '../../src/index.ts';

// np.sum of these arrays (float64, and after .astype(np.float32)), computed with numpy 1.24.
// [n, sum64, sum32, a left-to-right float64 sum differs, a left-to-right float32 sum differs]
const NUMPY_SUMS: [number, number, number, boolean, boolean][] = [
  [5, 55.52675675675676, 55.526756286621094, false, false],
  [8, 690.660081081081, 690.6600952148438, false, true],
  [100, 15429.485540540538, 15429.4853515625, true, true],
  [127, 13267.182513513513, 13267.181640625, true, true],
  [129, 13267.596837837846, 13267.59765625, true, true],
  [300, 11218.188081081084, 11218.185546875, true, true],
  [1000, 19960.235378378376, 19960.234375, true, true],
  [8192, -2749.40013513514, -2749.39453125, true, true],
  [8193, -2749.54067567568, -2749.53515625, true, true],
  [20000, -41674.44164864864, -41674.4375, true, true],
];

const SCALES = [1e-3, 1e-2, 0.1, 1, 10, 100, 1000];

/** ((i * 7919) % 1000 - 500) / 37 * scale[i % 7]: magnitudes that make the summation order visible. */
function values(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => ((((i * 7919) % 1000) - 500) / 37) * SCALES[i % 7]);
}

describe("numpy's pairwise summation", () => {
  for (const [n, sum64, sum32, naive64Differs, naive32Differs] of NUMPY_SUMS) {
    it(`sums ${n} values to numpy's float64 and float32 results bit for bit`, () => {
      const v = values(n);
      assert.equal(pairwiseSum64(v), sum64);
      assert.equal(pairwiseSum32(Float32Array.from(v)), sum32);
      // The cases where order matters are the ones that guard the grouping.
      assert.equal(v.reduce((a, b) => a + b, 0) !== sum64, naive64Differs);
      const naive32 = Float32Array.from(v).reduce((a, b) => Math.fround(a + b), 0);
      assert.equal(naive32 !== sum32, naive32Differs);
    });
  }

  it('sums a slice given by start and length', () => {
    const v = values(300);
    assert.equal(pairwiseSum64(v, 100, 100), pairwiseSum64(v.slice(100, 200)));
  });
});
