import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DetectionGtBox,
  detectionGroundTruth,
  generateSynthDataset,
  type Mat4,
  mat4,
  mat4ApplyHomogeneous,
  NuScenes,
  RigidTransform,
  sampleGroundTruth,
  vec3,
} from '@mim4d/dataset';
import { DEFAULT_SPEC, sampleToken, type TinyDatasetSpec, writeTinyDataroot } from '@mim4d/dataset/testing';
import { augmentEgoToImage, type BevAugmentation, bevMatrix } from '@mim4d/finetune';
import { loadKeyFrame } from '@mim4d/pretrain';
import { DETECTION_HEAD_CLASSES } from '../src/classes.ts';
import { augmentTargets, type DetectionTargets, detectionTargets } from '../src/targets.ts';

/** The scaled recipe's grid range (heads.md 1.4). */
const PC_RANGE = [-25.6, -25.6, -2, 25.6, 25.6, 4.4];
const KEY_FRAME = { cameras: 1, imageHeight: 16, imageWidth: 32 };

/** One target decoded: frame-ego centre, sizes, yaw, velocity, class name. */
function decode(t: DetectionTargets, i: number) {
  const c = t.code.subarray(i * 10, (i + 1) * 10);
  return {
    center: [c[0], c[1], c[4]],
    size: [Math.exp(c[2]), Math.exp(c[3]), Math.exp(c[5])],
    yaw: Math.atan2(c[6], c[7]),
    velocity: [c[8], c[9]],
    name: DETECTION_HEAD_CLASSES[t.labels[i]],
    velocityKnown: t.velocityValid[i] === 1,
  };
}

function close(got: readonly number[], want: readonly number[], tol: number, what: string): void {
  got.forEach((v, k) => {
    assert.ok(Math.abs(v - want[k]) <= tol, `${what}[${k}]: ${v} vs ${want[k]}`);
  });
}

const angleDiff = (a: number, b: number) => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));

/** Asserts that target i, moved to the global frame with `egoToGlobal`, is annotation `box`. */
function assertIsBox(
  t: DetectionTargets,
  i: number,
  box: DetectionGtBox<'global'>,
  egoToGlobal: RigidTransform<'ego', 'global'>,
): void {
  const d = decode(t, i);
  const what = `target ${i} (${box.annotationToken})`;
  assert.equal(d.name, box.detectionName, what);
  close(
    egoToGlobal.apply(vec3<'ego'>(d.center[0], d.center[1], d.center[2])),
    box.center,
    1e-4,
    `${what} centre`,
  );
  close(d.size, box.size, 1e-5, `${what} size`);
  const axis = egoToGlobal.applyToDirection(vec3<'ego'>(Math.cos(d.yaw), Math.sin(d.yaw), 0));
  const boxAxis = box.rotation.rotate(vec3<'box'>(1, 0, 0));
  assert.ok(
    angleDiff(Math.atan2(axis[1], axis[0]), Math.atan2(boxAxis[1], boxAxis[0])) < 1e-6,
    `${what} yaw`,
  );
  const known = Number.isFinite(box.velocity[0]);
  assert.equal(d.velocityKnown, known, `${what} velocity flag`);
  if (known) {
    const v = egoToGlobal.applyToDirection(vec3<'ego'>(d.velocity[0], d.velocity[1], 0));
    close([v[0], v[1]], [box.velocity[0], box.velocity[1]], 1e-4, `${what} velocity`);
  } else {
    assert.deepEqual(d.velocity, [0, 0], `${what}: unknown velocity is stored as 0`);
  }
}

