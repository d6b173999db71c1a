import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { setMaxScratchFloats } from '../../src/kernels/wasm/scratch.ts';
import { assertWasmMatchesCpu, randomTensor, useWasm } from './backends.ts';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
const CASES: { name: string; x: number[]; filter: number[]; strides: [number, number]; pad: Pad }[] = [
  { name: '3x3 same, stride 1', x: [2, 9, 11, 3], filter: [3, 3, 3, 5], strides: [1, 1], pad: 'same' },
  {
    name: '3x3 same, stride 2 (odd size)',
    x: [1, 9, 7, 4],
    filter: [3, 3, 4, 6],
    strides: [2, 2],
    pad: 'same',
  },
  {
    name: '4x4 valid, stride 4 (a patch stem)',
    x: [2, 16, 28, 3],
    filter: [4, 4, 3, 8],
    strides: [4, 4],
    pad: 'valid',
  },
  {
    name: '5x3 explicit asymmetric pads, strides 2x1',
    x: [1, 10, 8, 2],
    filter: [5, 3, 2, 3],
    strides: [2, 1],
    pad: [
      [0, 0],
      [2, 1],
      [0, 2],
      [0, 0],
    ],
  },
  { name: '1x1 numeric pad 1', x: [3, 5, 5, 7], filter: [1, 1, 7, 4], strides: [1, 1], pad: 1 },
];

function backpropFilter(c: (typeof CASES)[number]) {
  const x = randomTensor(c.x, 1);
  const y = tf.conv2d(x as tf.Tensor4D, randomTensor(c.filter, 2) as tf.Tensor4D, c.strides, c.pad);
  const dy = randomTensor(y.shape, 3);
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
    strides: c.strides,
    pad: c.pad,
    dataFormat: 'NHWC',
    filterShape: c.filter,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

describe('wasm Conv2DBackpropFilter (im2col + BatchMatMul)', () => {
  useWasm();

  for (const c of CASES) {
    it(`matches the cpu backend: ${c.name}`, async () => {
      await assertWasmMatchesCpu(() => backpropFilter(c), c.name);
    });
  }

  it('gives the same result when the patch matrix is split into row chunks', async () => {
    const previous = setMaxScratchFloats(100);
    try {
      await assertWasmMatchesCpu(() => backpropFilter(CASES[0]), 'chunked 3x3');
      await assertWasmMatchesCpu(() => backpropFilter(CASES[3]), 'chunked explicit pads');
    } finally {
      setMaxScratchFloats(previous);
    }
  });

  it('backpropagates a strided conv through tf.grads like the cpu backend', async () => {
    await assertWasmMatchesCpu(
      () =>
        tf.grads((x: tf.Tensor, w: tf.Tensor) =>
          tf.sum(tf.square(tf.relu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')))),
        )([randomTensor([2, 8, 10, 3], 4), randomTensor([3, 3, 3, 4], 5)]),
      'grads of relu(conv2d)',
    );
  });

  it('rejects NCHW input with a message naming the kernel', () => {
    const x = tf.zeros([1, 2, 4, 4]);
    const dy = tf.zeros([1, 2, 4, 4]);
    assert.throws(
      () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
          strides: 1,
          pad: 'same',
          dataFormat: 'NCHW',
          filterShape: [1, 1, 2, 2],
        } as unknown as tf.NamedAttrMap),
      /Conv2DBackpropFilter on wasm supports NHWC only/,
    );
  });
});
