import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend, tf } from '@mim4d/nn';
import * as ort from 'onnxruntime-node';
import { loadConfig } from '../src/config/index.ts';
import { exportRun } from '../src/export/export-run.ts';
import { imageBackboneOnnx } from '../src/export/image-backbone-onnx.ts';
import { PatchMask } from '../src/model/masking.ts';
import { Mim4dModel } from '../src/model/mim4d.ts';
import { pretrain } from '../src/train/trainer.ts';
import { toyScene } from './helpers/toy-scene.ts';

describe('image backbone ONNX export', () => {
  before(async () => {
    await initBackend();
  });

  it('matches the TensorFlow.js forward in onnxruntime (relative error < 1e-4)', async () => {
    const config = loadConfig('micro');
    const model = new Mim4dModel(config);
    // Random, not initial, layer scales so every ConvNeXt branch matters in the comparison.
    for (const [name, v] of model.params.trainable()) {
      if (name.endsWith('.gamma')) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 3));
    }
    const { imageHeight: H, imageWidth: W } = config.input;
    const n = 3;
    const images = tf.randomUniform([n, H, W, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
    const expected = tf.tidy(() => {
      const { mean, std } = config.input;
      const x = tf.div(tf.sub(images, tf.tensor1d(mean)), tf.tensor1d(std)) as tf.Tensor4D;
      const levels = model.neck.apply(
        model.encoder.apply(x, PatchMask.none(n, H, W, config.mask.patchSize), null),
      );
      return [...levels, ...model.depthHead.apply(levels)].map((t) => tf.keep(t));
    });
    const session = await ort.InferenceSession.create(imageBackboneOnnx(model).toBytes());
    const out = await session.run({
      images: new ort.Tensor('float32', images.dataSync() as Float32Array, [n, H, W, 3]),
    });
    const names = [
      ...model.levelSizes().map((_, l) => `features_l${l}`),
      ...model.levelSizes().map((_, l) => `depth_l${l}`),
    ];
    names.forEach((name, i) => {
      const got = out[name].data as Float32Array;
      const want = expected[i].dataSync();
      assert.deepEqual([...out[name].dims], expected[i].shape, `${name} shape`);
      let diff = 0;
      let scale = 1e-6;
      want.forEach((v, j) => {
        diff = Math.max(diff, Math.abs(got[j] - v));
        scale = Math.max(scale, Math.abs(v));
      });
      assert.ok(diff / scale < 1e-4, `${name}: max relative error ${diff / scale}`);
    });
    tf.dispose(expected);
    model.dispose();
  });

  it('exports a run: the ONNX file and a card declaring exactly its inputs and outputs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mim4d-export-'));
    try {
      const config = loadConfig('micro');
      const sample = toyScene(config);
      (
        await pretrain({ config, steps: 1, outDir: dir, train: { count: 1, get: () => sample } })
      ).model.dispose();
      assert.throws(() => exportRun(dir, 'HEAD'), /not a git commit id/);
      const out = exportRun(dir, 'abc1234');
      const card = JSON.parse(readFileSync(out.card, 'utf8'));
      const session = await ort.InferenceSession.create(readFileSync(out.onnx));
      const io = card.artifacts[0].io;
      assert.deepEqual(
        io.inputs.map((t: { name: string }) => t.name),
        session.inputNames,
      );
      assert.deepEqual(
        io.outputs.map((t: { name: string }) => t.name),
        session.outputNames,
      );
      assert.equal(card.training.steps, 1);
      assert.deepEqual(card.preprocessing.images.resizePx, [
        config.input.imageHeight,
        config.input.imageWidth,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
