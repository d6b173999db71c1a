import {
  attr,
  type Conv2d,
  type DepthwiseConv2d,
  type LayerNorm,
  type Linear,
  OnnxGraphBuilder,
  type OnnxValue,
  tf,
} from '@mim4d/nn';
import type { Mim4dModel } from '../model/mim4d.ts';

/**
 * The image half of the MIM4D backbone as ONNX (opset 17): normalised multi-view images -> per FPN level the
 * projected features and the depth-bin distribution, i.e. the modules that transfer to fine-tuning (img_backbone,
 * img_neck, input_proj, depth_net). Dense (no patch mask) and in evaluation mode, as downstream use needs it.
 *
 * Contract: input `images` [n, H, W, 3], RGB in [0, 1] (n = frames x cameras, any order); outputs
 * `features_l{i}` [n, h_i, w_i, C] and `depth_l{i}` [n, h_i, w_i, bins]. Tensors stay channels-last as in tfjs;
 * convolutions are wrapped in NHWC<->NCHW transposes.
 */
export function imageBackboneOnnx(model: Mim4dModel): OnnxGraphBuilder {
  const config = model.config;
  const g = new OnnxGraphBuilder({ name: `mim4d_image_backbone_${config.name}`, opset: 17 });
  const { imageHeight: H, imageWidth: W, mean, std } = config.input;
  const images = g.input('images', 'float32', ['n', H, W, 3]);
  const toNchw = (x: OnnxValue) => g.op('Transpose', [x], { perm: attr.ints([0, 3, 1, 2]) });
  const toNhwc = (x: OnnxValue) => g.op('Transpose', [x], { perm: attr.ints([0, 2, 3, 1]) });
  const conv = (x: OnnxValue, layer: Conv2d) => {
    const w = g.initializer(`${layer.weight.name.split('#')[0]}`, tf.transpose(layer.weight, [3, 2, 0, 1]));
    const b = layer.bias === null ? null : g.initializer(layer.bias.name.split('#')[0], layer.bias);
    const p = layer.padding;
    const k = layer.weight.shape[0];
    return toNhwc(
      g.op('Conv', [toNchw(x), w, b], {
        kernel_shape: attr.ints([k, k]),
        strides: attr.ints([layer.stride, layer.stride]),
        pads: attr.ints([p, p, p, p]),
      }),
    );
  };
  const depthwise = (x: OnnxValue, layer: DepthwiseConv2d) => {
    const [k, , c] = layer.weight.shape;
    const w = g.initializer(layer.weight.name.split('#')[0], tf.transpose(layer.weight, [2, 3, 0, 1]));
    const b = g.initializer(layer.bias.name.split('#')[0], layer.bias);
    const p = layer.padding;
    return toNhwc(
      g.op('Conv', [toNchw(x), w, b], {
        kernel_shape: attr.ints([k, k]),
        pads: attr.ints([p, p, p, p]),
        group: attr.int(c),
      }),
    );
  };
  const linear = (x: OnnxValue, layer: Linear) => {
    const y = g.op('MatMul', [x, g.initializer(layer.weight.name.split('#')[0], layer.weight)]);
    return layer.bias === null
      ? y
      : g.op('Add', [y, g.initializer(layer.bias.name.split('#')[0], layer.bias)]);
  };
  const norm = (x: OnnxValue, layer: LayerNorm) =>
    g.op(
      'LayerNormalization',
      [
        x,
        g.initializer(layer.gamma.name.split('#')[0], layer.gamma),
        g.initializer(layer.beta.name.split('#')[0], layer.beta),
      ],
      { axis: attr.int(-1), epsilon: attr.float(layer.eps) },
    );
  const scalar = (name: string, v: number) => g.initializer(name, Float32Array.of(v), 'float32', []);
  const half = scalar('const.half', 0.5);
  const one = scalar('const.one', 1);
  const invSqrt2 = scalar('const.inv_sqrt2', Math.SQRT1_2);
  const gelu = (x: OnnxValue) =>
    g.op('Mul', [g.op('Mul', [x, half]), g.op('Add', [one, g.op('Erf', [g.op('Mul', [x, invSqrt2])])])]);

  const enc = model.encoder;
  let x = g.op('Div', [
    g.op('Sub', [images, g.initializer('input.mean', Float32Array.from(mean), 'float32', [3])]),
    g.initializer('input.std', Float32Array.from(std), 'float32', [3]),
  ]);
  x = norm(conv(x, enc.stem), enc.stemNorm);
  const stageOut = new Map<number, OnnxValue>();
  enc.stages.forEach((blocks, s) => {
    if (s > 0) x = conv(norm(x, enc.downsampleNorms[s - 1]), enc.downsampleConvs[s - 1]);
    for (const block of blocks) {
      let y = norm(depthwise(x, block.dw), block.norm);
      y = linear(gelu(linear(y, block.pw1)), block.pw2);
      y = g.op('Mul', [y, g.initializer(block.gamma.name.split('#')[0], block.gamma)]);
      x = g.op('Add', [x, y]);
    }
    const outNorm = enc.outNorms.get(s);
    if (outNorm !== undefined) stageOut.set(s, norm(x, outNorm));
  });
  const neck = model.neck;
  const sizes = model.levelSizes();
  const lat = config.neck.inStages.map((s, i) => conv(stageOut.get(s)!, neck.laterals[i]));
  for (let i = lat.length - 2; i >= 0; i--) {
    const [h, w] = sizes[i];
    const [hc, wc] = sizes[i + 1];
    if (h !== 2 * hc || w !== 2 * wc) throw new Error(`export: FPN level ${i} is not twice level ${i + 1}`);
    const scales = g.initializer(`const.up_scales${i}`, Float32Array.of(1, 2, 2, 1), 'float32', [4]);
    // tfjs resizeNearestNeighbor without align-corners or half-pixel centres: asymmetric coordinates, floor.
    const up = g.op('Resize', [lat[i + 1], null, scales], {
      mode: attr.string('nearest'),
      coordinate_transformation_mode: attr.string('asymmetric'),
      nearest_mode: attr.string('floor'),
    });
    lat[i] = g.op('Add', [lat[i], up]);
  }
  const outs = lat.map((l, i) => conv(l, neck.outputs[i]));
  for (const extra of neck.extras) outs.push(conv(outs[outs.length - 1], extra));
  outs.forEach((o, l) => {
    const f = conv(o, neck.inputProj[l]);
    const [h, w] = sizes[l];
    g.output(f, 'float32', ['n', h, w, config.neck.channels], `features_l${l}`);
    const d = g.op('Softmax', [conv(f, model.depthHead.convs[l])], { axis: attr.int(-1) });
    g.output(d, 'float32', ['n', h, w, config.depth.bins], `depth_l${l}`);
  });
  return g;
}
