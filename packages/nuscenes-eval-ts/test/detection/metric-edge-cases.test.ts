import assert from 'node:assert/strict';
import { evalBoxesFromObject, evaluateDetection } from '../../src/index.ts';
import { box } from './box-builders.ts';

function evaluate(gt: Record<string, object[]>, pred: Record<string, object[]>) {
  return evaluateDetection(evalBoxesFromObject(gt), evalBoxesFromObject(pred));
}

function near(actual: number, expected: number, tol = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} is not within ${tol} of ${expected}`);
}

describe('detection metric edge cases (eval-protocols.md parity plan)', () => {
  it('breaks a score tie in favour of the later prediction', () => {
    const gt = { s: [box('s', 'car', 0, 0)] };
    const pred = {
      s: [
        box('s', 'car', 0.1, 0, { detection_score: 0.5 }),
        box('s', 'car', 0.3, 0, { detection_score: 0.5 }),
      ],
    };
    const { summary } = evaluate(gt, pred);
    // The later box (0.3 m off) takes the GT; the earlier, closer one becomes a false positive.
    near(summary.label_tp_errors.car.trans_err, 0.3);
  });

  it('does not match a prediction exactly at the distance threshold (strict <)', () => {
    const gt = { s: [box('s', 'car', 0, 0)] };
    const pred = { s: [box('s', 'car', 0.3, 0.4)] };
    const { summary } = evaluate(gt, pred);
    assert.equal(summary.label_aps.car['0.5'], 0);
    near(summary.label_aps.car['1.0'], 1);
  });

  it('rejects a prediction whose distance equals a threshold exactly in float64', () => {
    const gt = { s: [box('s', 'car', 10, -3)] };
    const pred = { s: [box('s', 'car', 12, -3)] };
    const { summary } = evaluate(gt, pred);
    assert.equal(summary.label_aps.car['2.0'], 0);
    near(summary.label_aps.car['4.0'], 1);
    // TP errors come from the 2 m threshold, where nothing matched.
    assert.equal(summary.label_tp_errors.car.trans_err, 1);
  });

  it('gives a barrier turned by pi no orientation error, a car turned by pi an error of pi', () => {
    const gt = { s: [box('s', 'barrier', 0, 0, { yaw: 0.4 }), box('s', 'car', 20, 0, { yaw: 0.4 })] };
    const pred = {
      s: [box('s', 'barrier', 0, 0, { yaw: 0.4 + Math.PI }), box('s', 'car', 20, 0, { yaw: 0.4 + Math.PI })],
    };
    const { summary } = evaluate(gt, pred);
    near(summary.label_tp_errors.barrier.orient_err, 0, 1e-9);
    near(summary.label_tp_errors.car.orient_err, Math.PI, 1e-9);
  });

  it('scores 1 when every matched GT lacks an attribute (all NaN)', () => {
    const gt = { s: [box('s', 'pedestrian', 0, 0), box('s', 'pedestrian', 5, 0)] };
    const pred = {
      s: [
        box('s', 'pedestrian', 0, 0, { attribute_name: 'pedestrian.moving' }),
        box('s', 'pedestrian', 5, 0, { attribute_name: 'pedestrian.moving' }),
      ],
    };
    assert.equal(evaluate(gt, pred).summary.label_tp_errors.pedestrian.attr_err, 1);
  });

  it('scores 0 when only the leading matches lack an attribute and the rest are right', () => {
    const gt = {
      s: [
        box('s', 'pedestrian', 0, 0),
        box('s', 'pedestrian', 5, 0, { attribute_name: 'pedestrian.standing' }),
      ],
    };
    const pred = {
      s: [
        box('s', 'pedestrian', 0, 0, { detection_score: 0.9, attribute_name: 'pedestrian.moving' }),
        box('s', 'pedestrian', 5, 0, { detection_score: 0.8, attribute_name: 'pedestrian.standing' }),
      ],
    };
    const { summary, metricData } = evaluate(gt, pred);
    assert.equal(summary.label_tp_errors.pedestrian.attr_err, 0);
    // Before the first defined attribute the running mean is 0, not NaN.
    assert.equal(metricData.get('pedestrian:2.0')!.attr_err[0], 0);
  });

  it('gives a class without GT AP 0 and errors 1, and leaves cone and barrier exclusions NaN', () => {
    const gt = { s: [box('s', 'car', 0, 0)] };
    const pred = { s: [box('s', 'truck', 0, 0)] };
    const { summary } = evaluate(gt, pred);
    assert.equal(summary.mean_dist_aps.truck, 0);
    assert.deepEqual(Object.values(summary.label_tp_errors.truck), [1, 1, 1, 1, 1]);
    assert.ok(Number.isNaN(summary.label_tp_errors.traffic_cone.orient_err));
    assert.ok(Number.isNaN(summary.label_tp_errors.barrier.vel_err));
    assert.equal(summary.label_tp_errors.barrier.orient_err, 1);
  });

  it('ignores NaN velocities in the velocity error', () => {
    const gt = {
      s: [box('s', 'car', 0, 0, { velocity: [null, null] }), box('s', 'car', 9, 0, { velocity: [1, 0] })],
    };
    const pred = {
      s: [
        box('s', 'car', 0, 0, { detection_score: 0.9, velocity: [5, 5] }),
        box('s', 'car', 9, 0, { detection_score: 0.8, velocity: [4, 4] }),
      ],
    };
    // Running mean over matches: [0 (NaN skipped), 5]. On the recall grid it is 0 up to recall 0.5 (the first
    // match) and rises linearly to 5 at recall 1; the mean over bins 11..100 is (1 + ... + 50) / 10 / 90.
    near(evaluate(gt, pred).summary.label_tp_errors.car.vel_err, 127.5 / 90);
  });

  it('names the box when a matched box has a zero size (the devkit asserts)', () => {
    const gt = { s: [box('s', 'car', 0, 0)] };
    const pred = { s: [box('s', 'car', 5, 5), box('s', 'car', 0, 0, { size: [0, 4, 1.5] })] };
    assert.throws(() => evaluate(gt, pred), {
      message:
        'results["s"][1].size: every size component must be > 0 for a matched box (the devkit asserts this in scale_iou)',
    });
  });

  it('requires the same sample tokens in GT and results', () => {
    const gt = { a: [], b: [] };
    assert.throws(() => evaluate(gt, { a: [] }), /results\["b"\]: sample of the evaluation set is missing/);
    assert.throws(
      () => evaluate(gt, { a: [], b: [], c: [] }),
      /results\["c"\]: sample token is not in the evaluation set/,
    );
  });
});
