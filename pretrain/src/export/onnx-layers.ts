import {
  attr,
  type BatchNorm,
  type Conv2d,
  type Conv3d,
  type DepthwiseConv2d,
  type LayerNorm,
  type Linear,
  type OnnxGraphBuilder,
  type OnnxValue,
  tf,
} from '@mim4d/nn';

/** Initializer name of a parameter: its ParamStore name without tfjs's `#id` suffix. */
const paramName = (v: tf.Variable) => v.name.split('#')[0];

/**
 * Our layers as ONNX nodes on channels-last tensors, as tfjs holds them: each convolution is wrapped in the
 * channels-last <-> channels-first transposes ONNX Conv needs, so the graph mirrors the tfjs forward op for op.
 */
export function onnxLayers(g: OnnxGraphBuilder) {
  const toFirst = (x: OnnxValue, rank: number) =>
    g.op('Transpose', [x], { perm: attr.ints([0, rank - 1, ...range(1, rank - 1)]) });
  const toLast = (x: OnnxValue, rank: number) =>
    g.op('Transpose', [x], { perm: attr.ints([0, ...range(2, rank), 1]) });
  const param = (v: tf.Variable) => g.initializer(paramName(v), v);
  const scalar = (name: string, v: number) => g.initializer(name, Float32Array.of(v), 'float32', []);
  const half = scalar('const.half', 0.5);
  const one = scalar('const.one', 1);
  const invSqrt2 = scalar('const.inv_sqrt2', Math.SQRT1_2);

  /** ONNX Conv on channels-first `x` with a tfjs filter (spatial axes first, then in, out). */
  const convFirst = (
    x: OnnxValue,
    weight: tf.Variable,
    bias: tf.Variable | null,
    o: { stride?: number; pad: number; group?: number },
  ) => {
    const spatial = weight.rank - 2;
    const k = weight.shape[0];
    // tfjs [k.., in, out] (depthwise: [k, k, C, 1]) -> ONNX [out, in / group, k..].
    const perm = o.group === undefined ? [spatial + 1, spatial, ...range(0, spatial)] : [2, 3, 0, 1];
    const transposed = tf.transpose(weight, perm);
    const w = g.initializer(paramName(weight), transposed);
    transposed.dispose();
    return g.op('Conv', [x, w, bias === null ? null : param(bias)], {
      kernel_shape: attr.ints(Array(spatial).fill(k)),
      strides: attr.ints(Array(spatial).fill(o.stride ?? 1)),
      pads: attr.ints(Array(2 * spatial).fill(o.pad)),
      ...(o.group === undefined ? {} : { group: attr.int(o.group) }),
    });
  };

  /**
   * A conv followed by inference-mode BatchNorm as one Conv: per output channel k = gamma / sqrt(var + eps), the
   * weights times k and the bias (b - mean) · k + beta, computed in float32 as the two layers would.
   */
  const foldBatchNorm = (weight: tf.Variable, bias: tf.Variable | null, bn: BatchNorm) =>
    tf.tidy(() => {
      const k = tf.div(bn.gamma, tf.sqrt(tf.add(bn.runningVar, bn.eps)));
      const b = bias === null ? tf.neg(bn.runningMean) : tf.sub(bias, bn.runningMean);
      return { weight: tf.keep(tf.mul(weight, k)), bias: tf.keep(tf.add(tf.mul(b, k), bn.beta)) };
    });

  return {
    toFirst,
    toLast,
    /**
     * Conv2d on channels-first [n, C, H, W]; with `bn`, the BatchNorm after it (running statistics) folded in, its
     * initializers named `<conv weight>.bn_folded` and `<conv>.bias.bn_folded`.
     */
    conv2dFirst: (x: OnnxValue, layer: Conv2d, bn?: BatchNorm) => {
      if (bn === undefined)
        return convFirst(x, layer.weight, layer.bias, { stride: layer.stride, pad: layer.padding });
      const folded = foldBatchNorm(layer.weight, layer.bias, bn);
      const name = paramName(layer.weight);
      const k = layer.weight.shape[0];
      const transposed = tf.transpose(folded.weight, [3, 2, 0, 1]);
      const w = g.initializer(`${name}.bn_folded`, transposed);
      const b = g.initializer(`${name.replace(/weight$/, 'bias')}.bn_folded`, folded.bias);
      tf.dispose([transposed, folded.weight, folded.bias]);
      return g.op('Conv', [x, w, b], {
        kernel_shape: attr.ints([k, k]),
        strides: attr.ints([layer.stride, layer.stride]),
        pads: attr.ints([layer.padding, layer.padding, layer.padding, layer.padding]),
      });
    },
    conv2d: (x: OnnxValue, layer: Conv2d) =>
      toLast(
        convFirst(toFirst(x, 4), layer.weight, layer.bias, { stride: layer.stride, pad: layer.padding }),
        4,
      ),
    depthwise: (x: OnnxValue, layer: DepthwiseConv2d) =>
      toLast(
        convFirst(toFirst(x, 4), layer.weight, layer.bias, {
          pad: layer.padding,
          group: layer.weight.shape[2],
        }),
        4,
      ),
    /** Conv3d on channels-first [n, C, Z, Y, X]; tfjs pads the volume with zeros by kernel / 2 on every side. */
    conv3dFirst: (x: OnnxValue, layer: Conv3d) =>
      convFirst(x, layer.weight, layer.bias, { pad: Math.floor(layer.kernel / 2) }),
    linear: (x: OnnxValue, layer: Linear) => {
      const y = g.op('MatMul', [x, param(layer.weight)]);
      return layer.bias === null ? y : g.op('Add', [y, param(layer.bias)]);
    },
    layerNorm: (x: OnnxValue, layer: LayerNorm) =>
      g.op('LayerNormalization', [x, param(layer.gamma), param(layer.beta)], {
        axis: attr.int(-1),
        epsilon: attr.float(layer.eps),
      }),
    /** Exact (erf) GELU, as nn's gelu. */
    gelu: (x: OnnxValue) =>
      g.op('Mul', [g.op('Mul', [x, half]), g.op('Add', [one, g.op('Erf', [g.op('Mul', [x, invSqrt2])])])]),
    param,
    scalar,
  };
}

export type OnnxLayers = ReturnType<typeof onnxLayers>;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
