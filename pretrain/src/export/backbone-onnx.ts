import { type Dim, OnnxGraphBuilder, type OnnxValue } from '@mim4d/nn';
import type { Mim4dModel } from '../model/mim4d.ts';
import { imageEncoderGraph } from './image-encoder-graph.ts';
import { liftingGraph } from './lifting-graph.ts';
import { onnxLayers } from './onnx-layers.ts';

/** Name of the batch dimension: one row per frame, each lifted into its own ego frame. */
export const BATCH_DIM = 'batch';

export interface TensorContract {
  name: string;
  dtype: 'float32';
  shape: Dim[];
}

/** The graph's inputs and outputs, in graph order; the model card declares exactly these. */
export function backboneContract(model: Mim4dModel): { inputs: TensorContract[]; outputs: TensorContract[] } {
  const { cameras: N, imageHeight: H, imageWidth: W } = model.config.input;
  const { x, y, z } = model.grid;
  const b = BATCH_DIM;
  const f32 = (name: string, shape: Dim[]): TensorContract => ({ name, dtype: 'float32', shape });
  return {
    inputs: [f32('images', [b, N, H, W, 3]), f32('ego_to_image', [b, N, 4, 4])],
    outputs: [
      f32('voxel_features', [b, z, y, x, model.config.volume.channels]),
      f32('lifted_features', [b, z, y, x, model.config.neck.channels]),
      ...model.backbone
        .levelSizes()
        .map(([h, w], l) => f32(`depth_l${l}`, [b, N, h, w, model.config.depth.bins])),
    ],
  };
}

/**
 * The MIM4D backbone as ONNX (opset 17), the encoder path of `Mim4dModel.encode` in evaluation mode (no patch
 * mask, no stochastic depth, BatchNorm on running statistics):
 *
 * - `images` [batch, N, H, W, 3]: RGB in [0, 1] at the network size, cameras in the training order.
 * - `ego_to_image` [batch, N, 4, 4]: row-major, that frame's ego frame (metres) -> network-input pixels
 *   (u * z, v * z, z, 1) with intrinsics scaled to the resized image.
 * - `voxel_features` [batch, Z, Y, X, Cv]: after render_conv (Conv3d + BatchNorm + ReLU), the volume the SDF
 *   renderer reads; voxel (iz, iy, ix) is the ego point pcRange.min + i * voxelSize.
 * - `lifted_features` [batch, Z, Y, X, C]: the lifted volume before render_conv, what a UVTR head's own 3D convs
 *   start from.
 * - `depth_l{i}` [batch, N, h_i, w_i, bins]: per FPN level the depth-bin distribution (for depth supervision).
 */
export function backboneOnnx(model: Mim4dModel): OnnxGraphBuilder {
  const config = model.config;
  const g = new OnnxGraphBuilder({ name: `mim4d_backbone_${config.name}`, opset: 17 });
  const nn = onnxLayers(g);
  const { inputs, outputs } = backboneContract(model);
  const [images, egoToImage] = inputs.map((t) => g.input(t.name, t.dtype, t.shape));
  const { cameras: N, imageHeight: H, imageWidth: W } = config.input;
  const views = g.op('Reshape', [images, g.int64s('input.views', [-1, H, W, 3])]);
  const { features, depth } = imageEncoderGraph(g, nn, model.backbone, views);
  const lifted = liftingGraph(g, nn, model.backbone, egoToImage, features, depth);
  const bn = model.renderConv.bn;
  const normalised = g.op('Div', [
    g.op('Sub', [nn.toLast(nn.conv3dFirst(lifted, model.renderConv.conv), 5), nn.param(bn.runningMean)]),
    g.op('Sqrt', [g.op('Add', [nn.param(bn.runningVar), nn.scalar('render_conv.bn.eps', bn.eps)])]),
  ]);
  const volume = g.op('Relu', [
    g.op('Add', [g.op('Mul', [normalised, nn.param(bn.gamma)]), nn.param(bn.beta)]),
  ]);
  const values: OnnxValue[] = [
    volume,
    nn.toLast(lifted, 5),
    ...depth.map((d, l) => {
      const [h, w] = model.backbone.levelSizes()[l];
      return g.op('Reshape', [d, g.int64s(`depth_l${l}.shape`, [-1, N, h, w, config.depth.bins])]);
    }),
  ];
  outputs.forEach((t, i) => {
    g.output(values[i], t.dtype, t.shape, t.name);
  });
  return g;
}
