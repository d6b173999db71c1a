import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { randomTensor, useWasm } from './backends.ts';

/** The values of `f`'s result, computed and freed inside a tidy scope. */
const values = (f: () => tf.Tensor) => Array.from(tf.tidy(f).dataSync());

describe('wasm Add of a bias (a vector over the last axis)', () => {
  useWasm();

  // 37 columns: nine four-wide additions and one left over; rank 3 rows flatten.
  for (const shape of [
    [300, 16],
    [20, 37],
    [3, 5, 6],
  ]) {
    it(`gives the backend's same-shape sum bit for bit, bias on either side: [${shape}]`, () => {
      const x = randomTensor(shape, 1);
      const bias = randomTensor([shape[shape.length - 1]], 2);
      const reference = values(() => tf.add(x, tf.broadcastTo(bias, shape).clone()));
      assert.deepStrictEqual(
        values(() => tf.add(x, bias)),
        reference,
      );
      assert.deepStrictEqual(
        values(() => tf.add(bias, x)),
        reference,
      );
      tf.dispose([x, bias]);
    });
  }

  it('leaves other broadcasts to the backend', () => {
    const x = randomTensor([4, 3], 3);
    const column = randomTensor([4, 1], 4);
    assert.deepStrictEqual(
      values(() => tf.add(x, column)),
      values(() => tf.add(x, tf.tile(column, [1, 3]))),
    );
    tf.dispose([x, column]);
  });
});
