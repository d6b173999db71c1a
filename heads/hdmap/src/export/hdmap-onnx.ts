import { MAPTR_CLASSES } from '@mim4d/dataset';
import { bevBridgeGraph, detrGraph, lidarGridGraph } from '@mim4d/finetune';
import { attr, OnnxGraphBuilder, type OnnxValue } from '@mim4d/nn';
import {
  BATCH_DIM,
  imageEncoderGraph,
  liftingGraph,
  type OnnxLayers,
  onnxLayers,
  type TensorContract,
} from '@mim4d/pretrain';
import type { HdMapModel } from '../model/hdmap-model.ts';
import { INVERSE_SIGMOID_EPS } from '../model/maptr-head.ts';

/** The model's inputs and outputs, in graph order; the model card declares exactly these (heads.md 3.3). */
export function hdMapContract(model: HdMapModel): { inputs: TensorContract[]; outputs: TensorContract[] } {
  const { cameras: N, imageHeight: H, imageWidth: W } = model.config.backbone.input;
  const { vectors: V, points: P } = model.config.head;
  const b = BATCH_DIM;
  const f32 = (name: string, shape: (string | number)[]): TensorContract => ({
    name,
    dtype: 'float32',
    shape,
  });
  return {
    inputs: [
      f32('images', [b, N, H, W, 3]),
      f32('ego_to_image', [b, N, 4, 4]),
      f32('lidar_to_ego', [b, 4, 4]),
    ],
    outputs: [f32('scores', [b, V, MAPTR_CLASSES.length]), f32('pts', [b, V, P, 2])],
  };
}

/**
 * The HD-map model as ONNX (opset 17), `HdMapModel.forward` in evaluation mode, last layer: the backbone's image
 * encoder and lifting graphs, the shared bridge and lidar grid transform, then MapTR's decoder with the queries
 * broadcast over the batch, the deformable attention as one 4-D GridSample (align_corners = 0) over the batch's
 * heads, and the outputs `scores` (sigmoid, MAPTR_CLASSES order) and `pts` (lidar metres).
 */
export function hdMapOnnx(model: HdMapModel): OnnxGraphBuilder {
  const config = model.config;
  const g = new OnnxGraphBuilder({ name: `mim4d_maptr_${config.name}`, opset: 17 });
  const nn = onnxLayers(g);
  const { inputs, outputs } = hdMapContract(model);
  const [images, egoToImage, lidarToEgo] = inputs.map((t) => g.input(t.name, t.dtype, t.shape));
  const { imageHeight: H, imageWidth: W } = config.backbone.input;
  const views = g.op('Reshape', [images, g.int64s('input.views', [-1, H, W, 3])]);
  const { features, depth } = imageEncoderGraph(g, nn, model.backbone, views);
  const lifted = liftingGraph(g, nn, model.backbone, egoToImage, features, depth);
  const grid = model.backbone.grid;
  const bridged = bevBridgeGraph(g, nn, model.bridge, grid, config.backbone.neck.channels, lifted);
  const bev = lidarGridGraph(g, model.cells, model.bev, bridged, lidarToEgo);
  // [b, 1, 1] zeros: adding them broadcasts the sample-independent queries over the batch (opset 17 without Shape).
  const batchZeros = g.op('Mul', [
    g.op('Slice', [
      lidarToEgo,
      g.int64s('head.zeros_start', [0, 0]),
      g.int64s('head.zeros_end', [1, 1]),
      g.int64s('head.zeros_axes', [1, 2]),
    ]),
    nn.scalar('head.zero_batch', 0),
  ]);
  const { scores, pts } = decoder(g, nn, model, bev, batchZeros);
  g.output(scores, 'float32', outputs[0].shape, outputs[0].name);
  g.output(pts, 'float32', outputs[1].shape, outputs[1].name);
  return g;
}

