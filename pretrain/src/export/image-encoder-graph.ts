import { attr, type OnnxGraphBuilder, type OnnxValue } from '@mim4d/nn';
import type { Mim4dBackbone } from '../model/backbone.ts';
import type { OnnxLayers } from './onnx-layers.ts';

/**
 * The image half of the backbone as ONNX nodes: images [n, H, W, 3], RGB in [0, 1] -> per FPN level (fine to
 * coarse) the projected features [n, h, w, C] and the depth-bin distribution [n, h, w, bins]. Dense (no patch
 * mask, no stochastic depth), as the tfjs forward runs in evaluation.
 */
export function imageEncoderGraph(
  g: OnnxGraphBuilder,
  nn: OnnxLayers,
  model: Mim4dBackbone,
  images: OnnxValue,
): { features: OnnxValue[]; depth: OnnxValue[] } {
  const config = model.config;
  const { mean, std } = config.input;
  const enc = model.encoder;
  let x = g.op('Div', [
    g.op('Sub', [images, g.initializer('input.mean', Float32Array.from(mean), 'float32', [3])]),
    g.initializer('input.std', Float32Array.from(std), 'float32', [3]),
  ]);
  x = nn.layerNorm(nn.conv2d(x, enc.stem), enc.stemNorm);
  const stageOut = new Map<number, OnnxValue>();
  enc.stages.forEach((blocks, s) => {
    if (s > 0) x = nn.conv2d(nn.layerNorm(x, enc.downsampleNorms[s - 1]), enc.downsampleConvs[s - 1]);
    for (const block of blocks) {
      let y = nn.layerNorm(nn.depthwise(x, block.dw), block.norm);
      y = nn.linear(nn.gelu(nn.linear(y, block.pw1)), block.pw2);
      x = g.op('Add', [x, g.op('Mul', [y, nn.param(block.gamma)])]);
    }
    const outNorm = enc.outNorms.get(s);
    if (outNorm !== undefined) stageOut.set(s, nn.layerNorm(x, outNorm));
  });
  const neck = model.neck;
  const sizes = model.levelSizes();
  const lat = config.neck.inStages.map((s, i) => nn.conv2d(stageOut.get(s)!, neck.laterals[i]));
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
  const outs = lat.map((l, i) => nn.conv2d(l, neck.outputs[i]));
  for (const extra of neck.extras) outs.push(nn.conv2d(outs[outs.length - 1], extra));
  const features = outs.map((o, l) => nn.conv2d(o, neck.inputProj[l]));
  const depth = features.map((f, l) =>
    g.op('Softmax', [nn.conv2d(f, model.depthHead.convs[l])], { axis: attr.int(-1) }),
  );
  return { features, depth };
}
