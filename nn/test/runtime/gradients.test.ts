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
});