function decoder(
  g: OnnxGraphBuilder,
  nn: OnnxLayers,
  model: HdMapModel,
  bev: OnnxValue,
  batchZeros: OnnxValue,
): { scores: OnnxValue; pts: OnnxValue } {
  const { head } = model;
  const { vectors: V, points: P, dims: d, heads: h, deformPoints: K, xBound, yBound } = model.config.head;
  const { cellsX, cellsY } = model.cells;
  const Q = V * P;
  const hd = d / h;
  const detr = detrGraph(g, nn, { queries: Q, dims: d, heads: h });
  const ln = nn.layerNorm;
  const ints = (name: string, values: number[]) => g.int64s(`head.${name}`, values);
  const floats = (name: string, values: number[], dims: number[]) =>
    g.initializer(`head.${name}`, Float32Array.from(values), 'float32', dims);
  const columns = (x: OnnxValue, name: string, cols: number[]) =>
    g.op('Gather', [x, ints(name, cols)], { axis: attr.int(-1) });
  const perSample = (x: OnnxValue) => g.op('Add', [x, batchZeros]);

  // Hierarchical queries [V·P, 2d], row v·P + p, broadcast over the batch.
  const summed = g.op('Reshape', [
    g.op('Add', [
      g.op('Reshape', [nn.param(head.instanceEmbedding), ints('instance_shape', [V, 1, 2 * d])]),
      g.op('Reshape', [nn.param(head.ptsEmbedding), ints('pts_shape', [1, P, 2 * d])]),
    ]),
    ints('query_shape', [Q, 2 * d]),
  ]);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  const queryPos = perSample(columns(summed, 'query_pos_columns', range(0, d)));
  let query = perSample(columns(summed, 'query_columns', range(d, 2 * d)));
  let ref = g.op('Sigmoid', [nn.linear(queryPos, head.referencePoints)]);

  const eps = nn.scalar('head.inverse_sigmoid_eps', INVERSE_SIGMOID_EPS);
  const zero = nn.scalar('head.zero_f', 0);
  const one = nn.scalar('head.one_f', 1);
  const inverseSigmoid = (x: OnnxValue) => {
    const c = g.op('Clip', [x, zero, one]);
    return g.op('Log', [
      g.op('Div', [g.op('Clip', [c, eps, one]), g.op('Clip', [g.op('Sub', [one, c]), eps, one])]),
    ]);
  };

  // The BEV as tokens [b, X·Y, d] for the value projections.
  const tokens = g.op('Reshape', [
    g.op('Transpose', [bev], { perm: attr.ints([0, 2, 3, 1]) }),
    ints('bev_tokens', [-1, cellsX * cellsY, d]),
  ]);
  const valueHeads = ints('value_heads', [-1, cellsX, cellsY, h, hd]);
  const valuePlanes = ints('value_planes', [-1, hd, cellsX, cellsY]);
  const offsetShape = ints('offset_shape', [-1, Q, h, K, 2]);
  const refShape = ints('ref_shape', [-1, Q, 1, 1, 2]);
  const locScale = floats('loc_scale', [2 / cellsX, 2 / cellsY], [2]);
  const two = nn.scalar('head.two', 2);
  const swap = ints('yx_columns', [1, 0]);
  const gridShape = ints('grid_shape', [-1, Q, K, 2]);
  const weightShape = ints('weight_shape', [-1, Q, h, K]);
  const weightPlanes = ints('weight_planes', [-1, h, 1, Q, K]);
  const sampledShape = ints('sampled_shape', [-1, h, hd, Q, K]);
  const pointAxis = ints('point_axis', [4]);
  const mergedShape = ints('merged_shape', [-1, Q, d]);

  let scores: OnnxValue | null = null;
  let pts: OnnxValue | null = null;
  head.layers.forEach((layer, l) => {
    let x = ln(detr.selfAttention(layer.selfAttn, query, queryPos), layer.norm1);
    const cross = layer.cross;
    const withPos = g.op('Add', [x, queryPos]);
    const value = g.op('Reshape', [
      g.op('Transpose', [g.op('Reshape', [nn.linear(tokens, cross.valueProj), valueHeads])], {
        perm: attr.ints([0, 3, 4, 1, 2]),
      }),
      valuePlanes,
    ]);
    // ref · 2 + offset · 2 / (X, Y) - 1: grid_sample's normalised location, align_corners = 0.
    const loc = g.op('Sub', [
      g.op('Add', [
        g.op('Mul', [g.op('Reshape', [ref, refShape]), two]),
        g.op('Mul', [g.op('Reshape', [nn.linear(withPos, cross.offsets), offsetShape]), locScale]),
      ]),
      one,
    ]);
    // GridSample's last axis is (along W = lidar y, along H = lidar x); the planes are (sample, head).
    const sampleGrid = g.op('Reshape', [
      g.op('Transpose', [g.op('Gather', [loc, swap], { axis: attr.int(-1) })], {
        perm: attr.ints([0, 2, 1, 3, 4]),
      }),
      gridShape,
    ]);
    const sampled = g.op('Reshape', [
      g.op('GridSample', [value, sampleGrid], {
        mode: attr.string('bilinear'),
        padding_mode: attr.string('zeros'),
        align_corners: attr.int(0),
      }),
      sampledShape,
    ]);
    const weights = g.op('Reshape', [
      g.op(
        'Transpose',
        [
          g.op('Softmax', [g.op('Reshape', [nn.linear(withPos, cross.weights), weightShape])], {
            axis: attr.int(-1),
          }),
        ],
        {
          perm: attr.ints([0, 2, 1, 3]),
        },
      ),
      weightPlanes,
    ]);
    const mixed = g.op('Reshape', [
      g.op(
        'Transpose',
        [g.op('ReduceSum', [g.op('Mul', [sampled, weights]), pointAxis], { keepdims: attr.int(0) })],
        {
          perm: attr.ints([0, 3, 1, 2]),
        },
      ),
      mergedShape,
    ]);
    x = ln(g.op('Add', [x, nn.linear(mixed, cross.outProj)]), layer.norm2);
    x = ln(detr.ffn(layer.ffn, x), layer.norm3);
    query = x;
    const branch = head.branches[l];
    ref = g.op('Sigmoid', [g.op('Add', [detr.delta(branch, x), inverseSigmoid(ref)])]);
    if (l === head.layers.length - 1) {
      const instances = g.op('ReduceMean', [g.op('Reshape', [x, ints('instances', [-1, V, P, d])])], {
        axes: attr.ints([2]),
        keepdims: attr.int(0),
      });
      scores = g.op('Sigmoid', [detr.logits(branch, instances)]);
      const metres = g.op('Add', [
        g.op('Mul', [ref, floats('patch_size', [xBound[1] - xBound[0], yBound[1] - yBound[0]], [2])]),
        floats('patch_min', [xBound[0], yBound[0]], [2]),
      ]);
      pts = g.op('Reshape', [metres, ints('pts_shape_out', [-1, V, P, 2])]);
    }
  });
  return { scores: scores!, pts: pts! };
}
