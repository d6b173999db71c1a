import { BEV_MAP_CLASSES } from '@mim4d/dataset';
import { bevBridgeGraph, type ConvBn, lidarGridGraph } from '@mim4d/finetune';
import { attr, OnnxGraphBuilder, type OnnxValue } from '@mim4d/nn';
import {
  BATCH_DIM,
  imageEncoderGraph,
  liftingGraph,
  type OnnxLayers,
  onnxLayers,
  type TensorContract,
} from '@mim4d/pretrain';
import type { BevSegmenter } from '../model/bev-segmenter.ts';

/** The segmenter's inputs and outputs, in graph order; the model card declares exactly these (heads.md 2.3). */
export function bevSegContract(model: BevSegmenter): { inputs: TensorContract[]; outputs: TensorContract[] } {
  const { cameras: N, imageHeight: H, imageWidth: W } = model.config.backbone.input;
  const { cellsX, cellsY } = model.cells;
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
    outputs: [f32('probs', [b, BEV_MAP_CLASSES.length, cellsX, cellsY])],
  };
}

/**
 * The BEV segmenter as ONNX (opset 17), `BevSegmenter.forward` in evaluation mode followed by a sigmoid: the
 * backbone's image encoder and lifting graphs, then the BEV layers channels-first with each BatchNorm folded into
 * its conv, the grid transform as a GridSample at the lidar cell centres carried into the frame ego by the
 * `lidar_to_ego` input (MatMul on constant homogeneous centres), and the classifier. `probs` is [b, 6, i, j], the
 * layout of one `<token>.npy` for `mim4d-eval bev-seg`.
 */
export function bevSegOnnx(model: BevSegmenter): OnnxGraphBuilder {
  const config = model.config;
  const g = new OnnxGraphBuilder({ name: `mim4d_bevseg_${config.name}`, opset: 17 });
  const nn = onnxLayers(g);
  const { inputs, outputs } = bevSegContract(model);
  const [images, egoToImage, lidarToEgo] = inputs.map((t) => g.input(t.name, t.dtype, t.shape));
  const { imageHeight: H, imageWidth: W } = config.backbone.input;
  const views = g.op('Reshape', [images, g.int64s('input.views', [-1, H, W, 3])]);
  const { features, depth } = imageEncoderGraph(g, nn, model.backbone, views);
  const lifted = liftingGraph(g, nn, model.backbone, egoToImage, features, depth);
  const grid = model.backbone.grid;
  const bridged = bevBridgeGraph(g, nn, model.bridge, grid, config.backbone.neck.channels, lifted);
  const bev = decoder(g, nn, model, bridged);
  const logits = classifier(g, nn, model, lidarGridGraph(g, model.cells, model.bev, bev, lidarToEgo));
  g.output(g.op('Sigmoid', [logits]), 'float32', outputs[0].shape, outputs[0].name);
  return g;
}

const relu = (g: OnnxGraphBuilder, x: OnnxValue) => g.op('Relu', [x]);
const convBn = (nn: OnnxLayers, x: OnnxValue, layer: ConvBn) => nn.conv2dFirst(x, layer.conv, layer.bn);

/** GeneralizedResNet + LSSFPN, channels-first. */
function decoder(g: OnnxGraphBuilder, nn: OnnxLayers, model: BevSegmenter, bev: OnnxValue): OnnxValue {
  const stageOutputs: OnnxValue[] = [];
  let x = bev;
  for (const stage of model.decoder.stages) {
    for (const block of stage) {
      const y = convBn(nn, relu(g, convBn(nn, x, block.conv1)), block.conv2);
      x = relu(g, g.op('Add', [y, block.shortcut === null ? x : convBn(nn, x, block.shortcut)]));
    }
    stageOutputs.push(x);
  }
  // Each stage's conv (3x3, padding 1) gives ceil(size / stride); LSSFPN resizes the last stage to the first's size,
  // which a Resize by scales reproduces only for a whole factor.
  const sizes: number[] = [];
  let size = model.bev.y;
  for (const stride of model.config.head.stageStrides) {
    size = Math.ceil(size / stride);
    sizes.push(size);
  }
  const factor = sizes[0] / sizes[sizes.length - 1];
  if (!Number.isInteger(factor)) {
    throw new Error(
      `config ${model.config.name}: the first decoder stage (${sizes[0]} cells) is not a whole multiple of the last ` +
        `(${sizes[sizes.length - 1]}), which the ONNX Resize cannot reproduce`,
    );
  }
  const resize = (v: OnnxValue, scale: number, name: string) =>
    g.op('Resize', [v, null, g.initializer(name, [1, 1, scale, scale], 'float32', [4])], {
      mode: attr.string('linear'),
      coordinate_transformation_mode: attr.string('align_corners'),
    });
  const { neck } = model;
  let y = g.op(
    'Concat',
    [resize(stageOutputs[stageOutputs.length - 1], factor, 'neck.resize_scales'), stageOutputs[0]],
    {
      axis: attr.int(1),
    },
  );
  for (const layer of neck.fuse) y = relu(g, convBn(nn, y, layer));
  if (neck.scale > 1) {
    y = resize(y, neck.scale, 'neck.upsample_scales');
    for (const layer of neck.upsample) y = relu(g, convBn(nn, y, layer));
  }
  return y;
}

function classifier(g: OnnxGraphBuilder, nn: OnnxLayers, model: BevSegmenter, x: OnnxValue): OnnxValue {
  let h = x;
  for (const layer of model.head.classifier) h = relu(g, convBn(nn, h, layer));
  return nn.conv2dFirst(h, model.head.out);
}
