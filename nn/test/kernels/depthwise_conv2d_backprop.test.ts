import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { assertWasmMatchesCpu, randomTensor, relativeError, useWasm } from './backends.ts';

type Pad = 'same' | 'valid' | number;
const CASES: { name: string; x: number[]; filter: number[]; strides: number; dilations: number; pad: Pad }[] =
  [
    {
      name: '5x5 same (ConvNeXt block)',
      x: [2, 8, 14, 6],
      filter: [5, 5, 6, 1],
      strides: 1,
      dilations: 1,
      pad: 'same',
    },
    { name: '7x7 same', x: [1, 9, 9, 4], filter: [7, 7, 4, 1], strides: 1, dilations: 1, pad: 'same' },
    {
      name: '3x3 stride 2 same, odd size',
      x: [2, 9, 11, 3],
      filter: [3, 3, 3, 1],
      strides: 2,
      dilations: 1,
      pad: 'same',
    },
    {
      name: 'channel multiplier 3, stride 2 valid',
      x: [2, 8, 7, 2],
      filter: [3, 2, 2, 3],
      strides: 2,
      dilations: 1,
      pad: 'valid',
    },
    { name: 'numeric pad 2', x: [1, 6, 6, 2], filter: [3, 3, 2, 1], strides: 1, dilations: 1, pad: 2 },
    {
      name: '12 channels (rows copied as blocks)',
      x: [1, 6, 5, 12],
      filter: [3, 3, 12, 1],
      strides: 1,
      dilations: 1,
      pad: 'same',
    },
  ];

// tfjs computes no depthwise gradient for dilation > 1 and its cpu kernels ignore the attribute, so dilated cases
// are checked against the same filter spread onto its dilated grid (zeros between taps) at dilation 1, on cpu.
const DILATED: { name: string; x: number[]; filter: number[]; dilations: number; pad: Pad }[] = [
  { name: '3x3 dilation 2 valid', x: [1, 10, 9, 5], filter: [3, 3, 5, 1], dilations: 2, pad: 'valid' },
  { name: 'multiplier 2, dilation 2 same', x: [1, 7, 8, 3], filter: [3, 3, 3, 2], dilations: 2, pad: 'same' },
  { name: '2x3 dilation 3 same', x: [2, 9, 10, 2], filter: [2, 3, 2, 1], dilations: 3, pad: 'same' },
];

function spreadFilter(w: tf.Tensor, d: number): tf.Tensor {
  const [kh, kw, c, m] = w.shape;
  const values = w.dataSync();
  const spread = tf.buffer([(kh - 1) * d + 1, (kw - 1) * d + 1, c, m]);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < c; k++)
        for (let l = 0; l < m; l++) spread.set(values[((i * kw + j) * c + k) * m + l], i * d, j * d, k, l);
  return spread.toTensor();
}

function forward(c: (typeof CASES)[number], x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations);
}

describe('wasm depthwise conv backprops', () => {
  useWasm();

  for (const c of CASES) {
    it(`DepthwiseConv2dNativeBackpropInput matches the cpu backend: ${c.name}`, async () => {
      await assertWasmMatchesCpu(() => {
        const w = randomTensor(c.filter, 2);
        const dy = randomTensor(forward(c, tf.zeros(c.x), w).shape, 3);
        return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, {
          strides: c.strides,
          dilations: c.dilations,
          pad: c.pad,
          inputShape: c.x,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
      }, c.name);
    });

    it(`DepthwiseConv2dNativeBackpropFilter matches the cpu backend: ${c.name}`, async () => {
      await assertWasmMatchesCpu(() => {
        const x = randomTensor(c.x, 1);
        const dy = randomTensor(forward(c, x, randomTensor(c.filter, 2)).shape, 3);
        return tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
          strides: c.strides,
          dilations: c.dilations,
          pad: c.pad,
          filterShape: c.filter,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
      }, c.name);
    });
  }

  for (const c of DILATED) {
    const d = c.dilations;
    it(`DepthwiseConv2dNativeBackpropInput with dilation: ${c.name}`, async () => {
      const w = randomTensor(c.filter, 2);
      const dy = randomTensor(
        tf.depthwiseConv2d(tf.zeros(c.x) as unknown as tf.Tensor4D, w as tf.Tensor4D, 1, c.pad, 'NHWC', d)
          .shape,
        3,
      );
      const attrs = { strides: 1, pad: c.pad, inputShape: c.x };
      const wasm = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, {
        ...attrs,
        dilations: d,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      await tf.setBackend('cpu');
      const reference = tf
        .engine()
        .runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: spreadFilter(w, d) }, {
          ...attrs,
          dilations: 1,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
      await tf.setBackend('wasm');
      assert.ok(relativeError(wasm.dataSync() as Float32Array, reference.dataSync() as Float32Array) < 1e-4);
    });

    it(`DepthwiseConv2dNativeBackpropFilter with dilation: ${c.name}`, async () => {
      const x = randomTensor(c.x, 1);
      const dy = randomTensor(
        tf.depthwiseConv2d(x as tf.Tensor4D, randomTensor(c.filter, 2) as tf.Tensor4D, 1, c.pad, 'NHWC', d)
          .shape,
        3,
      );
      const wasm = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
        strides: 1,
        pad: c.pad,
        dilations: d,
        filterShape: c.filter,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      await tf.setBackend('cpu');
      const spreadShape = spreadFilter(tf.zeros(c.filter), d).shape;
      const spreadGrad = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
        strides: 1,
        pad: c.pad,
        dilations: 1,
        filterShape: spreadShape,
      } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const reference = tf.stridedSlice(spreadGrad, [0, 0, 0, 0], spreadShape, [d, d, 1, 1]);
      await tf.setBackend('wasm');
      assert.ok(relativeError(wasm.dataSync() as Float32Array, reference.dataSync() as Float32Array) < 1e-4);
    });
  }

  it('backpropagates depthwise conv -> pointwise conv through tf.grads like the cpu backend', async () => {
    await assertWasmMatchesCpu(
      () =>
        tf.grads((x: tf.Tensor, dw: tf.Tensor, pw: tf.Tensor) => {
          const h = tf.depthwiseConv2d(x as tf.Tensor4D, dw as tf.Tensor4D, 1, 'same');
          return tf.sum(tf.sigmoid(tf.conv2d(h, pw as tf.Tensor4D, 1, 'valid')));
        })([randomTensor([2, 6, 7, 4], 4), randomTensor([5, 5, 4, 1], 5), randomTensor([1, 1, 4, 3], 6)]),
      'grads of a ConvNeXt-style pair',
    );
  });
});
