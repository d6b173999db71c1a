import { tf } from '../../src/index.ts';
import { assertWasmMatchesCpu, randomTensor, useWasm } from './backends.ts';

describe('wasm BatchMatMul with transposed operands', () => {
  useWasm();

  const cases: [string, number[], number[], boolean, boolean][] = [
    ['a b^T (input gradient of a linear layer)', [37, 6], [5, 6], false, true],
    ['a^T b, a the larger (transposes a)', [9, 40], [9, 3], true, false],
    ['a^T b over many rows (weight gradient, computed as (b^T a)^T)', [300, 7], [300, 5], true, false],
    ['a^T b^T', [8, 6], [4, 8], true, true],
    ['batched a^T b', [3, 20, 4], [3, 20, 6], true, false],
    ['batched a b^T with a broadcast batch', [1, 7, 5], [4, 9, 5], false, true],
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
