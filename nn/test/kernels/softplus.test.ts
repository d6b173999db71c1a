import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { useWasm } from './backends.ts';

/** tfjs-backend-wasm's threshold: logf(FLT_EPSILON) + 2 as float32. */
const THRESHOLD = Math.fround(Math.fround(Math.log(2 ** -23)) + 2);

/**
 * tfjs-backend-wasm's SoftplusImpl, written over the backend's own expf (its Exp kernel) and a double-precision
 * log (V8's fdlibm): what our kernel must give bit for bit.
 */
function backendFormula(x: Float32Array): Float32Array {
  const e = tf.tidy(() => tf.exp(tf.tensor1d(x)).dataSync()) as Float32Array;
  return x.map((v, i) => (v < THRESHOLD ? e[i] : v > -THRESHOLD ? v : Math.fround(Math.log(1 + e[i]))));
}

describe('wasm Softplus', () => {
  useWasm();

  it("gives the backend's formula bit for bit over a dense sweep, its thresholds and the edges of expf", () => {
    // 200003 values: not a multiple of four, so the last ones take the one-at-a-time path.
    const x = Float32Array.from({ length: 200_003 }, (_, i) => -20 + (40 * i) / 200_003);
    const edges = [
      THRESHOLD,
      -THRESHOLD,
      Math.fround(THRESHOLD - 1e-6),
      Math.fround(THRESHOLD + 1e-6),
      0,
      -0,
    ];
    edges.push(-88, -103.9, -104, -110, -Infinity, Infinity, 1e-30, -1e-30, 3e38, -3e38);
    x.set(edges);
    const ours = tf.tidy(() => tf.softplus(tf.tensor1d(x)).dataSync());
    const expected = backendFormula(x);
    let mismatches = 0;
    for (let i = 0; i < x.length; i++) if (!Object.is(ours[i], expected[i])) mismatches++;
    assert.equal(mismatches, 0, `${mismatches} of ${x.length} values differ`);
  });

  it('passes NaN through', () => {
    const out = tf.tidy(() =>
      tf.softplus(tf.tensor1d([Number.NaN, 1, Number.NaN, 2, Number.NaN])).dataSync(),
    );
    assert.ok(Number.isNaN(out[0]) && Number.isNaN(out[2]) && Number.isNaN(out[4]));
  });
});
