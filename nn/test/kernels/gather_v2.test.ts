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

  it('copies rows of eight values and more (moved as blocks) like the cpu backend', async () => {
    await assertWasmMatchesCpu(
      () => tf.gather(randomTensor([6, 3, 5], 4), tf.tensor1d([5, 0, 5, 2], 'int32')),
      'rows of 15 values',
    );
  });

  it('fills its output when allocating it grows the wasm heap', () => {
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    const inner = 4096;
    // More rows than the heap holds now: the output cannot be placed without growing it.
    const count = Math.ceil(heap / (inner * 4)) + 1;
    const table = tf.stack([tf.fill([inner], -1), tf.fill([inner], 7)]);
    const out = tf.gather(table, tf.fill([count], 1, 'int32'));
    const values = out.dataSync();
    assert.equal(values[0], 7, 'first row');
    assert.equal(values[values.length - 1], 7, 'last row');
    tf.dispose([table, out]);
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
