import { detrGraph } from '@mim4d/finetune';
import { attr, type LayerNorm, type Linear, OnnxGraphBuilder, type OnnxValue } from '@mim4d/nn';
import {
  BATCH_DIM,
  imageEncoderGraph,
  liftingGraph,
  type OnnxLayers,
  onnxLayers,
  type TensorContract,
} from '@mim4d/pretrain';
import { DETECTION_HEAD_CLASSES } from '../classes.ts';
import type { UvtrDetector } from '../model/detector.ts';
import { CODE_SIZE } from '../model/uvtr-head.ts';

/** The detector's inputs and outputs, in graph order; the model card declares exactly these (heads.md 1.5). */
export function detectorContract(model: UvtrDetector): {
  inputs: TensorContract[];
  outputs: TensorContract[];
} {
  const { cameras: N, imageHeight: H, imageWidth: W } = model.config.backbone.input;
  const Q = model.config.head.queries;
  const b = BATCH_DIM;
  const f32 = (name: string, shape: (string | number)[]): TensorContract => ({
    name,
    dtype: 'float32',
    shape,
  });
  return {
    inputs: [f32('images', [b, N, H, W, 3]), f32('ego_to_image', [b, N, 4, 4])],
    outputs: [f32('scores', [b, Q, DETECTION_HEAD_CLASSES.length]), f32('boxes', [b, Q, CODE_SIZE])],
  };
}

/**
 * The UVTR detector as ONNX (opset 17), `UvtrDetector.forward` in evaluation mode followed by `detectorOutputs`:
 * the backbone's image encoder and lifting graphs, the voxel convs with BatchNorm on running statistics, and the
 * decoder with plain MatMul/Softmax attention. The voxel cross-attention's trilinear sample is a 4-D GridSample of
 * the z-slices stacked as channels, weighted over z with tent weights, because opset 17's GridSample is 2-D.
 */
export function detectorOnnx(model: UvtrDetector): OnnxGraphBuilder {
  const config = model.config;
  const g = new OnnxGraphBuilder({ name: `mim4d_uvtr_${config.name}`, opset: 17 });
  const nn = onnxLayers(g);
  const { inputs, outputs } = detectorContract(model);
  const [images, egoToImage] = inputs.map((t) => g.input(t.name, t.dtype, t.shape));
  const { imageHeight: H, imageWidth: W } = config.backbone.input;
  const views = g.op('Reshape', [images, g.int64s('input.views', [-1, H, W, 3])]);
  const { features, depth } = imageEncoderGraph(g, nn, model.backbone, views);
  const lifted = liftingGraph(g, nn, model.backbone, egoToImage, features, depth);
  const volume = voxelConvs(g, nn, model, lifted);
  const { scores, boxes } = decoder(g, nn, model, volume);
  g.output(scores, 'float32', outputs[0].shape, outputs[0].name);
  g.output(boxes, 'float32', outputs[1].shape, outputs[1].name);
  return g;
}

/** Conv3d + BatchNorm (running statistics) + ReLU, channels-first [b, C, Z, Y, X] in and out. */
function voxelConvs(g: OnnxGraphBuilder, nn: OnnxLayers, model: UvtrDetector, lifted: OnnxValue): OnnxValue {
  let x = lifted;
  model.head.voxelConvs.forEach(({ conv, bn }, i) => {
    const last = nn.toLast(nn.conv3dFirst(x, conv), 5);
    const normalised = g.op('Div', [
      g.op('Sub', [last, nn.param(bn.runningMean)]),
      g.op('Sqrt', [g.op('Add', [nn.param(bn.runningVar), nn.scalar(`voxel_conv${i}.bn.eps`, bn.eps)])]),
    ]);
    x = nn.toFirst(
      g.op('Relu', [g.op('Add', [g.op('Mul', [normalised, nn.param(bn.gamma)]), nn.param(bn.beta)])]),
      5,
    );
  });
  return x;
}

