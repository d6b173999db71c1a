import assert from 'node:assert/strict';
import { initBackend, softplus, tf } from '../../src/index.ts';

describe('softplus(x, beta) (torch.nn.Softplus)', () => {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  const beta = 100;
  const xs = [-0.5, -0.05, 0, 0.01, 0.05, 0.1, 0.15, 0.19, 0.21, 0.3, 2];
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

  it('is log(1 + exp(beta x)) / beta, and x itself above beta x = 20', () => {
    const y = softplus(tf.tensor1d(xs), beta).dataSync();
    xs.forEach((x, i) => {
      const expected = beta * x > 20 ? x : Math.log1p(Math.exp(beta * x)) / beta;
      assert.ok(Math.abs(y[i] - expected) <= 1e-6 * Math.max(Math.abs(expected), 1e-3), `x = ${x}: ${y[i]}`);
    });
  });

  it('has gradient sigmoid(beta x) and second derivative beta s (1 - s): exactly 1 and 0 above beta x = 20', () => {
    const x = tf.tensor1d(xs);
    const first = tf
      .grad((v: tf.Tensor) => tf.sum(softplus(v, beta)))(x)
      .dataSync();
    const second = tf
      .grad((v: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(softplus(u, beta)))(v)))(x)
      .dataSync();
    xs.forEach((v, i) => {
      const s = sigmoid(beta * v);
      if (beta * v > 20) {
        assert.equal(first[i], 1, `gradient at x = ${v}`);
        assert.equal(second[i], 0, `second derivative at x = ${v}`);
      } else {
        assert.ok(Math.abs(first[i] - s) <= 1e-6, `gradient at x = ${v}: ${first[i]} vs ${s}`);
        const d2 = beta * s * (1 - s);
        assert.ok(Math.abs(second[i] - d2) <= 1e-4 * Math.max(d2, 1), `second derivative at x = ${v}`);
      }
    });
  });
});
