import assert from 'node:assert/strict';
import { initBackend, SeededRandom, tf } from '@mim4d/nn';
import { toyScene } from '@mim4d/pretrain/testing';
import { DETECTION_HEAD_CLASSES } from '../src/classes.ts';
import { loadDetectionConfig } from '../src/config.ts';
import { UvtrDetector } from '../src/model/detector.ts';

describe('UVTR detector (micro config)', () => {
  const config = loadDetectionConfig('micro');
  const scene = toyScene(config.backbone);
  const { cameras: N, imageHeight: H, imageWidth: W } = config.backbone.input;
  const images = scene.images.subarray(0, N * H * W * 3);
  let model: UvtrDetector;
  before(async () => {
    await initBackend();
    model = new UvtrDetector(config);
  });
  after(() => model.dispose());

  it('predicts every decoder layer: class logits and box codes with centres inside the box range', () => {
    tf.tidy(() => {
      const layers = model.forward(images, scene.frames[0], null);
      assert.equal(layers.length, config.head.layers);
      const [x0, y0, z0, x1, y1, z1] = config.backbone.grid.pcRange;
      for (const { logits, code } of layers) {
        assert.deepEqual(logits.shape, [config.head.queries, DETECTION_HEAD_CLASSES.length]);
        assert.deepEqual(code.shape, [config.head.queries, 10]);
        const c = code.arraySync();
        for (const row of c) {
          assert.ok(
            row[0] > x0 && row[0] < x1 && row[1] > y0 && row[1] < y1 && row[4] > z0 && row[4] < z1,
            `${row}`,
          );
        }
      }
      // The classifier starts at the focal prior 0.01 (bias -log 99) before training.
      const p = tf.mean(tf.sigmoid(layers[0].logits)).dataSync()[0];
      assert.ok(p > 0.002 && p < 0.05, `mean initial probability ${p}`);
    });
  });

  it('is deterministic in evaluation and stochastic (dropout) in training', () => {
    const run = (rng: SeededRandom | null) =>
      tf.tidy(() => model.forward(images, scene.frames[0], rng).at(-1)!.logits.dataSync() as Float32Array);
    assert.deepEqual(run(null), run(null));
    assert.notDeepEqual(run(new SeededRandom(1)), run(new SeededRandom(2)));
    assert.deepEqual(run(new SeededRandom(1)), run(new SeededRandom(1)));
  });

  it('passes a gradient to the head, the voxel convs and the backbone from a loss on the last layer', () => {
    const trainable = model.params.trainable();
    const { grads } = tf.variableGrads(() => {
      const last = model.forward(images, scene.frames[0], new SeededRandom(0)).at(-1)!;
      return tf.add(tf.sum(tf.sigmoid(last.logits)), tf.sum(tf.abs(last.code))) as tf.Scalar;
    }, [...trainable.values()]);
    const byVar = new Map([...trainable].map(([name, v]) => [v.name, name]));
    const reached = new Set(
      Object.entries(grads)
        .filter(([, g]) => tf.any(tf.notEqual(g, 0)).dataSync()[0] === 1)
        .map(([v]) => byVar.get(v)!),
    );
    tf.dispose(Object.values(grads));
    for (const name of [
      'img_backbone.stem.conv.weight',
      'depth_net.level0.weight',
      'view_trans.conv_layer.0.conv.weight',
      'pts_bbox_head.query_embedding.weight',
      'pts_bbox_head.transformer.reference_points.weight',
      `pts_bbox_head.cls_branches.${config.head.layers - 1}.6.weight`,
      `pts_bbox_head.reg_branches.${config.head.layers - 1}.4.weight`,
    ]) {
      assert.ok(trainable.has(name), `${name} is a parameter`);
      assert.ok(reached.has(name), `${name} receives a gradient`);
    }
  });
});
