import assert from 'node:assert/strict';
import { DETECTION_NAMES, Quaternion, RigidTransform, vec3 } from '@mim4d/dataset';
import { attributeFromSpeed, decodeDetections, topKIndices } from '../src/postprocess.ts';

const LABELS = ['car', 'pedestrian', 'barrier'];
const RANGES = { car: 25, pedestrian: 20, barrier: 15 };
const IDENTITY = RigidTransform.identity<'ego'>().toMatrix() as never;

function close(actual: readonly number[], expected: readonly number[], what: string, tol = 1e-9): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, i) => {
    assert.ok(Math.abs(v - expected[i]) <= tol, `${what}[${i}]: ${v} vs ${expected[i]}`);
  });
}

/** One query per entry: [x, y, z, w, l, h, yaw, vx, vy] in the frame ego. */
function boxesOf(rows: number[][]): Float32Array {
  return Float32Array.from(
    rows.flatMap(([x, y, z, w, l, h, yaw, vx, vy]) => [
      x,
      y,
      z,
      w,
      l,
      h,
      Math.sin(yaw),
      Math.cos(yaw),
      vx,
      vy,
    ]),
  );
}

describe('decodeDetections', () => {
  it('puts a box at a known ego position and yaw at the global translation, rotation and velocity', () => {
    const egoToGlobal = new RigidTransform<'ego', 'global'>(
      Quaternion.fromYaw(Math.PI / 2),
      vec3(100, 200, 1),
    ).toMatrix();
    const boxes = boxesOf([[10, 2, 0.5, 1.9, 4.5, 1.6, Math.PI / 4, 3, 0]]);
    const scores = Float32Array.from([0.75, 0, 0]);
    // No score threshold: the two zero scores come after the car.
    const [box, ...rest] = decodeDetections(scores, boxes, 1, LABELS, egoToGlobal, {
      topK: 300,
      classRangeM: RANGES,
    });
    assert.deepEqual(
      rest.map((b) => [b.detection_name, b.detection_score]),
      [
        ['pedestrian', 0],
        ['barrier', 0],
      ],
    );
    // Ego x points to global +y and ego y to global -x.
    close(box.translation, [98, 210, 1.5], 'translation', 1e-6);
    close(box.size, [1.9, 4.5, 1.6], 'size', 1e-6);
    const yaw = (3 * Math.PI) / 4;
    close(box.rotation, [Math.cos(yaw / 2), 0, 0, Math.sin(yaw / 2)], 'rotation', 1e-7);
    close(box.velocity, [0, 3], 'velocity', 1e-6);
    assert.equal(box.detection_name, 'car');
    assert.equal(box.detection_score, 0.75);
    assert.equal(box.attribute_name, 'vehicle.moving');
  });

  it('composes the pose rotation before the box yaw (q_global = q_ego2global * q_z(yaw)) under roll', () => {
    const pose = Quaternion.fromYaw(0.3).multiply(new Quaternion(Math.cos(0.05), Math.sin(0.05), 0, 0));
    const egoToGlobal = new RigidTransform<'ego', 'global'>(pose, vec3(0, 0, 0)).toMatrix();
    const [box] = decodeDetections(
      Float32Array.from([0.5, 0, 0]),
      boxesOf([[5, 0, 0, 1, 1, 1, 1.1, 0, 0]]),
      1,
      LABELS,
      egoToGlobal,
      { topK: 1, classRangeM: RANGES },
    );
    const expected = pose.multiply(Quaternion.fromYaw(Math.fround(1.1))).toArray();
    close(box.rotation, expected, 'rotation', 1e-6);
  });

  it('keeps the top-k over queries x classes, ties by flat index, one query under several labels', () => {
    // Query 0 scores 0.9 as a car and 0.5 as a barrier; queries 1 and 2 tie at 0.5 with it.
    const scores = Float32Array.from([0.9, 0.1, 0.5, 0.5, 0.2, 0.3, 0.1, 0.5, 0.05]);
    assert.deepEqual([...topKIndices(scores, 4)], [0, 2, 3, 7]);
    const boxes = boxesOf([
      [1, 0, 0, 1, 1, 1, 0, 0, 0],
      [2, 0, 0, 1, 1, 1, 0, 0, 0],
      [3, 0, 0, 1, 1, 1, 0, 0, 0],
    ]);
    const out = decodeDetections(scores, boxes, 3, LABELS, IDENTITY, { topK: 4, classRangeM: RANGES });
    assert.deepEqual(
      out.map((b) => [b.translation[0], b.detection_name]),
      [
        [1, 'car'],
        [1, 'barrier'],
        [2, 'car'],
        [3, 'pedestrian'],
      ],
    );
  });

  it('drops a box only when its ego-xy radius exceeds the class range, after the top-k', () => {
    const ranges = { car: 5, pedestrian: 5, barrier: 5 };
    const boxes = boxesOf([
      [3, 4, 9, 1, 1, 1, 0, 0, 0], // radius exactly 5 (z does not count): kept
      [3, 4.001, 0, 1, 1, 1, 0, 0, 0], // just beyond: dropped
      [1, 1, 0, 1, 1, 1, 0, 0, 0], // inside, but ranked third
    ]);
    const scores = Float32Array.from([0.9, 0, 0, 0.8, 0, 0, 0.7, 0, 0]);
    const out = decodeDetections(scores, boxes, 3, LABELS, IDENTITY, { topK: 2, classRangeM: ranges });
    assert.deepEqual(
      out.map((b) => b.translation),
      [[3, 4, 9]],
    );
  });

  it('emits at most 500 boxes, the best ones', () => {
    const q = 300;
    const scores = Float32Array.from({ length: q * 3 }, (_, i) => 1 - i / 1000);
    const boxes = boxesOf(Array.from({ length: q }, () => [1, 0, 0, 1, 1, 1, 0, 0, 0]));
    const out = decodeDetections(scores, boxes, q, LABELS, IDENTITY, { topK: 900, classRangeM: RANGES });
    assert.equal(out.length, 500);
    assert.equal(out[499].detection_score, Math.fround(1 - 499 / 1000));
  });

  it('refuses labels that are not detection classes, labels without a range and outputs of the wrong size', () => {
    const scores = new Float32Array(3);
    const boxes = new Float32Array(10);
    const decoding = { topK: 1, classRangeM: RANGES };
    assert.throws(
      () => decodeDetections(scores, boxes, 1, ['car', 'tram', 'barrier'], IDENTITY, decoding),
      /labels\[1\]: "tram" is not a nuScenes detection class/,
    );
    assert.throws(
      () => decodeDetections(scores, boxes, 1, LABELS, IDENTITY, { topK: 1, classRangeM: { car: 1 } }),
      /classRangeM: no positive range for label "pedestrian"/,
    );
    assert.throws(
      () => decodeDetections(scores, boxes, 2, LABELS, IDENTITY, decoding),
      /scores: 3 values, expected 2 queries x 3 labels/,
    );
    assert.throws(
      () => decodeDetections(scores, new Float32Array(9), 1, LABELS, IDENTITY, decoding),
      /boxes: 9 values, expected 1 queries x 10/,
    );
    assert.throws(
      () =>
        decodeDetections(
          scores,
          boxesOf([[Number.NaN, 0, 0, 1, 1, 1, 0, 0, 0]]),
          1,
          LABELS,
          IDENTITY,
          decoding,
        ),
      /boxes\[0\]\[0\] is NaN, not a finite number/,
    );
  });
});

describe('attributeFromSpeed', () => {
  const expected: Record<string, [moving: string, still: string]> = {
    car: ['vehicle.moving', 'vehicle.parked'],
    truck: ['vehicle.moving', 'vehicle.parked'],
    trailer: ['vehicle.moving', 'vehicle.parked'],
    construction_vehicle: ['vehicle.moving', 'vehicle.parked'],
    bus: ['vehicle.moving', 'vehicle.stopped'],
    bicycle: ['cycle.with_rider', 'cycle.without_rider'],
    motorcycle: ['cycle.with_rider', 'cycle.without_rider'],
    pedestrian: ['pedestrian.moving', 'pedestrian.standing'],
    barrier: ['', ''],
    traffic_cone: ['', ''],
  };
  for (const name of DETECTION_NAMES) {
    it(`${name}: ${expected[name][0] || '""'} above 0.2 m/s, ${expected[name][1] || '""'} at or below`, () => {
      assert.equal(attributeFromSpeed(name, 0.21), expected[name][0]);
      assert.equal(attributeFromSpeed(name, 0.2), expected[name][1]);
    });
  }
});
