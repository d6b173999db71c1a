import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { assertWasmMatchesCpu, randomTensor, useWasm } from './backends.ts';

describe('wasm Slice, SplitV, Unpack and Concat on the heap views', () => {
  useWasm();

  it('slice boxes of every rank like the cpu backend: a column, inner boxes, whole trailing axes', async () => {
    await assertWasmMatchesCpu(() => tf.slice(randomTensor([40, 17], 1), [0, 0], [-1, 1]), 'column', 1e-9);
    await assertWasmMatchesCpu(
      () => tf.slice(randomTensor([40, 3], 2), [5, 2], [30, 1]),
      'last column',
      1e-9,
    );
    await assertWasmMatchesCpu(
      () => tf.slice(randomTensor([6, 8, 11, 5], 3), [1, 2, 2, 0], [4, 4, 7, 5]),
      'rank 4 inner box',
      1e-9,
    );
    await assertWasmMatchesCpu(
      () => tf.slice(randomTensor([3, 4, 5, 6, 7], 4), [1, 0, 0, 2, 0], [2, 4, 5, 3, 7]),
      'rank 5',
      1e-9,
    );
    await assertWasmMatchesCpu(() => tf.slice(randomTensor([10, 64], 5), [3, 0], [4, 64]), 'rows', 1e-9);
  });

  it('split, unpack and concatenate like the cpu backend, and their gradients too', async () => {
    await assertWasmMatchesCpu(() => tf.split(randomTensor([50, 38], 6), [3, 16, 3, 16], 1), 'split', 1e-9);
    await assertWasmMatchesCpu(() => tf.unstack(randomTensor([8, 30], 7)), 'unstack axis 0', 1e-9);
    await assertWasmMatchesCpu(() => tf.unstack(randomTensor([4, 5, 6], 8), 2), 'unstack axis 2', 1e-9);
    await assertWasmMatchesCpu(
      () => tf.concat([randomTensor([20, 3], 9), randomTensor([20, 16], 10), randomTensor([20, 0], 11)], 1),
      'concat columns',
      1e-9,
    );
    await assertWasmMatchesCpu(
      () => tf.concat([randomTensor([2, 3, 4], 12), randomTensor([2, 5, 4], 13)], 1),
      'concat middle axis',
      1e-9,
    );
    await assertWasmMatchesCpu(
      () =>
        tf.grad((x: tf.Tensor) =>
          tf.sum(tf.mul(tf.concat([tf.slice(x, [0, 1], [-1, 2]), x], 1), randomTensor([7, 6], 14))),
        )(randomTensor([7, 4], 15)),
      'gradient through slice and concat',
    );
  });

  it('moves int32 and bool runs of eight values and more by their own element size', () => {
    const ints = Array.from({ length: 30 }, (_, k) => k - 7);
    const i = tf.tensor2d(ints, [3, 10], 'int32');
    assert.deepEqual(Array.from(tf.slice(i, [1, 0], [2, 10]).dataSync()), ints.slice(10));
    const bools = ints.map((k) => k % 3 === 0);
    const b = tf.tensor2d(bools, [3, 10], 'bool');
    const joined = tf.concat([tf.slice(b, [2, 0], [1, 10]), tf.slice(b, [0, 0], [1, 10])], 1);
    assert.deepEqual(Array.from(joined.dataSync()), [...bools.slice(20), ...bools.slice(0, 10)].map(Number));
  });

  it('keeps int32 and bool values', () => {
    const i = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    assert.deepEqual(Array.from(tf.slice(i, [1, 1], [2, 1]).dataSync()), [4, 6]);
    const b = tf.tensor1d([true, false, true], 'bool');
    const joined = tf.concat([b, tf.tensor1d([false], 'bool')]);
    assert.equal(joined.dtype, 'bool');
    assert.deepEqual(Array.from(joined.dataSync()), [1, 0, 1, 0]);
    assert.deepEqual(
      tf.unstack(i, 1).map((t) => Array.from(t.dataSync())),
      [
        [1, 3, 5],
        [2, 4, 6],
      ],
    );
  });
});
