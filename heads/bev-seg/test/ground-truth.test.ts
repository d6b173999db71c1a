import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type BevGrid,
  bevSegmentationMasks,
  generateSynthDataset,
  lidarFrame,
  type MapExpansion,
  type Mat4,
  mat4ApplyHomogeneous,
  mat4Chain,
  mat4Inverse,
  NuScenes,
  vec3,
} from '@mim4d/dataset';
import { type BevAugmentation, bevMatrix, type LidarPose, lidarPose, SampleMaps } from '@mim4d/finetune';
import { loadKeyFrame } from '@mim4d/pretrain';
import { augmentedGroundTruthMasks, maskTargets } from '../src/data/ground-truth.ts';

const GRID: BevGrid = { xBound: [-23, 23, 1], yBound: [-23, 23, 1] };
/** A fine raster around the lidar that every augmented grid cell falls inside. */
const FINE: BevGrid = { xBound: [-40, 40, 0.25], yBound: [-40, 40, 0.25] };

interface Case {
  map: MapExpansion;
  egoToGlobal: Mat4<'ego', 'global'>;
  pose: LidarPose;
  /** float64 lidar -> global */
  lidarToGlobal: Mat4<'lidar', 'global'>;
}

describe('BEV-seg ground truth', function () {
  this.timeout(60_000);
  let dir: string;
  const cases: Case[] = [];
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bevseg-gt-'));
    const out = path.join(dir, 'data');
    await generateSynthDataset(
      { out, scenes: 2, samples: 2, sweeps: 0, lidarSweeps: 0, width: 96, height: 54, seed: 3 },
      { workers: 1 },
    );
    const nusc = await NuScenes.open(out, 'v1.0-mini');
    const maps = new SampleMaps(nusc);
    for (const { token } of nusc.tables.sample) {
      const { frame } = await loadKeyFrame(nusc, token, { cameras: 1, imageHeight: 32, imageWidth: 48 });
      const lidar = lidarFrame(nusc, token);
      cases.push({
        map: await maps.of(token),
        egoToGlobal: frame.egoToGlobal,
        pose: lidarPose(nusc, token, frame.egoToGlobal),
        lidarToGlobal: lidar.sensorToEgo.andThen(lidar.egoToGlobal).toMatrix(),
      });
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('places the lidar 0.944 m ahead of the frame ego, turned by -90°, as the synthetic rig mounts it', () => {
    for (const { pose } of cases) {
      const m = pose.lidarToEgo;
      assert.ok(Math.abs(m[3] - 0.944) < 1e-3 && Math.abs(m[7]) < 1e-3, `origin (${m[3]}, ${m[7]})`);
      assert.ok(Math.abs(m[0]) < 1e-6 && Math.abs(m[1] - 1) < 1e-6 && Math.abs(m[4] + 1) < 1e-6);
    }
  });

  it('is the rasteriser’s masks at the lidar pose when the augmentation is the identity', () => {
    for (const c of cases) {
      const masks = augmentedGroundTruthMasks(
        c.map,
        c.egoToGlobal,
        c.pose.lidarToEgo,
        { angle: 0, scale: 1 },
        GRID,
      );
      const want = bevSegmentationMasks(c.map, c.lidarToGlobal, GRID);
      assert.deepEqual([masks.sizeX, masks.sizeY], [46, 46]);
      assert.deepEqual(masks.data, want.data);
      assert.ok(
        masks.data.some((v) => v === 1),
        'the masks are not empty',
      );
    }
  });

  it('shows, at each cell, the map where the augmented cell came from: turned, scaled, moved and mirrored', () => {
    const augs: BevAugmentation[] = [
      { angle: 0.6, scale: 1.1 },
      { angle: -0.7, scale: 0.9, translation: [0.8, -0.5, 0.3] },
      { angle: 0.3, scale: 1.05, flipY: true },
      { angle: -0.2, scale: 0.9, translation: [-0.4, 0.6, 0], flipX: true },
      { angle: 0.5, scale: 1.1, flipX: true, flipY: true },
    ];
    // Polygon classes only: a divider is 2 pixels wide at either resolution, so its width differs.
    const polygonClasses = [0, 1, 2, 3, 4];
    const side = 320;
    for (const c of cases) {
      const fine = bevSegmentationMasks(c.map, c.lidarToGlobal, FINE);
      const globalToLidar = mat4Inverse(c.lidarToGlobal);
      /** The fine raster's value around a lidar point, or null on a border (within 1 m of another value). */
      const settled = (cls: number, x: number, y: number): number | null => {
        const [fi, fj] = [Math.round((x + 40) / 0.25), Math.round((y + 40) / 0.25)];
        const v = fine.data[(cls * side + fi) * side + fj];
        for (let di = -4; di <= 4; di++) {
          for (let dj = -4; dj <= 4; dj++) {
            if (fine.data[(cls * side + fi + di) * side + fj + dj] !== v) return null;
          }
        }
        return v;
      };
      for (const aug of augs) {
        const masks = augmentedGroundTruthMasks(c.map, c.egoToGlobal, c.pose.lidarToEgo, aug, GRID);
        // Where output cell (i, j) shows the scene: the point the rasteriser's pixel stands for (its corner) ->
        // frame ego -> undo A -> global -> lidar.
        const toLidar = mat4Chain(
          mat4Chain(mat4Chain(c.pose.lidarToEgo, mat4Inverse(bevMatrix(aug))), c.egoToGlobal),
          globalToLidar,
        );
        let [checked, wrong] = [0, 0];
        for (let i = 0; i < 46; i++) {
          for (let j = 0; j < 46; j++) {
            const [x, y] = mat4ApplyHomogeneous(toLidar, vec3<'lidar'>(-23 + i, -23 + j, 0));
            for (const cls of polygonClasses) {
              const want = settled(cls, x, y);
              if (want === null) continue;
              checked++;
              if (masks.data[(cls * 46 + i) * 46 + j] !== want) wrong++;
            }
          }
        }
        assert.ok(checked > 9000, `${checked} cells away from borders`);
        // Vertices rounded to whole pixels move an edge by up to half a (1 / s m) pixel; a patch of the wrong side
        // (upstream's bug B1) disagrees on 0.4 % of these cells at s = 1.1, an unmirrored flip on 10 %.
        assert.ok(
          wrong / checked < 0.002,
          `${JSON.stringify(aug)}: ${wrong} of ${checked} cells away from borders differ`,
        );
      }
    }
  });

  it('lays the masks out as the logits: row i·46 + j, one column per class', () => {
    const c = cases[0];
    const masks = bevSegmentationMasks(c.map, c.lidarToGlobal, GRID);
    const targets = maskTargets(masks);
    assert.equal(targets.length, 46 * 46 * 6);
    for (const [cls, i, j] of [
      [0, 3, 40],
      [5, 20, 7],
      [2, 45, 0],
    ]) {
      assert.equal(targets[(i * 46 + j) * 6 + cls], masks.data[(cls * 46 + i) * 46 + j]);
    }
  });
});
