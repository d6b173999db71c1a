import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { assertWasmMatchesCpu, randomTensor, useWasm } from './backends.ts';

describe('wasm GatherV2', () => {
  useWasm();

  it('copies whole rows like the cpu backend, with repeated and multi-dimensional indices', async () => {
    await assertWasmMatchesCpu(
      () => tf.gather(randomTensor([5, 3, 2], 1), tf.tensor2d([4, 0, 4, 2, 1, 1], [2, 3], 'int32')),
      'rank-3 table, rank-2 indices',
    );
  });

  it('keeps int32 values', () => {
    const out = tf.gather(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([2, 0], 'int32'));
    assert.equal(out.dtype, 'int32');
    assert.deepEqual(Array.from(out.dataSync()), [5, 6, 1, 2]);
  });

  it('leaves other axes and batch dimensions to the backend kernel', async () => {
    await assertWasmMatchesCpu(
      () => tf.gather(randomTensor([4, 5], 2), tf.tensor1d([3, 0, 3], 'int32'), 1),
      'axis 1',
    );
    await assertWasmMatchesCpu(
      () => tf.gather(randomTensor([2, 4, 3], 3), tf.tensor2d([1, 3, 0, 0], [2, 2], 'int32'), 1, 1),
      'batchDims 1',
    );
  });

  it('rejects an index outside the table, naming its position', () => {
    assert.throws(
      () => tf.gather(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([0, 2], 'int32')),
      /indices\[1\] = 2 is not in \[0, 1\]/,
    );
  });
});
