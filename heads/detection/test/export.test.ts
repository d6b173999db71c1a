import assert from 'node:assert/strict';
import { initBackend, SeededRandom, tf } from '@mim4d/nn';
import { relativeError } from '@mim4d/nn/testing';
import { toyScene } from '@mim4d/pretrain/testing';
import * as ort from 'onnxruntime-node';
import { loadDetectionConfig } from '../src/config.ts';
import { detectorContract, detectorOnnx } from '../src/export/detector-onnx.ts';
import { UvtrDetector } from '../src/model/detector.ts';
import { detectorOutputs } from '../src/model/outputs.ts';

describe('detector ONNX export', () => {
  before(async () => {
    await initBackend();
  });

  it('matches the TensorFlow.js evaluation forward in onnxruntime for a batch of two samples (relative error < 1e-4)', async () => {
    const config = loadDetectionConfig('micro');
    const model = new UvtrDetector(config);
    const { cameras: N, imageHeight: H, imageWidth: W } = config.backbone.input;
    const samples = [toyScene(config.backbone, 1.5, 'a'), toyScene(config.backbone, 3, 'b')];
    const images = samples.map((s) => s.images.slice(0, N * H * W * 3));
    // A second sample with darker images and a shifted pose, so the batch rows differ.
    images[1] = images[1].map((v) => v * 0.6);
    // BatchNorm running statistics of the volumes these images give (as training leaves them), so the normalised
    // volume varies with the input; plus a gate and references spread out, so every voxel and layer matters.
    for (let i = 0; i < 40; i++) {
      tf.tidy(() => {
        model.forward(images[i % 2], samples[i % 2].frames[0], new SeededRandom(i));
      });
    }
    for (const layer of model.head.layers) {
      layer.cross.gate.weight.assign(tf.randomNormal(layer.cross.gate.weight.shape, 0, 0.5, 'float32', 6));
    }
    model.head.referencePoints.weight.assign(
      tf.randomNormal(model.head.referencePoints.weight.shape, 0, 2, 'float32', 7),
    );
    const expected = samples.map((s, i) =>
      tf.tidy(() => {
        const out = detectorOutputs(model.forward(images[i], s.frames[0], null).at(-1)!);
        return [out.scores.dataSync() as Float32Array, out.boxes.dataSync() as Float32Array];
      }),
    );
    assert.ok(relativeError(expected[0][1], expected[1][1]) > 1e-3, 'the two samples give different boxes');
    // toBytes runs our ONNX checker and refuses a graph that fails it.
    const bytes = detectorOnnx(model).toBytes();
    const session = await ort.InferenceSession.create(bytes);
    const { outputs } = detectorContract(model);
    assert.deepEqual(
      session.outputNames,
      outputs.map((o) => o.name),
    );
    const batchImages = new Float32Array(2 * N * H * W * 3);
    images.forEach((im, i) => {
      batchImages.set(im, i * im.length);
    });
    const matrices = samples.flatMap((s) => s.frames[0].cameras.flatMap((c) => [...c.egoToImage]));
    const out = await session.run({
      images: new ort.Tensor('float32', batchImages, [2, N, H, W, 3]),
      ego_to_image: new ort.Tensor('float32', Float32Array.from(matrices), [2, N, 4, 4]),
    });
    const Q = config.head.queries;
    outputs.forEach((o, k) => {
      assert.deepEqual([...out[o.name].dims], [2, Q, 10], `${o.name} shape`);
      const got = out[o.name].data as Float32Array;
      for (let b = 0; b < 2; b++) {
        const error = relativeError(got.subarray(b * Q * 10, (b + 1) * Q * 10), expected[b][k]);
        assert.ok(error < 1e-4, `${o.name}[${b}]: max relative error ${error}`);
      }
    });
    model.dispose();
  });
});
