import assert from 'node:assert/strict';
import { initBackend, SeededRandom, tf } from '@mim4d/nn';
import { focalCost, sigmoidFocalLoss } from '../../src/losses/focal.ts';

/** mmdet's formula as written upstream, in float64: BCE(x, t) · (α t + (1 − α)(1 − t)) · p_t^γ. */
function mmdetFocal(x: number, t: number, alpha: number | null = 0.25, gamma = 2): number {
  const p = 1 / (1 + Math.exp(-x));
  const pt = (1 - p) * t + p * (1 - t);
  const bce = -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
  return bce * (alpha === null ? 1 : alpha * t + (1 - alpha) * (1 - t)) * pt ** gamma;
}

function lossOf(logits: number[][], targets: number[][], alpha?: number | null, gamma?: number): number {
  return tf.tidy(() => sigmoidFocalLoss(tf.tensor2d(logits), tf.tensor2d(targets), alpha, gamma).arraySync());
}

describe('sigmoidFocalLoss', () => {
  before(async () => {
    await initBackend();
  });

  it('weighs a positive at logit 0 by α/4 and a negative by (1 − α)/4 of ln 2', () => {
    const ln2 = Math.log(2);
    assert.ok(Math.abs(lossOf([[0]], [[1]]) - 0.25 * 0.25 * ln2) < 1e-7);
    assert.ok(Math.abs(lossOf([[0]], [[0]]) - 0.75 * 0.25 * ln2) < 1e-7);
    assert.ok(Math.abs(lossOf([[0, 0]], [[1, 0]]) - (0.25 + 0.75) * 0.25 * ln2) < 1e-7);
  });

  it('sums mmdet’s per-entry loss over a random matrix, for several α and γ', () => {
    const rng = new SeededRandom(3);
    const logits = Array.from({ length: 6 }, () => Array.from({ length: 4 }, () => 8 * rng.next() - 4));
    const targets = logits.map((row) => row.map(() => rng.int(2)));
    for (const [alpha, gamma] of [
      [0.25, 2],
      [0.5, 0],
      [0.9, 1.5],
      [null, 2],
    ] as const) {
      let want = 0;
      logits.forEach((row, i) => {
        row.forEach((x, j) => {
          want += mmdetFocal(x, targets[i][j], alpha, gamma);
        });
      });
      const got = lossOf(logits, targets, alpha, gamma);
      assert.ok(Math.abs(got - want) <= 1e-5 * want, `α ${alpha} γ ${gamma}: ${got} vs ${want}`);
    }
  });

  it('without α (BEVFusion’s α = −1) weighs positives and negatives alike: ln 2 / 4 each at logit 0', () => {
    const ln2 = Math.log(2);
    assert.ok(Math.abs(lossOf([[0, 0]], [[1, 0]], null) - 0.5 * ln2) < 1e-7);
    assert.ok(Math.abs(lossOf([[100]], [[0]], null) - 100) < 1e-3);
  });

  it('stays finite for saturated logits: a confident wrong answer costs its logit times the class weight', () => {
    assert.ok(Math.abs(lossOf([[100]], [[0]]) - 0.75 * 100) < 1e-3);
    assert.ok(Math.abs(lossOf([[-100]], [[1]]) - 0.25 * 100) < 1e-3);
    assert.ok(lossOf([[100]], [[1]]) < 1e-30);
  });

  it('has the gradient of central finite differences of mmdet’s formula', () => {
    const rng = new SeededRandom(4);
    const x = Array.from({ length: 3 }, () => Array.from({ length: 5 }, () => 6 * rng.next() - 3));
    const t = x.map((row) => row.map(() => rng.int(2)));
    const grad = tf.tidy(() =>
      tf
        .grad((l: tf.Tensor) => sigmoidFocalLoss(l as tf.Tensor2D, tf.tensor2d(t)))(tf.tensor2d(x))
        .arraySync(),
    ) as number[][];
    const h = 1e-6;
    x.forEach((row, i) => {
      row.forEach((v, j) => {
        const numeric = (mmdetFocal(v + h, t[i][j]) - mmdetFocal(v - h, t[i][j])) / (2 * h);
        assert.ok(Math.abs(grad[i][j] - numeric) < 1e-5, `[${i}, ${j}]: ${grad[i][j]} vs ${numeric}`);
      });
    });
  });

  it('refuses targets that are not 0/1 or not shaped like the logits', () => {
    assert.throws(() => lossOf([[0, 0]], [[1, 0.5]]), /targets\[0, 1\] is 0.5; targets must be 0 or 1/);
    assert.throws(() => lossOf([[0, 0]], [[1], [0]]), /targets have shape \[2,1\], logits have \[1,2\]/);
    assert.throws(() => lossOf([[0]], [[1]], 1.5), /alpha must be in \[0, 1\], got 1.5/);
  });
});

describe('focalCost', () => {
  it('is pos − neg of the query’s logit at each target’s class, queries as rows', () => {
    // 2 queries x 3 classes; targets of class 2 and 0.
    const logits = Float32Array.from([0, 1, -2, 3, 0.5, 0]);
    const cost = focalCost(logits, 2, 3, Int32Array.from([2, 0]));
    const expected = (x: number) => {
      const p = 1 / (1 + Math.exp(-x));
      return 0.25 * (1 - p) ** 2 * -Math.log(p + 1e-12) - 0.75 * p ** 2 * -Math.log(1 - p + 1e-12);
    };
    const want = [expected(-2), expected(0), expected(0), expected(3)];
    assert.equal(cost.length, 4);
    cost.forEach((c, k) => {
      assert.ok(Math.abs(c - want[k]) < 1e-12, `cost[${k}] ${c} vs ${want[k]}`);
    });
    // At logit 0: (0.25 − 0.75) · 0.25 · ln 2.
    assert.ok(Math.abs(cost[1] - -0.5 * 0.25 * Math.log(2)) < 1e-11);
  });

  it('falls as the logit of the target class rises, and bounds a saturated logit by the eps', () => {
    const xs = [-20, -5, -1, 0, 1, 5, 20];
    const costs = xs.map((x) => focalCost(Float32Array.from([x]), 1, 1, Int32Array.from([0]))[0]);
    for (let i = 1; i < costs.length; i++) assert.ok(costs[i] < costs[i - 1], `${xs[i]} vs ${xs[i - 1]}`);
    // p rounds to 1 in float64 at logit 40: −log(1 − p + 1e-12) = −log(1e-12).
    const saturated = focalCost(Float32Array.from([40]), 1, 1, Int32Array.from([0]))[0];
    assert.ok(Math.abs(saturated - -0.75 * 12 * Math.log(10)) < 1e-9);
  });

  it('names a label outside the classes and logits of the wrong length', () => {
    assert.throws(
      () => focalCost(new Float32Array(6), 2, 3, Int32Array.from([0, 3])),
      /labels\[1\] is 3, outside the 3 classes/,
    );
    assert.throws(
      () => focalCost(new Float32Array(5), 2, 3, Int32Array.from([0])),
      /logits have 5 values, expected q \* classes = 6/,
    );
  });
});
