import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mat4, mat4Chain, mat4Inverse } from '@mim4d/dataset';
import { initBackend, readSafetensors, SeededRandom, tf } from '@mim4d/nn';
import { relativeError } from '@mim4d/nn/testing';
import * as ort from 'onnxruntime-node';
import { loadConfig, type Mim4dConfig } from '../src/config/index.ts';
import { backboneContract, backboneOnnx } from '../src/export/backbone-onnx.ts';
import { exportRun } from '../src/export/export-run.ts';
import { Mim4dModel } from '../src/model/mim4d.ts';
import type { Mim4dSample } from '../src/model/sample.ts';
import { loadCheckpoint } from '../src/train/checkpoint.ts';
import { pretrain } from '../src/train/trainer.ts';
import { toyScene } from './helpers/toy-scene.ts';

/**
 * Random images and a ring of cameras with jittered yaw, pitch, height, focal length and principal point, their
 * matrices rounded to float32 (the precision of the ONNX input), so voxels land near every image border.
 */
function randomViews(config: Mim4dConfig, seed: number): Mim4dSample {
  const { frames: T, cameras: N, imageHeight: H, imageWidth: W } = config.input;
  const rng = new SeededRandom(seed);
  const jitter = (scale: number) => (rng.next() - 0.5) * scale;
  const frames = Array.from({ length: T }, () => ({
    egoToGlobal: mat4<'ego', 'global'>([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
    cameras: Array.from({ length: N }, (_, c) => {
      const yaw = (2 * Math.PI * c) / N + jitter(1);
      const pitch = jitter(0.4);
      const [cy, sy, cp, sp] = [Math.cos(yaw), Math.sin(yaw), Math.cos(pitch), Math.sin(pitch)];
      // Camera axes (x right, y down, z forward) in ego coordinates, forward tilted by the pitch.
      const right = [sy, -cy, 0];
      const down = [-sp * cy, -sp * sy, -cp];
      const fwd = [cp * cy, cp * sy, -sp];
      const cameraToEgo = mat4<'camera', 'ego'>([
        ...[right[0], down[0], fwd[0], jitter(2)],
        ...[right[1], down[1], fwd[1], jitter(2)],
        ...[right[2], down[2], fwd[2], 0.5 + jitter(2)],
        ...[0, 0, 0, 1],
      ]);
      const f = W * (0.3 + 0.3 * rng.next());
      const intrinsics = mat4<'camera', 'image'>([
        ...[f, 0, W / 2 + jitter(4), 0],
        ...[0, f, H / 2 + jitter(4), 0],
        ...[0, 0, 1, 0],
        ...[0, 0, 0, 1],
      ]);
      const egoToImage = mat4<'ego', 'image'>(
        Float32Array.from(mat4Chain(mat4Inverse(cameraToEgo), intrinsics)),
      );
      return { egoToImage, cameraToEgo };
    }),
  }));
  const images = Float32Array.from({ length: T * N * H * W * 3 }, () => rng.next());
  return { images, frames, points: Float32Array.of(5, 0, 0), id: `random-views-${seed}` };
}

describe('backbone ONNX export', () => {
  before(async () => {
    await initBackend();
  });

  it('matches the TensorFlow.js encoder path in onnxruntime (max |a-b| / max |b| < 1e-4 per output)', async () => {
    // Depth bins from 2 m to 14 m, so the voxel grid (out to 18 m) crosses both depth limits. With six cameras
    // and views seed 8, voxels land within half a pixel of every image border and half a metre of both depth limits:
    // moving any one of those six bounds by that much in the graph fails this test.
    const micro = loadConfig('micro');
    const config: Mim4dConfig = {
      ...micro,
      input: { ...micro.input, cameras: 6 },
      depth: { bins: 8, min: 2, step: 1.5 },
    };
    const model = new Mim4dModel(config);
    // Random layer scales and BatchNorm statistics, so every ConvNeXt branch and the BatchNorm matter.
    for (const [name, v] of model.params.trainable()) {
      if (name.endsWith('.gamma')) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 3));
    }
    const bn = model.renderConv.bn;
    bn.runningMean.assign(tf.randomNormal(bn.runningMean.shape, 0, 0.1, 'float32', 4));
    bn.runningVar.assign(tf.randomUniform(bn.runningVar.shape, 0.5, 2, 'float32', 5));
    bn.gamma.assign(tf.randomUniform(bn.gamma.shape, 0.5, 1.5, 'float32', 6));
    const { frames: T, cameras: N, imageHeight: H, imageWidth: W } = config.input;
    const sample = randomViews(config, 8);
    const plan = model.encodingPlan(sample, null);
    const expected = tf.tidy(() => {
      const { volumes, depth } = model.lift(sample, plan, null);
      return [model.renderConv.apply(volumes, false), volumes, ...depth].map((t) => tf.keep(t));
    });
    // The comparison is only worth something if the cameras see the voxels.
    assert.ok(
      plan.lift.every((levels) => levels.every((l) => l.voxel.length > 0)),
      'some level lifts nothing',
    );

    const session = await ort.InferenceSession.create(backboneOnnx(model).toBytes());
    const cameras = sample.frames.flatMap((f) => f.cameras.flatMap((c) => [...c.egoToImage]));
    const out = await session.run({
      images: new ort.Tensor('float32', sample.images, [T, N, H, W, 3]),
      ego_to_image: new ort.Tensor('float32', Float32Array.from(cameras), [T, N, 4, 4]),
    });
    const { outputs } = backboneContract(model);
    assert.deepEqual(
      session.outputNames,
      outputs.map((o) => o.name),
    );
    outputs.forEach((o, i) => {
      const want = expected[i];
      // depth_l{i} is [batch, N, h, w, bins] where tfjs holds [T * N, h, w, bins].
      const shape = i < 2 ? want.shape : [T, N, ...want.shape.slice(1)];
      assert.deepEqual([...out[o.name].dims], shape, `${o.name} shape`);
      const error = relativeError(out[o.name].data as Float32Array, want.dataSync() as Float32Array);
      assert.ok(error < 1e-4, `${o.name}: max relative error ${error}`);
    });
    tf.dispose(expected);
    model.dispose();
  });

  it('exports a run: backbone.onnx and a card declaring exactly its inputs and outputs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mim4d-export-'));
    try {
      const config = loadConfig('micro');
      const sample = toyScene(config);
      (
        await pretrain({ config, steps: 1, outDir: dir, train: { count: 1, get: () => sample } })
      ).model.dispose();
      assert.throws(() => exportRun(dir, 'HEAD'), /not a git commit id/);
      const out = exportRun(dir, 'abc1234');
      assert.equal(path.basename(out.onnx), 'backbone.onnx');
      const card = JSON.parse(readFileSync(out.card, 'utf8'));
      const session = await ort.InferenceSession.create(readFileSync(out.onnx));
      const io = card.artifacts[0].io;
      // What the zoo checks on publish: names in order, dtypes and every dimension as the graph declares them.
      const spec = (m: ort.InferenceSession.ValueMetadata) =>
        m.isTensor ? { name: m.name, dtype: m.type, shape: [...m.shape] } : { name: m.name };
      assert.deepEqual(io.inputs, session.inputMetadata.map(spec));
      assert.deepEqual(io.outputs, session.outputMetadata.map(spec));
      assert.deepEqual(io.inputs[1].shape, ['batch', config.input.cameras, 4, 4]);
      assert.equal(card.training.steps, 1);
      assert.deepEqual(card.preprocessing.images.resizePx, [
        config.input.imageHeight,
        config.input.imageWidth,
      ]);
      assert.deepEqual(card.artifacts[1], {
        path: 'backbone.safetensors',
        format: 'safetensors',
        role: 'backbone-weights',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports the backbone weights: every parameter and BatchNorm statistic under its checkpoint name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mim4d-export-'));
    try {
      const config = loadConfig('micro');
      const sample = toyScene(config);
      (
        await pretrain({ config, steps: 2, outDir: dir, train: { count: 1, get: () => sample } })
      ).model.dispose();
      const out = exportRun(dir, 'abc1234');
      assert.equal(path.basename(out.weights), 'backbone.safetensors');
      const { tensors, metadata } = readSafetensors(readFileSync(out.weights), out.weights);
      const ckpt = loadCheckpoint(dir);
      const backbone = [...ckpt.params.keys()].filter((n) =>
        ['img_backbone.', 'img_neck.', 'depth_net.', 'render_conv.'].some((p) => n.startsWith(p)),
      );
      assert.deepEqual([...tensors.keys()].sort(), backbone.sort());
      // Trained for two steps, so the running statistics are no longer their initial zeros and ones.
      const runningMean = backbone.find((n) => n.endsWith('.running_mean'));
      assert.ok(runningMean, 'the backbone has a BatchNorm');
      assert.ok(ckpt.params.get(runningMean)!.data.some((v) => v !== 0));
      for (const name of backbone) {
        const want = ckpt.params.get(name)!;
        assert.deepEqual(tensors.get(name), { shape: want.shape, dtype: 'F32', data: want.data }, name);
      }
      assert.ok(![...tensors.keys()].some((n) => /^(history_decoder|field)\./.test(n)));
      assert.deepEqual(metadata, { format: 'mim4d-backbone/1', config: JSON.stringify(config), step: '2' });
      assert.deepEqual(JSON.parse(metadata.config), ckpt.meta.config);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
