import { tf } from '../../src/index.ts';
import { assertWasmMatchesCpu, randomTensor, useWasm } from './backends.ts';

describe('wasm Transpose of the last two axes', () => {
  useWasm();

  it('matches the cpu backend for matrices larger and smaller than a tile, batched, and other permutations', async () => {
    await assertWasmMatchesCpu(() => tf.transpose(randomTensor([70, 45], 1)), 'matrix', 1e-9);
    await assertWasmMatchesCpu(() => tf.transpose(randomTensor([70, 100], 5)), 'wide matrix (tiled)', 1e-9);
    await assertWasmMatchesCpu(() => tf.transpose(randomTensor([300, 16], 2)), 'narrow', 1e-9);
    // Over one block of source rows, with columns in groups of eight and three left over.
    await assertWasmMatchesCpu(() => tf.transpose(randomTensor([5000, 19], 6)), 'tall narrow', 1e-9);
    await assertWasmMatchesCpu(
      () => tf.transpose(randomTensor([2, 4100, 9], 7), [0, 2, 1]),
      'batched tall narrow',
      1e-9,
    );
    await assertWasmMatchesCpu(() => tf.transpose(randomTensor([3, 33, 5], 3), [0, 2, 1]), 'batched', 1e-9);
    await assertWasmMatchesCpu(() => tf.transpose(randomTensor([3, 4, 5], 4), [2, 0, 1]), 'other', 1e-9);
    await assertWasmMatchesCpu(
      () => tf.transpose(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32')),
      'int32',
      1e-9,
    );
  });
});
