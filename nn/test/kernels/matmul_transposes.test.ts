import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { assertWasmMatchesCpu, randomTensor, useWasm } from './backends.ts';

describe('wasm BatchMatMul with transposed operands or batches', () => {
  useWasm();

  const cases: [string, number[], number[], boolean, boolean][] = [
    ['a b^T (input gradient of a linear layer)', [37, 6], [5, 6], false, true],
    [
      'thin a^T b (a weight gradient: our SIMD kernel), m not a multiple of 4',
      [600, 7],
      [600, 16],
      true,
      false,
    ],
    [
      'thin a^T b with n not a multiple of 4 (our kernel on b^T a, transposed)',
      [600, 16],
      [600, 5],
      true,
      false,
    ],
    [
      'thin a^T b with neither side a multiple of 4 (XNNPACK after a transpose)',
      [300, 7],
      [300, 5],
      true,
      false,
    ],
    ['wide a^T b with a product larger than a and b (transposes a)', [4, 100], [4, 80], true, false],
    ['wide a^T b, a the larger (computed as (b^T a)^T)', [90, 70], [90, 3], true, false],
    ['wide a^T b, the product no larger than b (as (b^T a)^T)', [300, 3], [300, 80], true, false],
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

  it("gives a thin a^T b the bits of XNNPACK's product of the transposed operand", () => {
    // 600 rows span three of the kernel's row blocks; 6 columns of a take its four-wide and one-wide passes.
    const [ours, reference] = tf.tidy(() => {
      const a = randomTensor([600, 6], 3);
      const b = randomTensor([600, 12], 4);
      return [tf.matMul(a, b, true, false), tf.matMul(tf.transpose(a).clone(), b)].map((t) =>
        Array.from(t.dataSync()),
      );
    });
    assert.deepStrictEqual(ours, reference);
  });
});
