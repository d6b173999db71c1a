import assert from 'node:assert/strict';
import { applyFixedSampler, fixedGridSampler, gridSample, initBackend, tf } from '../../src/index.ts';

describe('grid sampling (align_corners=True, zeros padding)', () => {
  before(async () => {
    await initBackend();
  });

  // 3 x 2 grid (width 3, height 2), two channels: value = (10 * row + col, -(10 * row + col)).
  const table = () => tf.tensor2d([0, 0, 1, -1, 2, -2, 10, -10, 11, -11, 12, -12], [6, 2]);

  it('interpolates bilinearly between cell centres and reads zeros outside the grid', () => {
    const out = tf.tidy(() =>
      gridSample(
        table(),
        [3, 2],
        [tf.tensor1d([0, 1.5, 0.25, -1, 2.5]), tf.tensor1d([0, 0.5, 1, 0, 0])],
      ).arraySync(),
    );
    assert.deepEqual(out[0], [0, 0]);
    assert.ok(Math.abs(out[1][0] - 6.5) < 1e-5 && Math.abs(out[1][1] + 6.5) < 1e-5);
    assert.ok(Math.abs(out[2][0] - 10.25) < 1e-5);
    assert.deepEqual(out[3], [0, 0], 'a point a whole cell outside reads nothing');
    assert.ok(Math.abs(out[4][0] - 1) < 1e-5, 'half a cell past the edge keeps half of the edge value');
  });

  it('reads the plane each point selects', () => {
    const stacked = tf.tidy(() => tf.concat([table(), tf.mul(table(), 100)]) as tf.Tensor2D);
    const out = tf.tidy(() =>
      gridSample(
        stacked,
        [3, 2],
        [tf.tensor1d([1, 1]), tf.tensor1d([1, 1])],
        Int32Array.from([0, 1]),
      ).arraySync(),
    );
    assert.deepEqual(out, [
      [11, -11],
      [1100, -1100],
    ]);
  });

  it('gives the coordinate gradient that finite differences give', () => {
    const f = (x: tf.Tensor1D, y: tf.Tensor1D) => tf.sum(tf.square(gridSample(table(), [3, 2], [x, y])));
    const x0 = [0.3, 1.7];
    const y0 = [0.2, 0.6];
    const [gx, gy] = tf.grads((x: tf.Tensor, y: tf.Tensor) => f(x as tf.Tensor1D, y as tf.Tensor1D))([
      tf.tensor1d(x0),
      tf.tensor1d(y0),
    ]);
    const h = 1e-2;
    const at = (x: number[], y: number[]) => f(tf.tensor1d(x), tf.tensor1d(y)).dataSync()[0];
    for (let i = 0; i < 2; i++) {
      const dx =
        (at(
          x0.map((v, j) => (j === i ? v + h : v)),
          y0,
        ) -
          at(
            x0.map((v, j) => (j === i ? v - h : v)),
            y0,
          )) /
        (2 * h);
      const dy =
        (at(
          x0,
          y0.map((v, j) => (j === i ? v + h : v)),
        ) -
          at(
            x0,
            y0.map((v, j) => (j === i ? v - h : v)),
          )) /
        (2 * h);
      assert.ok(Math.abs(gx.dataSync()[i] - dx) < 1e-2 * Math.max(1, Math.abs(dx)), `d/dx[${i}]`);
      assert.ok(Math.abs(gy.dataSync()[i] - dy) < 1e-2 * Math.max(1, Math.abs(dy)), `d/dy[${i}]`);
    }
  });

  it('a fixed sampler reproduces the differentiable one', () => {
    const xs = Float32Array.from([0.3, 1.7, 2.9, -0.4]);
    const ys = Float32Array.from([0.2, 0.6, 1, 0.5]);
    const a = tf.tidy(() => gridSample(table(), [3, 2], [tf.tensor1d(xs), tf.tensor1d(ys)]).dataSync());
    const b = tf.tidy(() => applyFixedSampler(table(), fixedGridSampler([xs, ys], [3, 2])).dataSync());
    a.forEach((v, i) => {
      assert.ok(Math.abs(v - b[i]) < 1e-5);
    });
  });
});
