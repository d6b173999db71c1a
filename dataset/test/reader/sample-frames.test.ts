import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectPoint } from '../../src/geometry/camera.ts';
import { vec3 } from '../../src/geometry/frames.ts';
import { NuScenes } from '../../src/nuscenes/database.ts';
import { readLidarPoints } from '../../src/nuscenes/lidar-points.ts';
import { lidarFrame, sampleFrames } from '../../src/nuscenes/sensor-frames.ts';
import { CAMERA_CHANNELS } from '../../src/nuscenes/tables.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import {
  CAMERA_TRANSLATION,
  DEFAULT_SPEC,
  LIDAR_TRANSLATION,
  sampleToken,
  writeTinyDataroot,
} from '../helpers/tiny-dataroot.ts';

function near(actual: number, expected: number, what: string, tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

/** Plain-trigonometry global -> LIDAR_TOP of an ego pose (yaw only), independent of the geometry module. */
function globalToLidar(p: number[], egoT: number[], egoYaw: number): [number, number, number] {
  const [dx, dy, dz] = [p[0] - egoT[0], p[1] - egoT[1], p[2] - egoT[2]];
  const ex = Math.cos(egoYaw) * dx + Math.sin(egoYaw) * dy - LIDAR_TRANSLATION[0];
  const ey = -Math.sin(egoYaw) * dx + Math.cos(egoYaw) * dy - LIDAR_TRANSLATION[1];
  // The lidar is yawed -90 degrees: its x axis is the ego's -y, its y axis the ego's x.
  return [-ey, ex, dz - LIDAR_TRANSLATION[2]];
}

const yawOf = (q: number[]): number => 2 * Math.atan2(q[3], q[0]);

describe('sampleFrames: cameras over time with their calibration', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let nusc: NuScenes;
  const width = DEFAULT_SPEC.imageWidth;
  const height = DEFAULT_SPEC.imageHeight;
  const focal = width / 2;

  before(async () => {
    dir = await makeTempDir('nusc-frames');
    await writeTinyDataroot(dir.path);
    nusc = await NuScenes.open(dir.path, DEFAULT_SPEC.version);
  });
  after(() => dir.remove());

  it('gives the key frame and the previous T-1 camera sweeps of all six cameras, newest first', () => {
    const frames = sampleFrames(nusc, sampleToken('scene-0061', 1), { frames: 3 });
    assert.equal(frames.cameras.length, 3);
    frames.cameras.forEach((cams, k) => {
      assert.deepEqual(
        cams.map((c) => c.channel),
        [...CAMERA_CHANNELS],
      );
      for (const cam of cams) {
        assert.equal(cam.token, `sd:${cam.channel}:scene-0061:${3 - k}`);
        assert.equal(cam.padded, false);
        assert.equal(cam.width, width);
        assert.ok(cam.path.startsWith(dir.path));
      }
    });
    assert.ok(frames.cameras[0][0].timestamp > frames.cameras[1][0].timestamp);
    assert.ok(frames.cameras[1][0].timestamp > frames.cameras[2][0].timestamp);
    assert.equal(frames.lidar.token, 'sd:LIDAR_TOP:scene-0061:1');
  });

  it('repeats the earliest frame, marked padded, when the chain starts too recently', () => {
    const frames = sampleFrames(nusc, sampleToken('scene-0061', 0), { frames: 3 });
    assert.deepEqual(
      frames.cameras.map((cams) => [cams[0].token, cams[0].padded]),
      [
        ['sd:CAM_FRONT:scene-0061:0', false],
        ['sd:CAM_FRONT:scene-0061:0', true],
        ['sd:CAM_FRONT:scene-0061:0', true],
      ],
    );
  });

  it('rejects a frame count below 1', () => {
    assert.throws(
      () => sampleFrames(nusc, sampleToken('scene-0061', 1), { frames: 0 }),
      /frames must be an integer >= 1/,
    );
  });

  it('projects a key-lidar point 10 m ahead of CAM_FRONT onto the principal point at depth 10', () => {
    const s = sampleToken('scene-0061', 1);
    const [front] = sampleFrames(nusc, s, { frames: 1 }).cameras[0];
    // Ego at sample 1: (102, 200, 0), heading 0. The camera sits at CAMERA_TRANSLATION looking along ego +x.
    const inLidar = globalToLidar(
      [102 + CAMERA_TRANSLATION[0] + 10, 200, CAMERA_TRANSLATION[2]],
      [102, 200, 0],
      0,
    );
    near(inLidar[1], CAMERA_TRANSLATION[0] + 10 - LIDAR_TRANSLATION[0], 'lidar y is forward');
    const { u, v, depth } = projectPoint(front.keyLidarToImage, vec3<'lidar'>(...inLidar));
    near(u, width / 2, 'u');
    near(v, height / 2, 'v');
    near(depth, 10, 'depth');
  });

  it('maps key-lidar points into a sweep camera through both ego poses', () => {
    const s = sampleToken('scene-0061', 2);
    const frames = sampleFrames(nusc, s, { frames: 2 });
    const sweep = frames.cameras[1][0];
    assert.equal(sweep.token, 'sd:CAM_FRONT:scene-0061:5');
    const pose = nusc.get('ego_pose', nusc.get('sample_data', sweep.token).ego_pose_token);
    const yaw = yawOf(pose.rotation);
    assert.ok(yaw > 0 && yaw < Math.PI / 2, 'the sweep is taken mid-turn');
    // A point 10 m ahead of the sweep's camera and 2 m to its right, built in the global frame.
    const c = Math.cos(yaw);
    const sn = Math.sin(yaw);
    const local = [CAMERA_TRANSLATION[0] + 10, -2, CAMERA_TRANSLATION[2]];
    const global = [
      pose.translation[0] + c * local[0] - sn * local[1],
      pose.translation[1] + sn * local[0] + c * local[1],
      local[2],
    ];
    const keyPose = nusc.get('ego_pose', nusc.sampleData(s, 'LIDAR_TOP').ego_pose_token);
    const inKeyLidar = globalToLidar(global, keyPose.translation, yawOf(keyPose.rotation));
    const { u, v, depth } = projectPoint(sweep.keyLidarToImage, vec3<'lidar'>(...inKeyLidar));
    near(u, width / 2 + (focal * 2) / 10, 'u');
    near(v, height / 2, 'v');
    near(depth, 10, 'depth');
    // The key frame's own matrix sees the same global point elsewhere: the ego turned in between.
    const key = projectPoint(frames.cameras[0][0].keyLidarToImage, vec3<'lidar'>(...inKeyLidar));
    assert.ok(Math.abs(key.u - u) > 1 || Math.abs(key.depth - depth) > 0.1);
  });

  it('carries camera->ego and ego->global from the records', () => {
    const [front] = sampleFrames(nusc, sampleToken('scene-0061', 2)).cameras[0];
    assert.deepEqual([...front.sensorToEgo.translation], CAMERA_TRANSLATION);
    assert.deepEqual([...front.egoToGlobal.translation], [104, 201, 0]);
    assert.deepEqual([...front.intrinsics], [focal, 0, width / 2, 0, focal, height / 2, 0, 0, 1]);
    const lidar = lidarFrame(nusc, sampleToken('scene-0061', 2));
    assert.deepEqual([...lidar.sensorToEgo.translation], LIDAR_TRANSLATION);
  });

  it('reads LIDAR_TOP points as float32 x, y, z, intensity, ring in the lidar frame', async () => {
    const points = await readLidarPoints(lidarFrame(nusc, sampleToken('scene-0061', 0)).path);
    assert.equal(points.count, DEFAULT_SPEC.lidarPoints.length);
    assert.deepEqual([...points.data], DEFAULT_SPEC.lidarPoints.flat().map(Math.fround));
  });

  it('names a .pcd.bin whose size is not a whole number of points', async () => {
    const path = join(dir.path, 'bad.pcd.bin');
    await writeFile(path, Buffer.alloc(42));
    await assert.rejects(readLidarPoints(path), /bad\.pcd\.bin: 42 bytes is not a whole number of points/);
    await assert.rejects(
      readLidarPoints(join(dir.path, 'none.pcd.bin')),
      /none\.pcd\.bin: cannot read lidar points: file not found/,
    );
  });
});
