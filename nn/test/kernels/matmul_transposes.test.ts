import { tf } from '../../src/index.ts';
import { assertWasmMatchesCpu, randomTensor, useWasm } from './backends.ts';

describe('wasm BatchMatMul with transposed operands or batches', () => {
  useWasm();

  const cases: [string, number[], number[], boolean, boolean][] = [
    ['a b^T (input gradient of a linear layer)', [37, 6], [5, 6], false, true],
    ['a^T b with a product larger than a and b (transposes a)', [4, 30], [4, 20], true, false],
    ['a^T b, a the larger (computed as (b^T a)^T)', [9, 40], [9, 3], true, false],
    ['a^T b, a the smaller, the product no larger than b (as (b^T a)^T)', [300, 3], [300, 16], true, false],
    ['a^T b over many rows (weight gradient, computed as (b^T a)^T)', [300, 7], [300, 5], true, false],
    ['a^T b^T', [8, 6], [4, 8], true, true],
    ['batched a^T b', [3, 20, 4], [3, 20, 6], true, false],
    ['batched a b^T with a broadcast batch', [1, 7, 5], [4, 9, 5], false, true],
    ['batched a b (one XNNPACK product per entry)', [3, 7, 5], [3, 5, 4], false, false],
    ['rank-4 batches (heads x queries)', [2, 3, 6, 5], [2, 3, 5, 7], false, false],
    ['a batch-1 a shared by every b', [1, 6, 5], [4, 5, 3], false, false],
    ['a batch-1 b shared by every a', [4, 6, 5], [1, 5, 3], false, false],
    ['batches broadcast both ways (left to the backend)', [2, 1, 6, 5], [1, 3, 5, 2], false, false],
  ];
  for (const [label, aShape, bShape, transposeA, transposeB] of cases) {
    it(`matches the cpu backend: ${label}`, async () => {
      await assertWasmMatchesCpu(
        () => tf.matMul(randomTensor(aShape, 1), randomTensor(bShape, 2), transposeA, transposeB),
        label,
        1e-5,
      );
    });
  }
});
