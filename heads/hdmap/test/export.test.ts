import assert from 'node:assert/strict';
import { type Mat4, mat4 } from '@mim4d/dataset';
import { initBackend, SeededRandom, tf } from '@mim4d/nn';
import { relativeError } from '@mim4d/nn/testing';
import { toyScene } from '@mim4d/pretrain/testing';
import * as ort from 'onnxruntime-node';
import { loadHdMapConfig } from '../src/config.ts';
import { hdMapContract, hdMapOnnx } from '../src/export/hdmap-onnx.ts';
import { HdMapModel } from '../src/model/hdmap-model.ts';
import { denormalisePoints } from '../src/predict.ts';

/** A lidar turned by `yaw` about the ego z axis, at (x, y, 1.84). */
function lidarToEgo(yaw: number, x: number, y: number): Mat4<'lidar', 'ego'> {
  const [c, s] = [Math.cos(yaw), Math.sin(yaw)];
  return mat4<'lidar', 'ego'>([c, -s, 0, x, s, c, 0, y, 0, 0, 1, 1.84, 0, 0, 0, 1]);
}

describe('HD-map ONNX export', () => {
  before(async () => {
    await initBackend();
  });

  it('matches the TensorFlow.js evaluation forward in onnxruntime for a batch of two samples (relative error < 1e-4)', async () => {
    const config = loadHdMapConfig('micro');
    const model = new HdMapModel(config);
    const { cameras: N, imageHeight: H, imageWidth: W } = config.backbone.input;
    const { vectors: V, points: P } = config.head;
    const samples = [toyScene(config.backbone, 1.5, 'a'), toyScene(config.backbone, 3, 'b')];
    const images = samples.map((s) => s.images.slice(0, N * H * W * 3));
    images[1] = images[1].map((v) => v * 0.6);
    const poses = [lidarToEgo(-Math.PI / 2, 0.944, 0), lidarToEgo(0.3, -1.2, 0.7)];
    // BatchNorm running statistics as training leaves them, and offsets, attention weights and point deltas that
    // depend on the query, so every layer's sampling and refinement matters.
    for (let i = 0; i < 30; i++) {
      tf.tidy(() => {
        model.forward(images[i % 2], samples[i % 2].frames[0], poses[i % 2], new SeededRandom(i));
      });
    }
    model.head.layers.forEach((layer, l) => {
      for (const lin of [layer.cross.offsets, layer.cross.weights]) {
        lin.weight.assign(tf.randomNormal(lin.weight.shape, 0, 0.5, 'float32', 10 + l));
      }
    });
    const expected = samples.map((s, i) =>
      tf.tidy(() => {
        const last = model.forward(images[i], s.frames[0], poses[i], null).at(-1)!;
        return [
          tf.sigmoid(last.logits).dataSync() as Float32Array,
          denormalisePoints(last.pts, config.head).dataSync() as Float32Array,
        ];
      }),
    );
    assert.ok(relativeError(expected[0][1], expected[1][1]) > 1e-3, 'the two samples give different points');
    // toBytes runs our ONNX checker and refuses a graph that fails it.
    const bytes = hdMapOnnx(model).toBytes();
    const session = await ort.InferenceSession.create(bytes);
    const { inputs, outputs } = hdMapContract(model);
    assert.deepEqual(
      session.inputNames,
      inputs.map((t) => t.name),
    );
    assert.deepEqual(session.outputNames, ['scores', 'pts']);
    const batchImages = new Float32Array(2 * N * H * W * 3);
    images.forEach((im, i) => {
      batchImages.set(im, i * im.length);
    });
    const matrices = samples.flatMap((s) => s.frames[0].cameras.flatMap((c) => [...c.egoToImage]));
    const out = await session.run({
      images: new ort.Tensor('float32', batchImages, [2, N, H, W, 3]),
      ego_to_image: new ort.Tensor('float32', Float32Array.from(matrices), [2, N, 4, 4]),
      lidar_to_ego: new ort.Tensor('float32', Float32Array.from(poses.flatMap((p) => [...p])), [2, 4, 4]),
    });
    const shapes = [
      [2, V, 3],
      [2, V, P, 2],
    ];
    outputs.forEach((o, k) => {
      assert.deepEqual([...out[o.name].dims], shapes[k], `${o.name} shape`);
      const got = out[o.name].data as Float32Array;
      const per = got.length / 2;
      for (let b = 0; b < 2; b++) {
        const error = relativeError(got.subarray(b * per, (b + 1) * per), expected[b][k]);
        assert.ok(error < 1e-4, `${o.name}[${b}]: max relative error ${error}`);
      }
    });
    model.dispose();
  });
});
