import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { randomTensor, relativeError, useWasm } from './backends.ts';

// Each equation with the same computation spelled in other ops, so the reference does not rely on the cpu Einsum
// (which supports two operands only and mis-shapes some gradients).
const CASES: { equation: string; shapes: number[][]; reference: (...xs: tf.Tensor[]) => tf.Tensor }[] = [
  {
    equation: 'ij,jk->ik',
    shapes: [
      [3, 4],
      [4, 5],
    ],
    reference: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
  },
  {
    equation: 'bqhd,bkhd->bhqk',
    shapes: [
      [2, 3, 2, 4],
      [2, 5, 2, 4],
    ],
    reference: (q, k) => tf.matMul(tf.transpose(q, [0, 2, 1, 3]), tf.transpose(k, [0, 2, 1, 3]), false, true),
  },
  { equation: 'ij->ji', shapes: [[3, 4]], reference: (a) => tf.transpose(a) },
  { equation: 'ij->i', shapes: [[3, 4]], reference: (a) => tf.sum(a, 1) },
  {
    equation: 'ij,ij->ij',
    shapes: [
      [3, 4],
      [3, 4],
    ],
    reference: (a, b) => tf.mul(a, b),
  },
  { equation: 'i,j->ij', shapes: [[3], [4]], reference: (a, b) => tf.mul(tf.reshape(a, [3, 1]), b) },
  {
    equation: 'ab,bc->a',
    shapes: [
      [2, 3],
      [3, 4],
    ],
    reference: (a, b) => tf.sum(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), 1),
  },
  {
    equation: 'ijk,k,jl->li',
    shapes: [[2, 3, 4], [4], [3, 5]],
    reference: (a, v, m) => tf.transpose(tf.matMul(tf.sum(tf.mul(a, v), 2) as tf.Tensor2D, m as tf.Tensor2D)),
  },
];

describe('wasm Einsum (pairwise BatchMatMul) and its gradient', () => {
  useWasm();

  for (const c of CASES) {
    it(`${c.equation}: forward and gradients match the same computation in other ops on cpu`, async () => {
      const inputs = () => c.shapes.map((s, i) => randomTensor(s, i + 1));
      const withGrads = (f: (...xs: tf.Tensor[]) => tf.Tensor) => () => {
        const xs = inputs();
        return [f(...xs), ...tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.square(f(...ys))))(xs)];
      };
      const wasm = tf
        .tidy(withGrads((...xs) => tf.einsum(c.equation, ...xs)))
        .map((t) => t.dataSync() as Float32Array);
      await tf.setBackend('cpu');
      const cpu = tf.tidy(withGrads(c.reference)).map((t) => t.dataSync() as Float32Array);
      await tf.setBackend('wasm');
      cpu.forEach((expected, i) => {
        const error = relativeError(wasm[i], expected);
        assert.ok(error < 1e-4, `${c.equation} output ${i}: relative error ${error}`);
      });
    });
  }

  it('rejects subscripts that disagree on a size, naming the operand', () => {
    assert.throws(
      () => tf.einsum('ij,jk->ik', tf.zeros([2, 3]), tf.zeros([4, 5])),
      /subscript "j" is 3 in one operand, 4 in operand 1/,
    );
  });
});
