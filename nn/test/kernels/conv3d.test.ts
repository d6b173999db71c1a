import assert from 'node:assert/strict';
import { tf } from '../../src/index.ts';
import { setMaxScratchFloats } from '../../src/kernels/wasm/scratch.ts';
import { assertWasmMatchesCpu, randomTensor, useWasm } from './backends.ts';

type Pad = 'same' | 'valid';
const CASES: {
  name: string;
  x: number[];
  filter: number[];
  strides: number | [number, number, number];
  pad: Pad;
}[] = [
  {
    name: '3x3x3 same (the volume head)',
    x: [1, 4, 8, 8, 6],
    filter: [3, 3, 3, 6, 5],
    strides: 1,
    pad: 'same',
  },
  {
    name: '2x3x1 valid, strides 1x2x1',
    x: [2, 5, 7, 6, 3],
    filter: [2, 3, 1, 3, 4],
    strides: [1, 2, 1],
    pad: 'valid',
  },
  { name: '3x3x3 same, stride 2', x: [1, 5, 6, 7, 2], filter: [3, 3, 3, 2, 3], strides: 2, pad: 'same' },
  {
    name: '3x3x3 same, 9 filters (rows copied as blocks)',
    x: [1, 3, 5, 4, 2],
    filter: [3, 3, 3, 2, 9],
    strides: 1,
    pad: 'same',
  },
];

const conv = (c: (typeof CASES)[number], x: tf.Tensor, w: tf.Tensor) =>
  tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, c.strides, c.pad);

describe("wasm Conv3D and its gradients (im2col + BatchMatMul, replacing tfjs-wasm's)", () => {
  useWasm();

  for (const c of CASES) {
    it(`Conv3D matches the cpu backend: ${c.name}`, async () => {
      await assertWasmMatchesCpu(() => conv(c, randomTensor(c.x, 1), randomTensor(c.filter, 2)), c.name);
    });

    it(`Conv3DBackpropFilterV2 matches the cpu backend: ${c.name}`, async () => {
      await assertWasmMatchesCpu(() => {
        const x = randomTensor(c.x, 1);
        const dy = randomTensor(conv(c, x, randomTensor(c.filter, 2)).shape, 3);
        return tf.engine().runKernel('Conv3DBackpropFilterV2', { x, dy }, {
          strides: c.strides,
          pad: c.pad,
          filterShape: c.filter,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
      }, c.name);
    });
  }

  it('Conv3D matches the cpu backend with dilated taps (copied tap by tap)', async () => {
    await assertWasmMatchesCpu(
      () =>
        tf.conv3d(
          randomTensor([1, 4, 7, 9, 3], 1) as tf.Tensor5D,
          randomTensor([2, 3, 3, 3, 4], 2) as tf.Tensor5D,
          1,
          'same',
          'NDHWC',
          [1, 2, 2],
        ),
      'dilated',
    );
  });

  for (const c of CASES) {
    it(`Conv3DBackpropInputV2 matches the cpu backend: ${c.name}`, async () => {
      await assertWasmMatchesCpu(() => {
        const dy = randomTensor(conv(c, randomTensor(c.x, 1), randomTensor(c.filter, 2)).shape, 3);
        return tf.engine().runKernel('Conv3DBackpropInputV2', { dy, filter: randomTensor(c.filter, 2) }, {
          strides: c.strides,
          pad: c.pad,
          inputShape: c.x,
        } as unknown as tf.NamedAttrMap) as tf.Tensor;
      }, c.name);
    });
  }

  it('Conv3DBackpropInputV2 is the adjoint of Conv3D: <conv(x), dy> = <x, dx> (tfjs-wasm 4.22 fails this)', () => {
    const c = CASES[0];
    const x = randomTensor(c.x, 1);
    const w = randomTensor(c.filter, 2);
    const dy = randomTensor(conv(c, x, w).shape, 3);
    const dx = tf.engine().runKernel('Conv3DBackpropInputV2', { dy, filter: w }, {
      strides: c.strides,
      pad: c.pad,
      inputShape: c.x,
    } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const lhs = tf.sum(tf.mul(conv(c, x, w), dy)).dataSync()[0];
    const rhs = tf.sum(tf.mul(x, dx)).dataSync()[0];
    assert.ok(Math.abs(lhs - rhs) < 1e-4 * Math.abs(lhs), `${lhs} vs ${rhs}`);
  });

  it('gives the same results with the patch matrix split into chunks', async () => {
    const previous = setMaxScratchFloats(500);
    try {
      await assertWasmMatchesCpu(
        () =>
          tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(conv(CASES[0], x, w))))([
            randomTensor(CASES[0].x, 1),
            randomTensor(CASES[0].filter, 2),
          ]),
        'chunked grads of conv3d',
      );
    } finally {
      setMaxScratchFloats(previous);
    }
  });

  it('trains a 3x3x3 conv + relu through tf.grads like the cpu backend', async () => {
    await assertWasmMatchesCpu(
      () =>
        tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.relu(conv(CASES[2], x, w))))([
          randomTensor(CASES[2].x, 4),
          randomTensor(CASES[2].filter, 5),
        ]),
      'grads of relu(conv3d)',
    );
  });
});
