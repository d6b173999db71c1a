import assert from 'node:assert/strict';
import { join } from 'node:path';
import { boxVelocity } from '../../src/nuscenes/box-velocity.ts';
import { NuScenes } from '../../src/nuscenes/database.ts';
import { detectionGroundTruth, sampleGroundTruth } from '../../src/nuscenes/ground-truth.ts';
import type { TableName } from '../../src/nuscenes/tables.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import {
  buildTinyDataset,
  DEFAULT_SPEC,
  sampleToken,
  writeTable,
  writeTinyDataroot,
} from '../helpers/tiny-dataroot.ts';

function assertNear(actual: ArrayLike<number>, expected: readonly number[], what: string, tol = 1e-9): void {
  for (let i = 0; i < expected.length; i++) {
    const ok = Number.isNaN(expected[i]) ? Number.isNaN(actual[i]) : Math.abs(actual[i] - expected[i]) <= tol;
    assert.ok(ok, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

const NAN3 = [Number.NaN, Number.NaN, Number.NaN];

describe('ground truth boxes', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let nusc: NuScenes;

  before(async () => {
    dir = await makeTempDir('nusc-gt');
    await writeTinyDataroot(dir.path);
    nusc = await NuScenes.open(dir.path, DEFAULT_SPEC.version);
  });
  after(() => dir.remove());

  describe('box velocity, as the devkit estimates it', () => {
    // Samples of scene-0061 are at 0, 0.5, 1.0 and 3.0 s.
    it('uses a one-sided difference at the first and last annotation', () => {
      assertNear(boxVelocity(nusc, 'ann:0:0'), [2, 1, 0], 'car at its first sample');
      assertNear(boxVelocity(nusc, 'ann:0:2'), [4, 1, 0], 'car at its last sample');
    });

    it('uses the centred difference when both neighbours exist', () => {
      assertNear(boxVelocity(nusc, 'ann:0:1'), [3, 1, 0], 'car in the middle');
      // 2.5 s between neighbours: over 1.5 s, but the centred case allows 3 s.
      assertNear(boxVelocity(nusc, 'ann:2:1'), [2, 0.8, 0], 'bicycle across the gap');
    });

    it('is NaN for an instance annotated once', () => {
      assertNear(boxVelocity(nusc, 'ann:1:0'), NAN3, 'pedestrian');
    });

    it('is NaN when the time gap is too large, one-sided (> 1.5 s) or centred (> 2 x max)', () => {
      assertNear(boxVelocity(nusc, 'ann:2:2'), NAN3, 'bicycle after a 2 s gap');
      assertNear(boxVelocity(nusc, 'ann:2:1', 1.0), NAN3, 'centred over 2.5 s with max 1 s');
      assertNear(boxVelocity(nusc, 'ann:2:0', 1.0), [2, 0, 0], 'one-sided over 0.5 s with max 1 s');
    });
  });

  it('lists every annotation of a sample in sample["anns"] order with category, attributes and points', () => {
    const gt = sampleGroundTruth(nusc, sampleToken('scene-0061', 0));
    assert.deepEqual(
      gt.global.map((b) => [b.annotationToken, b.categoryName, b.detectionName, b.attributeNames, b.numPts]),
      [
        ['ann:0:0', 'vehicle.car', 'car', ['vehicle.moving'], 10],
        ['ann:1:0', 'human.pedestrian.adult', 'pedestrian', ['pedestrian.standing'], 2],
        ['ann:3:0', 'static_object.bicycle_rack', null, [], 40],
      ],
    );
    assertNear(gt.egoTranslation, [100, 200, 0], 'LIDAR_TOP ego translation');
    assertNear(gt.global[0].center, [110, 200, 1], 'global centre');
  });

  it('expresses boxes, headings and velocities in the LIDAR_TOP ego frame', () => {
    // Sample 2: ego at (104, 201, 0) heading +90 degrees; the car is at (113, 201, 1) heading 0.1 rad.
    const gt = sampleGroundTruth(nusc, sampleToken('scene-0061', 2));
    const car = gt.ego.find((b) => b.annotationToken === 'ann:0:2')!;
    assertNear(car.center, [0, -9, 1], 'car centre: 9 m to the right');
    assert.ok(Math.abs(car.rotation.yaw() - (0.1 - Math.PI / 2)) < 1e-12, `yaw ${car.rotation.yaw()}`);
    assertNear(car.velocity, [1, -4, 0], 'velocity rotated into the ego frame');
    assert.deepEqual(car.size, [1.9, 4.5, 1.6]);
    const bicycle = gt.ego.find((b) => b.annotationToken === 'ann:2:1')!;
    assertNear(bicycle.velocity, [0.8, -2, 0], 'bicycle velocity');
  });

  it('keeps the ten detection classes with one attribute name each, "" when there is none', () => {
    const s1 = detectionGroundTruth(sampleGroundTruth(nusc, sampleToken('scene-0061', 1)).global);
    assert.deepEqual(
      s1.map((b) => [b.detectionName, b.attributeName]),
      [
        ['car', 'vehicle.moving'],
        ['bicycle', ''],
      ],
    );
    assert.deepEqual(detectionGroundTruth(sampleGroundTruth(nusc, sampleToken('scene-0103', 0)).global), []);
  });

  it('refuses a detection box with more than one attribute, naming the annotation', async () => {
    const { tables } = buildTinyDataset();
    tables.sample_annotation[0].attribute_tokens = ['attr:vehicle.moving', 'attr:vehicle.parked'];
    const root = join(dir.path, 'two-attributes');
    for (const [table, records] of Object.entries(tables)) {
      await writeTable(root, DEFAULT_SPEC.version, table as TableName, records);
    }
    const faulty = await NuScenes.open(root, DEFAULT_SPEC.version);
    const gt = sampleGroundTruth(faulty, sampleToken('scene-0061', 0));
    assert.deepEqual(gt.global[0].attributeNames, ['vehicle.moving', 'vehicle.parked']);
    assert.throws(
      () => detectionGroundTruth(gt.global),
      /sample_annotation\.json record "ann:0:0": field "attribute_tokens": a detection GT box may have at most one attribute, it has 2/,
    );
  });
});
