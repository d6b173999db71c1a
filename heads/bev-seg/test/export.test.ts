import assert from 'node:assert/strict';
import { type Mat4, mat4 } from '@mim4d/dataset';
import { initBackend, SeededRandom, tf } from '@mim4d/nn';
import { relativeError } from '@mim4d/nn/testing';
import { toyScene } from '@mim4d/pretrain/testing';
import * as ort from 'onnxruntime-node';
import { loadBevSegConfig } from '../src/config.ts';
import { bevSegContract, bevSegOnnx } from '../src/export/bev-seg-onnx.ts';
import { BevSegmenter } from '../src/model/bev-segmenter.ts';

/** A lidar turned by `yaw` about the ego z axis, at (x, y, 1.84). */
function lidarToEgo(yaw: number, x: number, y: number): Mat4<'lidar', 'ego'> {
  const [c, s] = [Math.cos(yaw), Math.sin(yaw)];
  return mat4<'lidar', 'ego'>([c, -s, 0, x, s, c, 0, y, 0, 0, 1, 1.84, 0, 0, 0, 1]);
}

describe('BEV-seg ONNX export', () => {
  before(async () => {
    await initBackend();
  });

  it('matches the TensorFlow.js evaluation forward in onnxruntime for a batch of two samples (relative error < 1e-4)', async () => {
    const config = loadBevSegConfig('micro');
    const model = new BevSegmenter(config);
    const { cameras: N, imageHeight: H, imageWidth: W } = config.backbone.input;
    const samples = [toyScene(config.backbone, 1.5, 'a'), toyScene(config.backbone, 3, 'b')];
    const images = samples.map((s) => s.images.slice(0, N * H * W * 3));
    images[1] = images[1].map((v) => v * 0.6);
    // Two lidar mounts: the synthetic rig's and one turned and shifted, so the grid transform differs per row.
    const poses = [lidarToEgo(-Math.PI / 2, 0.944, 0), lidarToEgo(0.3, -1.2, 0.7)];
    // BatchNorm running statistics as training leaves them, so every folded BatchNorm matters.
    for (let i = 0; i < 30; i++) {
      tf.tidy(() => {
        model.forward(images[i % 2], samples[i % 2].frames[0], poses[i % 2], new SeededRandom(i));
      });
    }
    const { cellsX, cellsY } = model.cells;
    const expected = samples.map((s, i) =>
      tf.tidy(() => {
        const logits = model.forward(images[i], s.frames[0], poses[i], null);
        const probs = tf.transpose(tf.reshape(tf.sigmoid(logits), [cellsX, cellsY, 6]), [2, 0, 1]);
        return probs.dataSync() as Float32Array;
      }),
    );
    assert.ok(relativeError(expected[0], expected[1]) > 1e-3, 'the two samples give different maps');
    // toBytes runs our ONNX checker and refuses a graph that fails it.
    const bytes = bevSegOnnx(model).toBytes();
    const session = await ort.InferenceSession.create(bytes);
    const { inputs, outputs } = bevSegContract(model);
    assert.deepEqual(
      session.inputNames,
      inputs.map((t) => t.name),
    );
    assert.deepEqual(session.outputNames, ['probs']);
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
    assert.deepEqual([...out.probs.dims], [2, 6, cellsX, cellsY]);
    assert.deepEqual(outputs[0].shape, ['batch', 6, cellsX, cellsY]);
    const got = out.probs.data as Float32Array;
    const per = 6 * cellsX * cellsY;
    for (let b = 0; b < 2; b++) {
      const error = relativeError(got.subarray(b * per, (b + 1) * per), expected[b]);
      assert.ok(error < 1e-4, `probs[${b}]: max relative error ${error}`);
    }
    model.dispose();
  });
});
