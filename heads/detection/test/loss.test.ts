import assert from 'node:assert/strict';
import { sigmoidFocalLoss } from '@mim4d/finetune';
import { initBackend, SeededRandom, tf } from '@mim4d/nn';
import { detectionLoss, matchLayer } from '../src/loss.ts';
import type { DetectionTargets } from '../src/targets.ts';

const CLASSES = 10;

/** Three targets: a car, a pedestrian with unknown velocity, a barrier. */
function threeTargets(): DetectionTargets {
  const rows = [
    [5, 2, Math.log(1.9), Math.log(4.5), 0.8, Math.log(1.6), 0, 1, 3, -1],
    [-3, 7, Math.log(0.7), Math.log(0.7), 0.9, Math.log(1.8), 1, 0, 0, 0],
    [12, -6, Math.log(2.5), Math.log(0.5), 0.5, Math.log(1), 0.6, 0.8, 0, 0],
  ];
  return {
    count: 3,
    code: Float32Array.from(rows.flat()),
    labels: Int32Array.from([0, 8, 5]),
    velocityValid: Uint8Array.from([1, 0, 1]),
  };
}

const NO_TARGETS: DetectionTargets = {
  count: 0,
  code: new Float32Array(0),
  labels: new Int32Array(0),
  velocityValid: new Uint8Array(0),
};

/** Q predictions: query `at[g]` carries target g's code exactly; the others sit 40 m away. */
function predictions(targets: DetectionTargets, Q: number, at: number[], seed: number) {
  const rng = new SeededRandom(seed);
  const code = Float32Array.from({ length: Q * 10 }, () => rng.next() - 0.5);
  for (let q = 0; q < Q; q++) code[q * 10] += 40;
  at.forEach((q, g) => {
    code.set(targets.code.subarray(g * 10, (g + 1) * 10), q * 10);
  });
  const logits = Float32Array.from({ length: Q * CLASSES }, () => 2 * rng.next() - 3);
  return { logits, code };
}

function layerOf(p: { logits: Float32Array; code: Float32Array }) {
  const Q = p.logits.length / CLASSES;
  return { logits: tf.tensor2d(p.logits, [Q, CLASSES]), code: tf.tensor2d(p.code, [Q, 10]) };
}

function lossValues(layers: { logits: Float32Array; code: Float32Array }[], targets: DetectionTargets) {
  return tf.tidy(() => {
    const { cls, bbox, matched } = detectionLoss(layers.map(layerOf), targets);
    return { cls: cls.dataSync()[0], bbox: bbox.dataSync()[0], matched };
  });
}

