import onnxProto from 'onnx-proto';
import { attr, gridSample, initBackend, OnnxGraphBuilder, tf } from '../../src/index.ts';
import { assertClose, type Feed, floatFeed, runOnnx, toNCHW, toNHWC, toOIHW } from './run-onnx.ts';

const { DataType } = onnxProto.onnx.TensorProto;
const rand = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

/** One-input graph: `build` wires the ops after input x; the result is compared with `reference(x)` from tfjs. */
async function check(
  label: string,
  x: tf.Tensor,
  outDims: number[],
  build: (g: OnnxGraphBuilder, x: { name: string }) => { name: string },
  reference: (x: tf.Tensor) => tf.Tensor,
  extraFeeds: Record<string, Feed> = {},
): Promise<void> {
  const g = new OnnxGraphBuilder({ name: label });
  const input = g.input('x', 'float32', x.shape);
  g.output(build(g, input), 'float32', outDims, 'y');
  const { y } = await runOnnx(g, { x: floatFeed(x), ...extraFeeds });
  assertClose(y, reference(x), label);
}

describe('ONNX ops written by OnnxGraphBuilder match tfjs (onnxruntime-node, relative error < 1e-4)', () => {
  before(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('Conv 2-D with stride, asymmetric pads, dilation and bias', async () => {
    const w = rand([3, 3, 4, 6], 2);
    const bias = rand([6], 3);
    await check(
      'conv2d',
      toNCHW(rand([2, 9, 11, 4], 1)),
      [2, 6, 5, 5],
      (g, x) =>
        g.op('Conv', [x, g.initializer('w', toOIHW(w)), g.initializer('b', bias)], {
          strides: attr.ints([2, 2]),
          pads: attr.ints([1, 0, 2, 1]),
          dilations: attr.ints([1, 1]),
        }),
      (x) =>
        toNCHW(
          tf.add(
            tf.conv2d(toNHWC(x) as tf.Tensor4D, w as tf.Tensor4D, 2, [
              [0, 0],
              [1, 2],
              [0, 1],
              [0, 0],
            ]),
            bias,
          ),
        ),
    );
  });

  it('grouped Conv as the depthwise 5x5 of a ConvNeXt block', async () => {
    const w = rand([5, 5, 8, 1], 2);
    await check(
      'depthwise',
      toNCHW(rand([1, 8, 14, 8], 1)),
      [1, 8, 8, 14],
      (g, x) =>
        g.op('Conv', [x, g.initializer('w', tf.transpose(w, [2, 3, 0, 1]))], {
          group: attr.int(8),
          pads: attr.ints([2, 2, 2, 2]),
          kernel_shape: attr.ints([5, 5]),
        }),
      (x) => toNCHW(tf.depthwiseConv2d(toNHWC(x) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')),
    );
  });

  it('Conv with a 3x3x3 kernel (the volume head)', async () => {
    const w = rand([3, 3, 3, 4, 5], 2);
    await check(
      'conv3d',
      toNCHW(rand([1, 4, 6, 6, 4], 1)),
      [1, 5, 4, 6, 6],
      (g, x) => g.op('Conv', [x, g.initializer('w', toOIHW(w))], { pads: attr.ints([1, 1, 1, 1, 1, 1]) }),
      (x) => toNCHW(tf.conv3d(toNHWC(x) as tf.Tensor5D, w as tf.Tensor5D, 1, 'same')),
    );
  });

  it('broadcasting Add, Mul, Sub, Div', async () => {
    const row = rand([4], 2);
    const col = tf.add(tf.abs(rand([3, 1], 3)), 0.5);
    await check(
      'arith',
      rand([2, 3, 4], 1),
      [2, 3, 4],
      (g, x) => {
        const r = g.initializer('row', row);
        const c = g.initializer('col', col);
        return g.op('Div', [g.op('Sub', [g.op('Mul', [g.op('Add', [x, r]), c]), r]), c]);
      },
      (x) => tf.div(tf.sub(tf.mul(tf.add(x, row), col), row), col),
    );
  });

  it('batched MatMul, and Gemm with transB, alpha, beta and bias', async () => {
    const w = rand([4, 5], 2);
    await check(
      'matmul',
      rand([2, 3, 4], 1),
      [2, 3, 5],
      (g, x) => g.op('MatMul', [x, g.initializer('w', w)]),
      (x) => tf.matMul(x, tf.broadcastTo(w, [2, 4, 5])),
    );
    const wt = rand([5, 4], 3);
    const c = rand([5], 4);
    await check(
      'gemm',
      rand([3, 4], 1),
      [3, 5],
      (g, x) =>
        g.op('Gemm', [x, g.initializer('w', wt), g.initializer('c', c)], {
          transB: attr.int(1),
          alpha: attr.float(0.5),
          beta: attr.float(2),
        }),
      (x) => tf.add(tf.mul(tf.matMul(x, wt, false, true), 0.5), tf.mul(c, 2)),
    );
  });

  it('Relu, Sigmoid, Softplus, Exp and Softmax on the last axis', async () => {
    await check(
      'activations',
      tf.mul(rand([2, 3, 5], 1), 4),
      [2, 3, 5],
      (g, x) =>
        g.op(
          'Softmax',
          [
            g.op('Add', [
              g.op('Add', [g.op('Relu', [x]), g.op('Sigmoid', [x])]),
              g.op('Exp', [g.op('Softplus', [x])]),
            ]),
          ],
          {
            axis: attr.int(-1),
          },
        ),
      (x) => tf.softmax(tf.add(tf.add(tf.relu(x), tf.sigmoid(x)), tf.exp(tf.softplus(x)))),
    );
  });

  it('ReduceMean over an axis, kept', async () => {
    await check(
      'reducemean',
      rand([2, 3, 4], 1),
      [2, 1, 4],
      (g, x) => g.op('ReduceMean', [x], { axes: attr.ints([1]), keepdims: attr.int(1) }),
      (x) => tf.mean(x, 1, true),
    );
  });

  it('LayerNormalization (opset 17) over the channel axis with scale and bias', async () => {
    const scale = rand([6], 2);
    const bias = rand([6], 3);
    await check(
      'layernorm',
      tf.mul(rand([2, 5, 6], 1), 3),
      [2, 5, 6],
      (g, x) =>
        g.op('LayerNormalization', [x, g.initializer('scale', scale), g.initializer('bias', bias)], {
          axis: attr.int(-1),
          epsilon: attr.float(1e-5),
        }),
      (x) => {
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), scale), bias);
      },
    );
  });

  it('Transpose, Reshape, Concat, Slice with steps, and Gather with int64 indices', async () => {
    await check(
      'shape-ops',
      rand([2, 3, 4], 1),
      [3, 2, 2],
      (g, x) => {
        const t = g.op('Transpose', [x], { perm: attr.ints([2, 0, 1]) }); // [4, 2, 3]
        const r = g.op('Reshape', [t, g.int64s('shape', [4, 6])]);
        const c = g.op('Concat', [r, r], { axis: attr.int(0) }); // [8, 6]
        const s = g.op('Slice', [
          c,
          g.int64s('starts', [1, 0]),
          g.int64s('ends', [7, 6]),
          g.int64s('axes', [0, 1]),
          g.int64s('steps', [2, 3]),
        ]); // [3, 2]
        const gathered = g.op('Gather', [s, g.initializer('idx', [1, 1, 0, 1], 'int64', [2, 2])], {
          axis: attr.int(1),
        });
        return gathered;
      },
      (x) => {
        const r = tf.reshape(tf.transpose(x, [2, 0, 1]), [4, 6]);
        const s = tf.stridedSlice(tf.concat([r, r], 0), [1, 0], [7, 6], [2, 3]);
        return tf.gather(s, tf.tensor2d([1, 1, 0, 1], [2, 2], 'int32'), 1);
      },
    );
  });

  it('GridSample (opset 16, bilinear, align_corners, zeros padding) matches the layers gridSample', async () => {
    const [c, h, w] = [3, 5, 7];
    const image = rand([1, c, h, w], 1);
    // Normalised coordinates, some outside [-1, 1] so zero padding is exercised.
    const grid = tf.mul(rand([1, 4, 6, 2], 2), 1.2);
    const g = new OnnxGraphBuilder({ name: 'gridsample' });
    const x = g.input('x', 'float32', [1, c, h, w]);
    const gr = g.input('grid', 'float32', [1, 4, 6, 2]);
    g.output(
      g.op('GridSample', [x, gr], {
        mode: attr.string('bilinear'),
        align_corners: attr.int(1),
        padding_mode: attr.string('zeros'),
      }),
      'float32',
      [1, c, 4, 6],
      'y',
    );
    const { y } = await runOnnx(g, { x: floatFeed(image), grid: floatFeed(grid) });
    const table = tf.reshape(tf.transpose(image, [0, 2, 3, 1]), [h * w, c]) as tf.Tensor2D;
    const points = tf.reshape(grid, [24, 2]);
    const [gx, gy] = tf.unstack(points, 1);
    const px = tf.mul(tf.add(gx, 1), (w - 1) / 2) as tf.Tensor1D;
    const py = tf.mul(tf.add(gy, 1), (h - 1) / 2) as tf.Tensor1D;
    const sampled = gridSample(table, [w, h], [px, py]);
    assertClose(y, tf.transpose(tf.reshape(sampled, [1, 4, 6, c]), [0, 3, 1, 2]), 'GridSample');
  });

  it('constant Pad and Resize (linear, align_corners and half_pixel)', async () => {
    await check(
      'pad',
      rand([1, 2, 3, 3], 1),
      [1, 2, 5, 6],
      (g, x) =>
        g.op('Pad', [
          x,
          g.int64s('pads', [0, 0, 1, 2, 0, 0, 1, 1]),
          g.initializer('value', [0.25], 'float32', []),
        ]),
      (x) =>
        tf.pad(
          x,
          [
            [0, 0],
            [0, 0],
            [1, 1],
            [2, 1],
          ],
          0.25,
        ),
    );
    for (const [mode, alignCorners, halfPixelCenters] of [
      ['align_corners', true, false],
      ['half_pixel', false, true],
    ] as const) {
      await check(
        `resize ${mode}`,
        rand([1, 3, 4, 7], 1),
        [1, 3, 8, 14],
        (g, x) =>
          g.op('Resize', [x, null, g.initializer('scales', [1, 1, 2, 2], 'float32', [4])], {
            mode: attr.string('linear'),
            coordinate_transformation_mode: attr.string(mode),
          }),
        (x) =>
          toNCHW(tf.image.resizeBilinear(toNHWC(x) as tf.Tensor4D, [8, 14], alignCorners, halfPixelCenters)),
      );
    }
  });

  it('And of GreaterOrEqual/LessOrEqual keeps both bounds and drops NaN', async () => {
    const x = tf.tensor2d([-0.5, -0.3, 0, 0.4, 0.41, Number.NaN], [2, 3]);
    await check(
      'closed interval',
      x,
      [2, 3],
      (g, x) => {
        const lo = g.initializer('lo', [-0.3], 'float32', []);
        const hi = g.initializer('hi', [0.4], 'float32', []);
        const inside = g.op('And', [g.op('GreaterOrEqual', [x, lo]), g.op('LessOrEqual', [x, hi])]);
        return g.op('Cast', [inside], { to: attr.dtype('float32') });
      },
      () => tf.tensor2d([0, 1, 1, 1, 0, 0], [2, 3]),
    );
  });

  it('Where over Greater/Less masks, and Cast', async () => {
    await check(
      'where',
      rand([3, 4], 1),
      [3, 4],
      (g, x) => {
        const lo = g.initializer('lo', [-0.3], 'float32', [1]);
        const hi = g.initializer('hi', [0.4], 'float32', [1]);
        const inside = g.op('Cast', [g.op('Greater', [x, lo])], { to: attr.int(DataType.FLOAT) });
        const picked = g.op('Where', [g.op('Less', [x, hi]), x, hi]);
        return g.op('Mul', [picked, inside]);
      },
      (x) =>
        tf.mul(tf.where(tf.less(x, 0.4), x, tf.fill(x.shape, 0.4)), tf.cast(tf.greater(x, -0.3), 'float32')),
    );
  });
});
