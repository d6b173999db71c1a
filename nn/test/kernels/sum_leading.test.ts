import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { assertWasmMatchesCpu, randomTensor, useWasm } from './backends.ts';

describe('wasm Sum over leading axes', () => {
  useWasm();

  it('matches the cpu backend over axis 0, over several leading axes, with keepDims, and leaves other axes alone', async () => {
    await assertWasmMatchesCpu(() => tf.sum(randomTensor([300, 16], 1), 0), 'bias gradient', 1e-5);
    await assertWasmMatchesCpu(() => tf.sum(randomTensor([8, 50, 16], 2), 0), 'corner sum', 1e-5);
    // Columns in groups of four with three left over.
    await assertWasmMatchesCpu(() => tf.sum(randomTensor([40, 11], 7), 0), 'eleven columns', 1e-5);
    await assertWasmMatchesCpu(
      () => tf.sum(randomTensor([3, 4, 5, 6, 2], 3), [1, 0, 2, 3]),
      'four axes',
      1e-5,
    );
    await assertWasmMatchesCpu(() => tf.sum(randomTensor([7, 5], 4), 0, true), 'keepDims', 1e-5);
    await assertWasmMatchesCpu(() => tf.sum(randomTensor([7, 5, 3], 5), [0, 2]), 'not leading', 1e-5);
    await assertWasmMatchesCpu(() => tf.sum(randomTensor([7, 5], 6)), 'all axes', 1e-5);
  });

  it("gives the backend's own innermost-axis sum and mean of the transposed input bit for bit", () => {
    // Sixteen columns at a time, four at a time and one at a time: 37 takes all three.
    for (const shape of [
      [300, 16],
      [40, 11],
      [50, 37],
    ]) {
      const x = randomTensor(shape, 8);
      for (const reduce of [tf.sum, tf.mean]) {
        const ours = reduce(x, 0).dataSync();
        const backends = reduce(tf.transpose(x), 1).dataSync();
        assert.deepStrictEqual(Array.from(ours), Array.from(backends), `${reduce.name} [${shape}]`);
      }
      x.dispose();
    }
  });

  it('takes means over leading axes (BatchNorm statistics) like the cpu backend', async () => {
    await assertWasmMatchesCpu(() => tf.mean(randomTensor([3, 4, 6, 5, 16], 9), [0, 1, 2, 3]), 'mean', 1e-5);
    await assertWasmMatchesCpu(
      () => tf.mean(randomTensor([6, 5, 7], 10), [0, 1], true),
      'mean keepDims',
      1e-5,
    );
    await assertWasmMatchesCpu(() => tf.mean(randomTensor([6, 5, 7], 11), [1]), 'mean not leading', 1e-5);
  });
});
