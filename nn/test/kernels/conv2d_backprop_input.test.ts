import assert from 'node:assert/strict';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
// The backend's own kernel, as the reference ours must equal bit for bit.
import { conv2DBackpropInputConfig as backendKernel } from '@tensorflow/tfjs-backend-wasm/dist/kernels/Conv2DBackpropInput.js';
import { tf } from '../../src/index.ts';
import { randomTensor, useWasm } from './backends.ts';

type Shape4 = [number, number, number, number];
type Case = [label: string, input: Shape4, filter: Shape4, stride: number, pad: 'valid' | 'same'];

const CASES: Case[] = [
  ['3x3, stride 1, valid, 48 -> 64 channels', [1, 10, 9, 48], [3, 3, 48, 64], 1, 'valid'],
  ['2x2, stride 2, valid, a batch of 3', [3, 8, 10, 16], [2, 2, 16, 8], 2, 'valid'],
  ['3x3, stride 2, same, 20 channels (16 and 4 at a time)', [2, 9, 7, 20], [3, 3, 20, 12], 2, 'same'],
  ['5x5, stride 1, same', [1, 6, 8, 4], [5, 5, 4, 3], 1, 'same'],
];

describe('wasm Conv2DBackpropInput', () => {
  useWasm();

  for (const [label, input, filterShape, stride, pad] of CASES) {
    it(`gives the backend's kernel bit for bit: ${label}`, () => {
      const backend = tf.backend() as BackendWasm;
      backendKernel.setupFunc?.(backend);
      const outShape = tf.conv2d(
        tf.zeros(input) as tf.Tensor4D,
        tf.zeros(filterShape) as tf.Tensor4D,
        stride,
        pad,
      ).shape;
      const dy = randomTensor(outShape, 1);
      const filter = randomTensor(filterShape, 2);
      const attrs = { strides: [stride, stride], pad, dataFormat: 'NHWC', inputShape: input };
      const ours = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs) as tf.Tensor;
      const info = backendKernel.kernelFunc({
        inputs: { dy, filter },
        backend,
        attrs,
      } as never) as tf.TensorInfo;
      const reference = tf.engine().makeTensorFromTensorInfo(info);
      assert.deepStrictEqual(Array.from(ours.dataSync()), Array.from(reference.dataSync()));
      tf.dispose([dy, filter, ours, reference]);
    });
  }
});
