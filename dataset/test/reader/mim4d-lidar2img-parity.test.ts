import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { NuScenes } from '../../src/nuscenes/database.ts';
import { sampleFrames } from '../../src/nuscenes/sensor-frames.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { DEFAULT_SPEC, writeTinyDataroot } from '../helpers/tiny-dataroot.ts';

/** sample token -> camera sample_data token -> MIM4D's key-lidar -> image matrix, row-major. */
const reference = JSON.parse(
  readFileSync(new URL('./fixtures/mim4d-lidar2img-tiny.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, number[]>>;

describe("key-lidar -> image matrices match MIM4D's data pipeline", () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let nusc: NuScenes;
  before(async () => {
    dir = await makeTempDir('nusc-lidar2img');
    await writeTinyDataroot(dir.path);
    nusc = await NuScenes.open(dir.path, DEFAULT_SPEC.version);
  });
  after(() => dir.remove());

  for (const [sample, byToken] of Object.entries(reference)) {
    it(`${sample}: key frame and both previous sweeps of all six cameras`, () => {
      const cameras = sampleFrames(nusc, sample, { frames: 3 }).cameras.flat();
      assert.deepEqual([...new Set(cameras.map((c) => c.token))].sort(), Object.keys(byToken).sort());
      for (const cam of cameras) {
        const expected = byToken[cam.token];
        for (let i = 0; i < 16; i++) {
          const tol = 1e-12 * Math.max(1, Math.abs(expected[i]));
          assert.ok(
            Math.abs(cam.keyLidarToImage[i] - expected[i]) <= tol,
            `${cam.token} [${i}]: ${cam.keyLidarToImage[i]} vs MIM4D ${expected[i]}`,
          );
        }
      }
    });
  }
});
