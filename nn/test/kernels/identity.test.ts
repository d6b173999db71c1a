import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { randomTensor, useWasm } from './backends.ts';

describe('wasm Identity and Cast', () => {
  useWasm();

  it('share the buffer instead of copying, and free it with the last tensor that holds it', () => {
    const buffers = () => tf.engine().backend.numDataIds();
    const x = randomTensor([64, 16], 1);
    const before = buffers();
    const clone = tf.clone(x);
    const same = tf.cast(x, 'float32');
    assert.equal(buffers(), before, 'a clone or a same-dtype cast allocated a buffer');
    const values = Array.from(x.dataSync());
    x.dispose();
    same.dispose();
    assert.deepEqual(Array.from(clone.dataSync()), values);
    clone.dispose();
    assert.equal(buffers(), before - 1, 'the shared buffer outlived its last tensor');
  });

  it('converts to another dtype in a buffer of its own', () => {
    const x = tf.tensor1d([1.7, -2.2, 0, 3]);
    const i = tf.cast(x, 'int32');
    const b = tf.cast(x, 'bool');
    assert.equal(i.dtype, 'int32');
    assert.deepEqual(Array.from(i.dataSync()), [1, -2, 0, 3]);
    assert.deepEqual(Array.from(b.dataSync()), [1, 1, 0, 1]);
    assert.deepEqual(Array.from(tf.cast(i, 'float32').dataSync()), [1, -2, 0, 3]);
  });

  it('keep second-order gradients through saved inputs right (the tape clones what it saves)', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    // d/dx of (d/dx sum(x^3)) = 6x.
    const second = tf.grad((v: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.pow(u, 3)))(v)))(x);
    assert.deepEqual(Array.from(second.dataSync()), [3, -6, 12]);
  });
});
