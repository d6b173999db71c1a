import assert from 'node:assert/strict';
import { mat4 } from '@mim4d/dataset';
import { applyFixedSampler, initBackend, SeededRandom, tf } from '@mim4d/nn';
import { loadConfig } from '../src/config/index.ts';
import { egoWarpSampler, targetToSource } from '../src/model/ego-warp.ts';
import { PatchMask } from '../src/model/masking.ts';
import { Mim4dModel, totalLoss } from '../src/model/mim4d.ts';
import { VoxelGrid } from '../src/model/voxel-grid.ts';
import { toyScene } from './helpers/toy-scene.ts';

describe('MIM4D model (micro config)', () => {
  const config = loadConfig('micro');
  let model: Mim4dModel;
  before(async () => {
    await initBackend();
    model = new Mim4dModel(config);
  });
  after(() => model.dispose());

  it('produces the documented shape at every stage', () => {
    const sample = toyScene(config);
    const plan = model.plan(sample, new SeededRandom(3));
    const { frames: T, cameras: N, imageHeight: H, imageWidth: W } = config.input;
    tf.tidy(() => {
      const images = tf.tensor4d(sample.images, [T * N, H, W, 3]);
      const stages = model.backbone.encoder.apply(images, plan.mask, null);
      assert.deepEqual(stages.get(1)!.shape, [T * N, H / 8, W / 8, 16]);
      assert.deepEqual(stages.get(2)!.shape, [T * N, H / 16, W / 16, 16]);
      const levels = model.backbone.neck.apply(stages);
      assert.deepEqual(
        levels.map((l) => l.shape),
        [
          [T * N, H / 8, W / 8, config.neck.channels],
          [T * N, H / 16, W / 16, config.neck.channels],
        ],
      );
      const depth = model.backbone.depthHead.apply(levels);
      assert.deepEqual(depth[0].shape, [T * N, H / 8, W / 8, config.depth.bins]);
      const sums = tf.sum(depth[0], 3).dataSync();
      for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5, 'depth bins are a distribution');
      const { x, y, z } = model.grid;
      const volumes = model.encode(sample, plan, true, null);
      assert.deepEqual(volumes.shape, [T, z, y, x, config.volume.channels]);
      assert.deepEqual(model.reconstruct(volumes, plan, 0).shape, [z, y, x, config.volume.channels]);
    });
    assert.equal(plan.targets[0], 0);
    assert.ok(plan.targets[1] >= 1 && plan.targets[1] < T);
    assert.ok(plan.rays.every((r) => r.count > 0 && r.count <= N * config.render.raysPerCamera));
  });

  it('keeps masked patches exactly zero through the sparse encoder while visible ones carry features', () => {
    const { frames: T, cameras: N, imageHeight: H, imageWidth: W, mean, std } = config.input;
    const mask = PatchMask.random(new SeededRandom(11), T * N, H, W, config.mask.patchSize, 0.5);
    tf.tidy(() => {
      const noise = tf.randomUniform([T * N, H, W, 3], 0, 1, 'float32', 5);
      const input = tf.mul(tf.div(tf.sub(noise, mean), std), mask.atStride(1)) as tf.Tensor4D;
      for (const [stage, out] of model.backbone.encoder.apply(input, mask, null)) {
        const keep = mask.atStride(model.backbone.encoder.stride(stage));
        const masked = tf.sum(tf.abs(tf.mul(out, tf.sub(1, keep)))).dataSync()[0];
        const visible = tf.sum(tf.abs(tf.mul(out, keep))).dataSync()[0];
        assert.equal(masked, 0, `stage ${stage} leaks into masked patches`);
        assert.ok(visible > 0, `stage ${stage} is empty where patches are visible`);
      }
    });
  });

  it('warps volumes by metric ego motion (index -> metres -> index), not by raw indices', () => {
    const grid = new VoxelGrid(config);
    // Target frame k: car at global (100, 50) heading +x. Source frame j: car 3.2 m further along x, turned 90 deg.
    const egoK = mat4<'ego', 'global'>([1, 0, 0, 100, 0, 1, 0, 50, 0, 0, 1, 0, 0, 0, 0, 1]);
    const egoJ = mat4<'ego', 'global'>([0, -1, 0, 103.2, 1, 0, 0, 50, 0, 0, 1, 0, 0, 0, 0, 1]);
    const sampler = egoWarpSampler(grid, targetToSource(egoK, egoJ));
    // A global point seen by both: (3.2, 6.4, 1.2) in k's ego -> global (103.2, 56.4, 1.2) -> j's ego (6.4, 0, 1.2).
    const src = new Float32Array(grid.cells);
    const [jx, jy, jz] = grid.metricToIndex(6.4, 0, 1.2).map(Math.round);
    src[grid.flatIndex(jx, jy, jz)] = 1;
    const out = Array.from(
      tf.tidy(() => applyFixedSampler(tf.tensor2d(src, [grid.cells, 1]), sampler).dataSync()),
    );
    const [kx, ky, kz] = grid.metricToIndex(3.2, 6.4, 1.2).map(Math.round);
    assert.ok(Math.abs(out[grid.flatIndex(kx, ky, kz)] - 1) < 1e-5, 'the shared point lands on its voxel');
    assert.ok(Math.abs(out.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'and nowhere else');
  });

  it('takes SDF normals as the exact gradient of the SDF (second-order autodiff, no finite differences)', () => {
    tf.tidy(() => {
      const volume = tf.randomNormal(
        [model.grid.z, model.grid.y, model.grid.x, config.volume.channels],
        0,
        1,
        'float32',
        9,
      );
      const pts = [0.13, -0.21, 0.05, -0.3, 0.27, 0.11];
      const x = tf.tensor2d(pts, [2, 3]);
      const dirs = tf.tensor2d([1, 0, 0, 0, 1, 0], [2, 3]);
      const normal = model.field.apply(volume as tf.Tensor4D, x, dirs).normal.arraySync();
      const h = 1e-3;
      for (let p = 0; p < 2; p++) {
        for (let a = 0; a < 3; a++) {
          const shifted = (d: number) => {
            const q = pts.slice();
            q[3 * p + a] += d;
            return model.field.sdf(volume as tf.Tensor4D, tf.tensor2d(q, [2, 3])).dataSync()[p];
          };
          const fd = (shifted(h) - shifted(-h)) / (2 * h);
          assert.ok(
            Math.abs(normal[p][a] - fd) < 2e-2 * Math.max(1, Math.abs(fd)),
            `point ${p} axis ${a}: ${normal[p][a]} vs ${fd}`,
          );
        }
      }
    });
  });

  it('sends a nonzero gradient to every trainable tensor', () => {
    const sample = toyScene(config);
    const rng = new SeededRandom(2);
    const plan = model.plan(sample, rng);
    const trainable = model.params.trainable();
    const { grads } = tf.variableGrads(() => {
      const l = model.losses(sample, plan, rng);
      return totalLoss(l);
    }, [...trainable.values()]);
    const missing: string[] = [];
    for (const [name, v] of trainable) {
      const g = grads[v.name];
      if (g === undefined || tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]) === 0) missing.push(name);
    }
    tf.dispose(Object.values(grads));
    assert.deepEqual(missing, []);
    assert.ok(trainable.size > 100);
  });
});
