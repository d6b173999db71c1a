import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { unfusedWeightedGather } from '../../src/layers/grid-sample.ts';
import { hasWeightedGather, weightedGather } from '../../src/runtime/weighted-gather.ts';
import { randomTensor, relativeError, useWasm } from './backends.ts';

const R = 30;
const C = 11;
const K = 6;
const N = 50;

/** Indices with repeats (so the scatter adds into shared rows), one row per corner. */
function cornerIndices(): Int32Array[] {
  return Array.from({ length: K }, (_, k) => Int32Array.from({ length: N }, (_, n) => (n * 7 + k * 3) % R));
}

type Sampler = (table: tf.Tensor2D, weights: tf.Tensor2D) => tf.Tensor2D;

const fused: Sampler = (table, weights) => {
  const index = cornerIndices();
  const flat = new Int32Array(K * N);
  index.forEach((row, k) => {
    flat.set(row, k * N);
  });
  return weightedGather(table, tf.tensor2d(flat, [K, N], 'int32'), weights);
};

const unfused: Sampler = (table, weights) =>
  unfusedWeightedGather(table, cornerIndices(), tf.unstack(weights) as tf.Tensor1D[]);

/** The sampler's output and its gradients with respect to the table and the weights. */
function firstOrder(sample: Sampler): Float32Array[] {
  return tf.tidy(() => {
    const table = randomTensor([R, C], 1) as tf.Tensor2D;
    const weights = randomTensor([K, N], 2) as tf.Tensor2D;
    const r = randomTensor([N, C], 3);
    const out = sample(table, weights);
    const [dTable, dWeights] = tf.grads((t: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.mul(sample(t as tf.Tensor2D, w as tf.Tensor2D), r)),
    )([table, weights]);
    return [out, dTable, dWeights].map((t) => Float32Array.from(t.dataSync()));
  });
}

/**
 * As the SDF normals use it: the inner gradients (with respect to the weights and to the table) are themselves
 * differentiated, with respect to the table, the weights and the inner gradient's upstream rows.
 */
function secondOrder(sample: Sampler): Float32Array[] {
  return tf.tidy(() => {
    const table = randomTensor([R, C], 4) as tf.Tensor2D;
    const weights = randomTensor([K, N], 5) as tf.Tensor2D;
    const rows = randomTensor([N, C], 6);
    const s = randomTensor([K, N], 7);
    const u = randomTensor([R, C], 8);
    const grads = tf.grads((t: tf.Tensor, w: tf.Tensor, r: tf.Tensor) => {
      const inner = (tt: tf.Tensor, ww: tf.Tensor) =>
        tf.sum(tf.mul(sample(tt as tf.Tensor2D, ww as tf.Tensor2D), r));
      const dW = tf.grad((ww: tf.Tensor) => inner(t, ww))(w);
      const dT = tf.grad((tt: tf.Tensor) => inner(tt, w))(t);
      const out = sample(t as tf.Tensor2D, w as tf.Tensor2D);
      return tf.addN([tf.sum(tf.mul(dW, s)), tf.sum(tf.mul(dT, u)), tf.sum(tf.square(out))]) as tf.Scalar;
    })([table, weights, rows]);
    return grads.map((t) => Float32Array.from(t.dataSync()));
  });
}

describe('fused weighted gather (grid sampling) on wasm', () => {
  useWasm();

  it('is registered on wasm', () => {
    assert.ok(hasWeightedGather());
  });

  it("gives the unfused graph's values and gradients bit for bit", () => {
    const ours = firstOrder(fused);
    const reference = firstOrder(unfused);
    ['output', 'table gradient', 'weights gradient'].forEach((label, i) => {
      assert.deepStrictEqual(Array.from(ours[i]), Array.from(reference[i]), label);
    });
  });

  it("gives the unfused graph's second-order gradients (up to float rounding)", () => {
    const ours = secondOrder(fused);
    const reference = secondOrder(unfused);
    ['table', 'weights', 'rows'].forEach((label, i) => {
      assert.ok(
        reference[i].some((v) => v !== 0),
        `${label}: the reference gradient is not all zero`,
      );
      const error = relativeError(ours[i], reference[i]);
      assert.ok(error < 1e-6, `${label}: second-order gradient differs by ${error.toExponential(2)}`);
    });
  });

  it('names the kernel and the index that is not a row of the table', () => {
    assert.throws(
      () =>
        weightedGather(
          tf.zeros([3, 2]) as tf.Tensor2D,
          tf.tensor2d([0, 3], [1, 2], 'int32'),
          tf.ones([1, 2]) as tf.Tensor2D,
        ),
      /Mim4dWeightedGather: indices\[1\] = 3 is not a row of a 3-row table/,
    );
  });
});
