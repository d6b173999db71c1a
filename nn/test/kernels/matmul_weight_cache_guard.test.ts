import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { randomTensor, relativeError, useWasm } from './backends.ts';

describe('wasm matmul weight-cache guard', () => {
  useWasm();

  it('keeps one buffer usable as b in two shapes (unguarded tfjs-wasm aborts here)', () => {
    const v = randomTensor([4], 1);
    const rows = randomTensor([15, 4], 2);
    const outer = tf.matMul(randomTensor([10, 1], 3), tf.reshape(v, [1, 4]));
    const dot = tf.matMul(rows, tf.reshape(v, [4, 1]));
    const expected = tf.sum(tf.mul(rows, v), 1).dataSync();
    assert.deepEqual(outer.shape, [10, 4]);
    Array.from(dot.dataSync()).forEach((value, i) => {
      assert.ok(Math.abs(value - expected[i]) < 1e-5, `row ${i}: ${value} vs ${expected[i]}`);
    });
  });

  it('keeps a weight used plainly and transposed (forward and backward of a linear layer) correct', () => {
    const w = randomTensor([6, 6], 4);
    const x = randomTensor([5, 6], 5);
    const plain = tf.matMul(x, w).dataSync();
    const transposed = tf.matMul(x, w, false, true).dataSync();
    const wT = tf.transpose(w);
    const plainRef = tf.matMul(x, tf.add(w, 0)).dataSync();
    const transposedRef = tf.matMul(x, tf.add(wT, 0)).dataSync();
    assert.ok(relativeError(plain as Float32Array, plainRef as Float32Array) < 1e-5);
    assert.ok(relativeError(transposed as Float32Array, transposedRef as Float32Array) < 1e-5);
  });
});
