import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { assertWasmMatchesCpu, randomTensor, useWasm } from './backends.ts';

describe('wasm UnsortedSegmentSum', () => {
  useWasm();

  it('sums rows into segments like the cpu backend, repeated ids included', async () => {
    await assertWasmMatchesCpu(
      () => tf.unsortedSegmentSum(randomTensor([7, 3, 2], 1), tf.tensor1d([4, 0, 4, 2, 0, 0, 1], 'int32'), 6),
      'rank-3 x, rank-1 ids',
    );
  });

  it('accepts multi-dimensional ids and int32 data', () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32');
    const ids = tf.tensor2d([1, 0, 1, 1], [2, 2], 'int32');
    const out = tf
      .engine()
      .runKernel('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments: 3 }) as tf.Tensor;
    assert.equal(out.dtype, 'int32');
    assert.deepEqual(out.shape, [3, 2]);
    assert.deepEqual(Array.from(out.dataSync()), [3, 4, 13, 16, 0, 0]);
  });

  it('drops rows with a negative id, as TensorFlow does', () => {
    const out = tf
      .engine()
      .runKernel(
        'UnsortedSegmentSum',
        { x: tf.tensor1d([1, 10, 100]), segmentIds: tf.tensor1d([0, -1, 0], 'int32') },
        { numSegments: 2 },
      ) as tf.Tensor;
    assert.deepEqual(Array.from(out.dataSync()), [101, 0]);
  });

  it('rejects an id beyond numSegments, naming its position', () => {
    assert.throws(
      () => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([0, 5, 1], 'int32'), 3),
      /segmentIds\[1\] = 5 is not below numSegments 3/,
    );
  });

  it('gives gather (and so embedding lookups) a gradient that matches the cpu backend', async () => {
    await assertWasmMatchesCpu(
      () =>
        tf.grad((table: tf.Tensor) =>
          tf.sum(tf.mul(tf.gather(table, tf.tensor1d([3, 1, 3, 0, 3], 'int32')), randomTensor([5, 4], 2))),
        )(randomTensor([6, 4], 1)),
      'grad of gather',
    );
  });

  it('adds the rows of a segment in order in float32, as a loop over them does', () => {
    // Seven values a row: one four-wide addition and three single ones.
    const [rows, inner, segments] = [200, 7, 5];
    const x = randomTensor([rows, inner], 3);
    const ids = Int32Array.from({ length: rows }, (_, i) => (i * 3) % segments);
    const ours = tf.unsortedSegmentSum(x, tf.tensor1d(ids, 'int32'), segments).dataSync();
    const values = x.dataSync();
    const expected = new Float32Array(segments * inner);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < inner; j++) expected[ids[i] * inner + j] += values[i * inner + j];
    }
    assert.deepStrictEqual(Array.from(ours), Array.from(expected));
  });
});
