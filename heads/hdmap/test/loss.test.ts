import assert from 'node:assert/strict';
import { initBackend, tf } from '@mim4d/nn';
import { loadHdMapConfig } from '../src/config.ts';
import type { MapTrTargets } from '../src/data/gt-orders.ts';
import { hdMapLoss, matchLayer, orderMinCost } from '../src/loss.ts';

const weights = loadHdMapConfig('tiny').loss;

/** Targets from orders given as normalised [P][2] lists per instance. */
function targets(labels: number[], orders: number[][][][], points: number): MapTrTargets {
  const maxOrders = points - 1;
  const pts = new Float32Array(labels.length * maxOrders * points * 2).fill(Number.NaN);
  orders.forEach((list, g) => {
    list.forEach((o, k) => {
      pts.set(o.flat(), (g * maxOrders + k) * points * 2);
    });
  });
  return {
    count: labels.length,
    labels: Int32Array.from(labels),
    orderCounts: Int32Array.from(orders.map((o) => o.length)),
    maxOrders,
    points,
    pts,
  };
}

const line = [
  [0.1, 0.2],
  [0.3, 0.2],
  [0.5, 0.4],
];
const reversed = line.slice().reverse();

describe('MapTR matching and loss', () => {
  before(async () => {
    await initBackend();
  });

  it('costs a prediction of the reversed line nothing, through the reversed order', () => {
    const t = targets([0], [[line, reversed]], 3);
    const { cost, order } = orderMinCost(Float32Array.from(reversed.flat()), 1, t);
    assert.equal(cost[0], 0);
    assert.equal(order[0], 1);
  });

  it('takes the cheapest ring start: the L1 sum over 2P coordinates, minimised over the orders', () => {
    const ring = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    const starts = [0, 1, 2].map((s) => [...ring.slice(s, 3), ...ring.slice(0, s), ring[s]]);
    const t = targets([1], [starts], 4);
    const pred = Float32Array.from(starts[2].flat().map((v) => v + 0.01));
    const { cost, order } = orderMinCost(pred, 1, t);
    assert.equal(order[0], 2);
    assert.ok(Math.abs(cost[0] - 8 * 0.01) < 1e-6);
  });

  it('matches each instance to the query of least 2·focal + 5·order-min cost', () => {
    const t = targets([0], [[line, reversed]], 3);
    const far = line.map(([x, y]) => [x + 0.3, y + 0.3]);
    const logits = Float32Array.from([0, -2, -2, 0, -2, -2]);
    const match = matchLayer(logits, Float32Array.from([...far.flat(), ...reversed.flat()]), 2, t, weights);
    assert.deepEqual([...match.instance], [-1, 0]);
    assert.deepEqual([...match.order], [0, 1]);
  });

  it('gives the focal, point-L1 and direction terms computed by hand', () => {
    const t = targets([1], [[line, reversed]], 3);
    const logitsValues = [0.5, -1, -2, -3, 0.2, 1];
    const pred = [
      [0.9, 0.9],
      [0.8, 0.9],
      [0.7, 0.9],
      [0.12, 0.18],
      [0.31, 0.25],
      [0.45, 0.42],
    ];
    const patch = { width: 22.4, height: 44.8 };
    const layer = {
      logits: tf.tensor2d(logitsValues, [2, 3]),
      pts: tf.tensor3d(pred.flat(), [2, 3, 2]),
    };
    const loss = hdMapLoss([layer, layer], t, weights, patch);
    assert.equal(loss.matched, 1);
    // Query 1 matches instance 0 (label 1) in its forward order.
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    let focal = 0;
    logitsValues.forEach((x, i) => {
      const target = i === 4 ? 1 : 0;
      const p = sigmoid(x);
      const pt = target === 1 ? 1 - p : p;
      const bce = -(target * Math.log(p) + (1 - target) * Math.log(1 - p));
      focal += (target === 1 ? 0.25 : 0.75) * pt ** 2 * bce;
    });
    const l1 = pred
      .slice(3)
      .reduce((n, [x, y], i) => n + Math.abs(x - line[i][0]) + Math.abs(y - line[i][1]), 0);
    let direction = 0;
    for (let e = 0; e < 2; e++) {
      const a = [(pred[4 + e][0] - pred[3 + e][0]) * 22.4, (pred[4 + e][1] - pred[3 + e][1]) * 44.8];
      const b = [(line[e + 1][0] - line[e][0]) * 22.4, (line[e + 1][1] - line[e][1]) * 44.8];
      direction += 1 - (a[0] * b[0] + a[1] * b[1]) / Math.hypot(...a) / Math.hypot(...b);
    }
    const close = (got: tf.Scalar, want: number) => {
      const v = got.dataSync()[0];
      assert.ok(Math.abs(v - want) < 1e-5 * Math.max(1, Math.abs(want)), `${v} vs ${want}`);
    };
    close(loss.cls, 2 * 2 * focal);
    close(loss.pts, 2 * 5 * l1);
    close(loss.dir, 2 * 0.005 * direction);
  });

  it('makes every term NaN, on the tape, when a prediction is not finite', () => {
    const t = targets([0], [[line, reversed]], 3);
    const layer = {
      logits: tf.tensor2d([0, 0, 0, Number.NaN, 0, 0], [2, 3]),
      pts: tf.tensor3d([...line.flat(), ...line.flat()], [2, 3, 2]),
    };
    const loss = hdMapLoss([layer], t, weights, { width: 1, height: 1 });
    for (const term of [loss.cls, loss.pts, loss.dir]) assert.ok(Number.isNaN(term.dataSync()[0]));
  });
});