function decoder(
  g: OnnxGraphBuilder,
  nn: OnnxLayers,
  model: UvtrDetector,
  volume: OnnxValue,
): { scores: OnnxValue; boxes: OnnxValue } {
  const { head } = model;
  const { dims: d, heads: h, queries: Q } = model.config.head;
  const grid = model.backbone.grid;
  const pcRange = model.config.backbone.grid.pcRange;
  const voxelSize = model.config.backbone.grid.voxelSize;
  const s = nn.scalar;
  const one = s('head.one', 1);
  const linear = (x: OnnxValue, layer: Linear) => nn.linear(x, layer);
  const relu = (x: OnnxValue) => g.op('Relu', [x]);
  const ln = (x: OnnxValue, layer: LayerNorm) => nn.layerNorm(x, layer);
  // Every constant is one initializer, made once and shared by the layers.
  const index = (name: string, cols: number[]) => g.int64s(`head.${name}_columns`, cols);
  const columns = (x: OnnxValue, cols: OnnxValue) => g.op('Gather', [x, cols], { axis: attr.int(-1) });
  const axis = [0, 1, 2].map((a) => index(`axis${a}`, [a]));
  const centreColumns = index('centre', [0, 1, 4]);
  const sizeColumns = index('sizes', [2, 3, 5]);
  const restColumns = index('rest', range(6, 10));

  const detr = detrGraph(g, nn, { queries: Q, dims: d, heads: h });
  const embedding = nn.param(head.queryEmbedding);
  const queryPos = columns(embedding, index('query_pos', range(0, d)));
  let query = columns(embedding, index('query', range(d, 2 * d)));
  let ref = linear(queryPos, head.referencePoints);

  // Z-slices stacked as channels for a 2-D GridSample: [b, C * Z, Y, X].
  const slices = g.op('Reshape', [volume, g.int64s('head.slices', [-1, d * grid.z, grid.y, grid.x])]);
  const zIndex = g.initializer('head.z_index', Float32Array.from(range(0, grid.z)), 'float32', [
    1,
    1,
    grid.z,
    1,
  ]);
  const extent = [0, 1, 2].map((a) => pcRange[a + 3] - pcRange[a]);
  const cells = [0, 1, 2].map((a) => s(`head.cells${a}`, extent[a] / voxelSize[a]));
  const normScale = [grid.x, grid.y].map((n, a) => s(`head.norm${a}`, 2 / (n - 1)));
  const gridShape = g.int64s('head.grid_shape', [-1, 1, Q, 2]);
  const perZShape = g.int64s('head.per_z', [-1, d, grid.z, Q]);
  const zRow = g.int64s('head.z_row', [-1, 1, 1, Q]);
  const zAxis = g.int64s('head.z_axis', [2]);
  // Layer 0's reference is the same for every sample ([Q, 3], no batch axis), so its sample reads the batch folded
  // into the channels; later references are per sample ([b, Q, 3]).
  const sharedSlices = g.op('Reshape', [slices, g.int64s('head.shared_slices', [1, -1, grid.y, grid.x])]);
  /** Reference logits -> the trilinear sample of the volume [b, Q, d] (VolumeTable.voxelCoords). */
  const sampleAt = (r: OnnxValue, shared: boolean) => {
    const u = g.op('Sigmoid', [r]);
    const coord = (a: number) => g.op('Mul', [columns(u, axis[a]), cells[a]]);
    // align_corners: voxel 0 -> -1, voxel n-1 -> +1.
    const norm = (a: number) => g.op('Sub', [g.op('Mul', [coord(a), normScale[a]]), one]);
    const xy = g.op('Reshape', [g.op('Concat', [norm(0), norm(1)], { axis: attr.int(-1) }), gridShape]);
    const sampled = g.op('GridSample', [shared ? sharedSlices : slices, xy], {
      mode: attr.string('bilinear'),
      padding_mode: attr.string('zeros'),
      align_corners: attr.int(1),
    });
    const perZ = g.op('Reshape', [sampled, perZShape]);
    const zc = g.op('Reshape', [coord(2), zRow]);
    const tent = relu(g.op('Sub', [one, g.op('Abs', [g.op('Sub', [zc, zIndex])])]));
    const summed = g.op('ReduceSum', [g.op('Mul', [perZ, tent]), zAxis], { keepdims: attr.int(0) });
    return g.op('Transpose', [summed], { perm: attr.ints([0, 2, 1]) });
  };
  const lo = g.initializer('head.range_min', Float32Array.from(pcRange.slice(0, 3)), 'float32', [3]);
  const span = g.initializer('head.range_extent', Float32Array.from(extent), 'float32', [3]);

  let scores: OnnxValue | null = null;
  let boxes: OnnxValue | null = null;
  head.layers.forEach((layer, l) => {
    let x = ln(detr.selfAttention(layer.selfAttn, query, queryPos), layer.norm1);
    const cross = layer.cross;
    const gate = g.op('Sigmoid', [linear(g.op('Add', [x, queryPos]), cross.gate)]);
    const pe = relu(ln(linear(relu(ln(linear(ref, cross.pe1), cross.peNorm1)), cross.pe2), cross.peNorm2));
    x = ln(
      g.op('Add', [g.op('Add', [linear(g.op('Mul', [gate, sampleAt(ref, l === 0)]), cross.out), x]), pe]),
      layer.norm2,
    );
    x = ln(detr.ffn(layer.ffn, x), layer.norm3);
    query = x;
    const branch = head.branches[l];
    const delta = detr.delta(branch, x);
    const centreLogits = g.op('Add', [columns(delta, centreColumns), ref]);
    if (l === head.layers.length - 1) {
      scores = g.op('Sigmoid', [detr.logits(branch, x)]);
      const centre = g.op('Add', [lo, g.op('Mul', [g.op('Sigmoid', [centreLogits]), span])]);
      boxes = g.op(
        'Concat',
        [centre, g.op('Exp', [columns(delta, sizeColumns)]), columns(delta, restColumns)],
        {
          axis: attr.int(-1),
        },
      );
    }
    ref = centreLogits;
  });
  return { scores: scores!, boxes: boxes! };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
