import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/index.ts';

describe('gradients the runtime adds to tfjs', () => {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('lets a mask computed from a trained tensor pass backprop, as constant (TensorFlow semantics)', () => {
    const x = tf.tensor1d([-2, -0.5, 0.5, 3]);
    const grad = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.mul(v, tf.cast(tf.logicalAnd(tf.greater(v, -1), tf.lessEqual(v, 1)), 'float32'))),
    )(x);
    assert.deepEqual(Array.from(grad.dataSync()), [0, 1, 1, 0]);
  });

  it('gives GatherNd the scatter gradient, summing repeated indices', () => {
    const params = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const indices = tf.tensor2d(
      [
        [2, 0],
        [0, 1],
        [2, 0],
      ],
      [3, 2],
      'int32',
    );
    const weights = tf.tensor1d([1, 10, 100]);
    const grad = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gatherND(p, indices), weights)))(params);
    assert.deepEqual(Array.from(grad.dataSync()), [0, 10, 0, 0, 101, 0]);
  });

  it('gives UnsortedSegmentSum the gather gradient, zero for dropped (negative) segment ids', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = tf.tensor1d([1, -1, 0, 1], 'int32');
    const w = tf.tensor2d([10, 20, 30, 40], [2, 2]);
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.unsortedSegmentSum(v, ids, 2), w)))(x);
    assert.deepEqual(Array.from(grad.dataSync()), [30, 40, 0, 0, 10, 20, 30, 40]);
  });

  it('differentiates a gather twice (its gradient is a segment sum): d/dt of grad_x sum(gather(x, i) * t)', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const idx = tf.tensor1d([2, 0, 2], 'int32');
    // grad_x = segment sum of t over idx; the outer gradient of sum(grad_x * c) w.r.t. t is c gathered at idx.
    const c = tf.tensor1d([5, 7, 11]);
    const outer = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.gather(v, idx), t)))(x), c)),
    )(tf.tensor1d([1, 1, 1]));
    assert.deepEqual(Array.from(outer.dataSync()), [11, 5, 11]);
  });

  it('gives Sum and Mean their gradients: dy broadcast back over the reduced axes (divided by their size for Mean)', () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
    const w = tf.tensor2d([1, -2, 3, 4, 5, -6], [3, 2]);
    const sumGrad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.sum(v, 0), w)))(x);
    assert.deepEqual(Array.from(sumGrad.dataSync()), [1, -2, 3, 4, 5, -6, 1, -2, 3, 4, 5, -6]);
    const meanGrad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.mean(v, [0, 2], true), 6)))(x);
    assert.deepEqual(Array.from(meanGrad.dataSync()), Array(12).fill(1.5));
    // Second order: d/dc of sum(grad_x sum(x * c)^2) where grad_x = c broadcast, so 2 * 2 * c summed over rows.
    const c = tf.tensor1d([0.5, -1]);
    const second = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.square(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.sum(v, 0), t)))(tf.ones([2, 2])))),
    )(c);
    assert.deepEqual(Array.from(second.dataSync()), [2, -4]);
  });
});