describe('detection loss', () => {
  before(async () => {
    await initBackend();
  });

  it('matches each target to the query that predicts it exactly, with zero box loss', () => {
    const targets = threeTargets();
    const p = predictions(targets, 6, [4, 1, 2], 1);
    const assignment = tf.tidy(() => matchLayer(layerOf(p), targets));
    assert.deepEqual([...assignment], [-1, 1, 2, -1, 0, -1]);
    const { bbox, matched } = lossValues([p], targets);
    assert.equal(bbox, 0);
    assert.equal(matched, 3);
  });

  it('gives the focal loss of one-hot targets on the matched queries, weighted 2 and divided by the matches', () => {
    const targets = threeTargets();
    const p = predictions(targets, 6, [4, 1, 2], 2);
    const oneHot = new Float32Array(6 * CLASSES);
    oneHot[4 * CLASSES + 0] = 1;
    oneHot[1 * CLASSES + 8] = 1;
    oneHot[2 * CLASSES + 5] = 1;
    const focal = tf.tidy(
      () =>
        sigmoidFocalLoss(
          tf.tensor2d(p.logits, [6, CLASSES]),
          tf.tensor2d(oneHot, [6, CLASSES]),
        ).dataSync()[0],
    );
    const { cls } = lossValues([p], targets);
    assert.ok(Math.abs(cls - (2 * focal) / 3) < 1e-5, `${cls} vs ${(2 * focal) / 3}`);
  });

  it('weighs the L1 of every matched code entry by 0.25 over the number of matches', () => {
    const targets = threeTargets();
    const p = predictions(targets, 6, [4, 1, 2], 3);
    p.code[4 * 10 + 0] += 1.5; // car x
    p.code[2 * 10 + 3] -= 0.5; // barrier log l
    p.code[4 * 10 + 9] += 2; // car vy (known velocity)
    const { bbox } = lossValues([p], targets);
    assert.ok(Math.abs(bbox - (0.25 * (1.5 + 0.5 + 2)) / 3) < 1e-6, `${bbox}`);
  });

  it('leaves the velocity of a target with unknown velocity out of the box loss', () => {
    const targets = threeTargets();
    const p = predictions(targets, 6, [4, 1, 2], 4);
    p.code[1 * 10 + 8] += 5; // pedestrian vx: unknown, ignored
    p.code[1 * 10 + 9] -= 5;
    assert.equal(lossValues([p], targets).bbox, 0);
    const known = { ...targets, velocityValid: Uint8Array.from([1, 1, 1]) };
    assert.ok(Math.abs(lossValues([p], known).bbox - (0.25 * 10) / 3) < 1e-6);
  });

  it('leaves velocity out of the matching cost', () => {
    const targets = threeTargets();
    // Query 0 has the car's box but a wild velocity; query 1 is the car shifted 1 m. The box wins.
    const p = predictions(targets, 4, [0, 2, 3], 5);
    p.code.set(targets.code.subarray(0, 10), 10);
    p.code[1 * 10] += 1;
    p.code[0 * 10 + 8] += 50;
    p.logits.fill(-2);
    const assignment = tf.tidy(() => matchLayer(layerOf(p), targets));
    assert.equal(assignment[0], 0);
  });

  it('matches the same predictions to the same targets whatever the order of the queries', () => {
    const targets = threeTargets();
    const rng = new SeededRandom(6);
    const Q = 12;
    const p = predictions(targets, Q, [3, 7, 9], 7);
    for (let k = 0; k < p.code.length; k++) p.code[k] += 0.3 * (rng.next() - 0.5);
    const perm = rng.permutation(Q);
    const permuted = {
      logits: new Float32Array(p.logits.length),
      code: new Float32Array(p.code.length),
    };
    perm.forEach((from, to) => {
      permuted.logits.set(p.logits.subarray(from * CLASSES, (from + 1) * CLASSES), to * CLASSES);
      permuted.code.set(p.code.subarray(from * 10, (from + 1) * 10), to * 10);
    });
    const a = tf.tidy(() => matchLayer(layerOf(p), targets));
    const b = tf.tidy(() => matchLayer(layerOf(permuted), targets));
    perm.forEach((from, to) => {
      assert.equal(b[to], a[from]);
    });
    const la = lossValues([p], targets);
    const lb = lossValues([permuted], targets);
    assert.ok(Math.abs(la.cls - lb.cls) < 1e-5 && Math.abs(la.bbox - lb.bbox) < 1e-6);
  });

  it('sums the layers, each matched on its own', () => {
    const targets = threeTargets();
    const first = predictions(targets, 6, [4, 1, 2], 8);
    const second = predictions(targets, 6, [0, 5, 3], 9);
    second.code[0] += 1;
    const one = lossValues([first], targets);
    const two = lossValues([second], targets);
    const both = lossValues([first, second], targets);
    assert.ok(Math.abs(both.cls - (one.cls + two.cls)) < 1e-5);
    assert.ok(Math.abs(both.bbox - (one.bbox + two.bbox)) < 1e-6);
    assert.ok(two.bbox > 0);
  });

  it('sends gradient to the logits and to the codes of the matched queries only', () => {
    const targets = threeTargets();
    const p = predictions(targets, 6, [4, 1, 2], 10);
    p.code[4 * 10 + 1] += 0.5;
    const logits = tf.variable(tf.tensor2d(p.logits, [6, CLASSES]));
    const code = tf.variable(tf.tensor2d(p.code, [6, 10]));
    const { grads } = tf.variableGrads(() => {
      const loss = detectionLoss([{ logits, code }], targets);
      return tf.add(loss.cls, loss.bbox) as tf.Scalar;
    });
    const gLogits = grads[logits.name].dataSync();
    const gCode = grads[code.name].dataSync();
    assert.ok(gLogits.every(Number.isFinite) && gLogits.some((v) => Math.abs(v) > 1e-4));
    // d|x - t|/dx = sign: 0.25 / 3 on the perturbed entry.
    assert.ok(Math.abs(gCode[4 * 10 + 1] - 0.25 / 3) < 1e-6, `${gCode[4 * 10 + 1]}`);
    for (const q of [0, 3, 5])
      assert.ok(
        gCode.subarray(q * 10, (q + 1) * 10).every((v) => v === 0),
        `query ${q}`,
      );
    tf.dispose([logits, code, ...Object.values(grads)]);
  });

  it('without targets: focal loss against all-background, no box loss, nothing matched', () => {
    const p = predictions(NO_TARGETS, 5, [], 11);
    const focal = tf.tidy(
      () => sigmoidFocalLoss(tf.tensor2d(p.logits, [5, CLASSES]), tf.zeros([5, CLASSES])).dataSync()[0],
    );
    const { cls, bbox, matched } = lossValues([p], NO_TARGETS);
    assert.ok(Math.abs(cls - 2 * focal) < 1e-5);
    assert.equal(bbox, 0);
    assert.equal(matched, 0);
  });

  it('matches every query when there are fewer queries than targets', () => {
    const targets = threeTargets();
    const p = predictions(targets, 2, [1, 0], 12);
    const { matched, bbox } = lossValues([p], {
      ...targets,
      count: 2,
      code: targets.code.slice(0, 20),
      labels: targets.labels.slice(0, 2),
      velocityValid: targets.velocityValid.slice(0, 2),
    });
    assert.equal(matched, 2);
    assert.equal(bbox, 0);
    assert.equal(lossValues([p], targets).matched, 2);
  });

  it('raises on a non-finite prediction, naming the layer, query and entry', () => {
    const targets = threeTargets();
    const good = predictions(targets, 4, [0, 1, 2], 13);
    const bad = predictions(targets, 4, [0, 1, 2], 13);
    bad.code[2 * 10 + 7] = Number.NaN;
    assert.throws(
      () => lossValues([good, bad], targets),
      /layer 1: code\[2, 7\] is NaN; predictions must be finite/,
    );
    assert.throws(() => lossValues([], targets), /no decoder layers/);
    assert.throws(
      () => lossValues([good], { ...targets, count: 4 }),
      /targets of count 4 hold 30 code values, 3 labels and 3 velocity flags/,
    );
  });
});
