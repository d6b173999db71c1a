import { BEV_MAP_CLASSES } from '@mim4d/dataset';
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
import type { ConvBn } from '../model/conv-bn.ts';

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
  const bev = decoder(g, nn, model, bridge(g, nn, model, lifted));
  const logits = classifier(g, nn, model, gridTransform(g, model, bev, lidarToEgo));
  g.output(g.op('Sigmoid', [logits]), 'float32', outputs[0].shape, outputs[0].name);
  return g;
}

const relu = (g: OnnxGraphBuilder, x: OnnxValue) => g.op('Relu', [x]);
const convBn = (nn: OnnxLayers, x: OnnxValue, layer: ConvBn) => nn.conv2dFirst(x, layer.conv, layer.bn);

/** Lifted volume [b, C, Z, Y, X] -> BEV [b, bevChannels, Y, X]: height into channels (z·C + c), then the convs. */
function bridge(g: OnnxGraphBuilder, nn: OnnxLayers, model: BevSegmenter, lifted: OnnxValue): OnnxValue {
  const grid = model.backbone.grid;
  const C = model.config.backbone.neck.channels;
  const zMajor = g.op('Transpose', [lifted], { perm: attr.ints([0, 2, 1, 3, 4]) });
  const folded = g.op('Reshape', [zMajor, g.int64s('bridge.fold', [-1, grid.z * C, grid.y, grid.x])]);
  let x = relu(g, convBn(nn, folded, model.bridge.bridge));
  for (const layer of model.bridge.downsample) x = relu(g, convBn(nn, x, layer));
  return x;
}

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

/**
 * The decoder's ego-frame BEV [b, C, Y, X] read at every lidar cell centre: (x, y, 0, 1) through `lidar_to_ego`,
 * to BEV cell units (p - min) / size, normalised for GridSample's align_corners convention. Returns [b, C, i, j].
 */
function gridTransform(
  g: OnnxGraphBuilder,
  model: BevSegmenter,
  bev: OnnxValue,
  lidarToEgo: OnnxValue,
): OnnxValue {
  const { cellsX, cellsY, x, y } = model.cells;
  const n = cellsX * cellsY;
  const centres = new Float32Array(4 * n);
  for (let r = 0; r < n; r++) {
    centres[r] = x[r];
    centres[n + r] = y[r];
    centres[3 * n + r] = 1;
  }
  const ego = g.op('MatMul', [lidarToEgo, g.initializer('grid.lidar_cells', centres, 'float32', [4, n])]);
  const xy = g.op('Gather', [ego, g.int64s('grid.xy_rows', [0, 1])], { axis: attr.int(1) });
  // Voxel units u = (p - min) / size, then 2u / (cells - 1) - 1: one scale and offset per axis.
  const { min, size } = model.bev;
  const cells = [model.bev.x, model.bev.y];
  const scale = [0, 1].map((a) => 2 / size[a] / (cells[a] - 1));
  const offset = [0, 1].map((a) => (-2 * min[a]) / size[a] / (cells[a] - 1) - 1);
  const normalised = g.op('Add', [
    g.op('Mul', [xy, g.initializer('grid.scale', Float32Array.from(scale), 'float32', [2, 1])]),
    g.initializer('grid.offset', Float32Array.from(offset), 'float32', [2, 1]),
  ]);
  const grid = g.op('Reshape', [
    g.op('Transpose', [normalised], { perm: attr.ints([0, 2, 1]) }),
    g.int64s('grid.shape', [-1, cellsX, cellsY, 2]),
  ]);
  return g.op('GridSample', [bev, grid], {
    mode: attr.string('bilinear'),
    padding_mode: attr.string('zeros'),
    align_corners: attr.int(1),
  });
}

function classifier(g: OnnxGraphBuilder, nn: OnnxLayers, model: BevSegmenter, x: OnnxValue): OnnxValue {
  let h = x;
  for (const layer of model.head.classifier) h = relu(g, convBn(nn, h, layer));
  return nn.conv2dFirst(h, model.head.out);
}