describe('detection targets', () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'mim4d-det-targets-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  describe('on a synthetic dataroot', () => {
    let nusc: NuScenes;
    before(async () => {
      const out = join(work, 'synth');
      await generateSynthDataset(
        { out, scenes: 1, samples: 3, sweeps: 0, lidarSweeps: 0, width: 32, height: 18, seed: 3 },
        { workers: 1 },
      );
      nusc = await NuScenes.open(out, 'v1.0-mini');
    });

    it('decode back, moved to the global frame, to the annotations with points inside the range', async () => {
      let kept = 0;
      let dropped = 0;
      for (const sample of nusc.tables.sample) {
        const { frame } = await loadKeyFrame(nusc, sample.token, KEY_FRAME);
        const t = detectionTargets(nusc, sample.token, frame.egoToGlobal, PC_RANGE);
        // The frame ego is the ego pose of the sample's CAM_FRONT.
        const pose = nusc.get('ego_pose', nusc.sampleData(sample.token, 'CAM_FRONT').ego_pose_token);
        const egoToGlobal = RigidTransform.fromRecord<'ego', 'global'>(pose);
        const globalToEgo = egoToGlobal.inverse();
        const expected = detectionGroundTruth(sampleGroundTruth(nusc, sample.token).global).filter((b) => {
          const [x, y] = globalToEgo.apply(b.center);
          return b.numPts > 0 && Math.abs(x) < 25.6 && Math.abs(y) < 25.6;
        });
        assert.equal(t.count, expected.length, sample.token);
        expected.forEach((box, i) => {
          assertIsBox(t, i, box, egoToGlobal);
        });
        kept += t.count;
        dropped += sampleGroundTruth(nusc, sample.token).global.length - t.count;
      }
      assert.ok(kept > 10 && dropped > 10, `kept ${kept}, dropped ${dropped}`);
    });
  });

  describe('on a hand-made dataroot', () => {
    const SCENE = 'scene-0061';
    const SPEC: TinyDatasetSpec = {
      ...DEFAULT_SPEC,
      instances: [
        ...DEFAULT_SPEC.instances,
        // Sample 2 has the ego at (104, 201) facing global +y; ego (x, y) = (Y − 201, 104 − X).
        {
          scene: SCENE,
          category: 'human.pedestrian.adult',
          annotations: [{ sample: 2, translation: [104, 205, 1], numRadarPts: 1 }],
        },
        {
          scene: SCENE,
          category: 'vehicle.bus.rigid',
          annotations: [{ sample: 2, translation: [104, 230, 1.5], size: [2.9, 11, 3.5], numLidarPts: 20 }],
        },
        {
          scene: SCENE,
          category: 'movable_object.barrier',
          annotations: [{ sample: 2, translation: [100, 201, 0.5], size: [2.5, 0.5, 1] }],
        },
        {
          scene: SCENE,
          category: 'animal',
          annotations: [{ sample: 2, translation: [105, 202, 0.3], numLidarPts: 5 }],
        },
        {
          scene: SCENE,
          category: 'vehicle.car',
          annotations: [{ sample: 2, translation: [104, 226, 1], numLidarPts: 3 }],
        },
      ],
    };
    const token = sampleToken(SCENE, 2);
    let nusc: NuScenes;
    let egoToGlobal: Mat4<'ego', 'global'>;
    before(async () => {
      const root = join(work, 'tiny');
      await writeTinyDataroot(root, SPEC);
      nusc = await NuScenes.open(root, SPEC.version);
      egoToGlobal = (await loadKeyFrame(nusc, token, KEY_FRAME)).frame.egoToGlobal;
    });

    it('keeps detection classes with lidar or radar points, in annotation order, in the frame ego', () => {
      const t = detectionTargets(nusc, token, egoToGlobal, PC_RANGE);
      // Dropped: the barrier without points, the animal (no detection class), the bus 29 m ahead.
      assert.deepEqual(
        Array.from({ length: t.count }, (_, i) => decode(t, i).name),
        ['car', 'bicycle', 'pedestrian', 'car'],
      );
      const car = decode(t, 0);
      close(car.center, [0, -9, 1], 1e-5, 'car centre');
      close(car.size, [1.9, 4.5, 1.6], 1e-6, 'car size');
      assert.ok(angleDiff(car.yaw, 0.1 - Math.PI / 2) < 1e-6);
      // Global (4, 1) m/s from its previous annotation, half a second earlier.
      close(car.velocity, [1, -4], 1e-5, 'car velocity');
      const bicycle = decode(t, 1);
      close(bicycle.center, [9, 13, 0.5], 1e-5, 'bicycle centre');
      close(bicycle.velocity, [0.8, -2], 1e-5, 'bicycle velocity');
      const pedestrian = decode(t, 2);
      close(pedestrian.center, [4, 0, 1], 1e-5, 'pedestrian centre');
      assert.equal(pedestrian.velocityKnown, false, 'annotated once: velocity unknown');
      assert.deepEqual([...t.velocityValid], [1, 1, 0, 0]);
    });

    it('applies the range filter after the augmentation, as upstream', () => {
      // Shrunk by 0.85, the bus (29 m) comes into range; grown by 1.05 the last car (25 m) leaves it.
      const shrunk = detectionTargets(nusc, token, egoToGlobal, PC_RANGE, { angle: 0.3, scale: 0.85 });
      assert.deepEqual(
        Array.from({ length: shrunk.count }, (_, i) => decode(shrunk, i).name),
        ['car', 'bicycle', 'pedestrian', 'bus', 'car'],
      );
      const bus = decode(shrunk, 3);
      close(
        bus.center,
        [0.85 * 29 * Math.cos(0.3), 0.85 * 29 * Math.sin(0.3), 0.85 * 1.5],
        1e-4,
        'bus centre',
      );
      const grown = detectionTargets(nusc, token, egoToGlobal, PC_RANGE, { angle: 0, scale: 1.05 });
      assert.deepEqual(
        Array.from({ length: grown.count }, (_, i) => decode(grown, i).name),
        ['car', 'bicycle', 'pedestrian'],
      );
    });

    it('names a bad pcRange', () => {
      assert.throws(
        () => detectionTargets(nusc, token, egoToGlobal, [25.6, -25.6, -2, -25.6, 25.6, 4.4]),
        /pcRange must be \[xmin, ymin, zmin, xmax, ymax, zmax\] with each min < max, got \[25.6,-25.6,-2,-25.6,25.6,4.4\]/,
      );
      assert.throws(() => detectionTargets(nusc, token, egoToGlobal, [0, 0, 0, 1]), /pcRange must be/);
    });
  });

  describe('augmentTargets', () => {
    const one: DetectionTargets = {
      count: 1,
      code: Float32Array.from([
        1,
        2,
        Math.log(2),
        Math.log(4),
        3,
        Math.log(1.5),
        Math.sin(0.3),
        Math.cos(0.3),
        1,
        0,
      ]),
      labels: Int32Array.from([4]),
      velocityValid: Uint8Array.from([1]),
    };

    it('turns and scales centre, sizes, yaw and velocity with the scene, leaving its input alone', () => {
      const before = one.code.slice();
      const t = augmentTargets(one, { angle: Math.PI / 2, scale: 2 });
      assert.deepEqual(one.code, before);
      const d = decode(t, 0);
      close(d.center, [-4, 2, 6], 1e-5, 'centre');
      close(d.size, [4, 8, 3], 1e-5, 'size');
      assert.ok(angleDiff(d.yaw, 0.3 + Math.PI / 2) < 1e-6);
      close(d.velocity, [0, 2], 1e-6, 'velocity');
      assert.deepEqual([...t.labels], [4]);
      assert.deepEqual([...t.velocityValid], [1]);
    });

    it('moves a box centre to where the augmented cameras see the original one', () => {
      // A camera 1.5 m up looking along ego +x, 100 px focal length.
      const camera = mat4<'ego', 'image'>([64, -100, 0, 0, 32, 0, -100, 150, 1, 0, 0, 0, 0, 0, 0, 1]);
      const aug: BevAugmentation = { angle: -0.2, scale: 0.97 };
      const t = augmentTargets({ ...one, code: Float32Array.from([12, -3, 0, 0, 0.5, 0, 0, 1, 0, 0]) }, aug);
      const pixel = (m: Mat4<'ego', 'image'>, p: number[]) => {
        const [u, v, w] = mat4ApplyHomogeneous(m, vec3<'ego'>(p[0], p[1], p[2]));
        return [u / w, v / w];
      };
      const moved = decode(t, 0).center;
      close(pixel(augmentEgoToImage(camera, aug), moved), pixel(camera, [12, -3, 0.5]), 1e-4, 'pixel');
      // A = s·Rz(φ) is the matrix both sides use.
      close(mat4ApplyHomogeneous(bevMatrix(aug), vec3<'ego'>(12, -3, 0.5)).slice(0, 3), moved, 1e-5, 'A c');
    });

    it('refuses a non-positive scale', () => {
      assert.throws(() => augmentTargets(one, { angle: 0, scale: 0 }), /scale positive, got 0 and 0/);
    });
  });
});
