import assert from 'node:assert/strict';
import { mat4 } from '@mim4d/dataset';
import { lidarCells, lidarGridSampler } from '@mim4d/finetune';
import { applyFixedSampler, initBackend, SeededRandom, tf } from '@mim4d/nn';
import { toyScene } from '@mim4d/pretrain/testing';
import { loadBevSegConfig } from '../src/config.ts';
import { BevSegmenter } from '../src/model/bev-segmenter.ts';

/** The synthetic rig's LIDAR_TOP: yaw -90° about ego z, 0.944 m ahead and 1.84 m up. */
const LIDAR_TO_EGO = mat4<'lidar', 'ego'>([0, 1, 0, 0.944, -1, 0, 0, 0, 0, 0, 1, 1.84, 0, 0, 0, 1]);

describe('BEV segmenter (micro config)', () => {
  const config = loadBevSegConfig('micro');
  const scene = toyScene(config.backbone);
  const { cameras: N, imageHeight: H, imageWidth: W } = config.backbone.input;
  const images = scene.images.subarray(0, N * H * W * 3);
  let model: BevSegmenter;
  before(async () => {
    await initBackend();
    model = new BevSegmenter(config);
  });
  after(() => model.dispose());

  it('gives one logit per class for every cell of the lidar-frame grid', () => {
    tf.tidy(() => {
      const logits = model.forward(images, scene.frames[0], LIDAR_TO_EGO, null);
      assert.deepEqual(logits.shape, [9 * 9, 6]);
      assert.ok((logits.dataSync() as Float32Array).every(Number.isFinite));
    });
  });

  it('is deterministic in evaluation, and its training pass differs (batch statistics)', () => {
    const run = (rng: SeededRandom | null) =>
      tf.tidy(() => model.forward(images, scene.frames[0], LIDAR_TO_EGO, rng).dataSync() as Float32Array);
    assert.deepEqual(run(null), run(null));
    assert.notDeepEqual(run(new SeededRandom(1)), run(null));
  });

  it('passes a gradient to every parameter from a loss on the logits', () => {
    const trainable = model.params.trainable();
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.sigmoid(model.forward(images, scene.frames[0], LIDAR_TO_EGO, new SeededRandom(0)))),
      [...trainable.values()],
    );
    const byVar = new Map([...trainable].map(([name, v]) => [v.name, name]));
    const silent = Object.entries(grads)
      .filter(([, g]) => tf.any(tf.notEqual(g, 0)).dataSync()[0] === 0)
      .map(([v]) => byVar.get(v)!);
    tf.dispose(Object.values(grads));
    // The mask token only acts on masked patches, which fine-tuning never has.
    assert.deepEqual(
      silent.filter((name) => !name.includes('mask_token')),
      [],
    );
    for (const name of [
      'img_backbone.stem.conv.weight',
      'depth_net.level0.weight',
      'encoders.camera.vtransform.bridge.0.weight',
      'encoders.camera.vtransform.downsample.6.weight',
      'decoder.backbone.0.0.downsample.0.weight',
      'decoder.backbone.2.0.conv2.weight',
      'decoder.neck.fuse.3.weight',
      'decoder.neck.upsample.1.weight',
      'heads.map.classifier.4.weight',
      'heads.map.classifier.6.bias',
    ]) {
      assert.ok(trainable.has(name), `${name} is a parameter`);
    }
  });
});

describe('lidar grid transform', () => {
  before(async () => {
    await initBackend();
  });

  it('reads the ego-frame BEV at each lidar cell centre carried through lidar_to_ego', () => {
    // An 8 x 8 BEV of 3.2 m voxels from -12.8 m holding each cell's ego (x, y): bilinear sampling reproduces a
    // linear field exactly, so every output cell must read its own centre's ego coordinates.
    const bev = { x: 8, y: 8, min: [-12.8, -12.8], size: [3.2, 3.2] };
    const table: number[] = [];
    for (let iy = 0; iy < 8; iy++)
      for (let ix = 0; ix < 8; ix++) table.push(-12.8 + 3.2 * ix, -12.8 + 3.2 * iy);
    const cells = lidarCells([-9, 9, 2], [-9, 9, 2]);
    const read = tf.tidy(
      () =>
        applyFixedSampler(
          tf.tensor2d(table, [64, 2]),
          lidarGridSampler(LIDAR_TO_EGO, cells, bev),
        ).arraySync() as [number, number][],
    );
    assert.equal(read.length, 81);
    read.forEach(([ex, ey], r) => {
      const [i, j] = [Math.floor(r / 9), r % 9];
      const [lx, ly] = [-8 + 2 * i, -8 + 2 * j];
      // Lidar x is ego -y and lidar y is ego x, 0.944 m ahead.
      assert.ok(
        Math.abs(ex - (ly + 0.944)) < 1e-4 && Math.abs(ey + lx) < 1e-4,
        `cell (${i}, ${j}): ${ex}, ${ey}`,
      );
    });
  });

  it('reads zeros outside the volume', () => {
    const bev = { x: 4, y: 4, min: [0, 0], size: [1, 1] };
    const cells = lidarCells([10, 12, 1], [10, 12, 1]);
    const identity = mat4<'lidar', 'ego'>([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const out = tf.tidy(() =>
      applyFixedSampler(tf.ones([16, 3]), lidarGridSampler(identity, cells, bev)).dataSync(),
    );
    assert.ok(out.every((v) => v === 0));
  });
});
