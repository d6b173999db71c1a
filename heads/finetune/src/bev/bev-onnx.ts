import { attr, type OnnxGraphBuilder, type OnnxValue } from '@mim4d/nn';
import type { OnnxLayers } from '@mim4d/pretrain';
import type { BevBridge } from './bev-bridge.ts';
import type { EgoBevGrid, LidarCells } from './grid-transform.ts';

/**
 * `BevBridge.apply` in evaluation mode: lifted volume [b, C, Z, Y, X] -> BEV [b, bevChannels, Y, X], height into
 * channels (z·C + c), then the convs with each BatchNorm folded in.
 */
export function bevBridgeGraph(
  g: OnnxGraphBuilder,
  nn: OnnxLayers,
  bridge: BevBridge,
  grid: { x: number; y: number; z: number },
  volumeChannels: number,
  lifted: OnnxValue,
): OnnxValue {
  const zMajor = g.op('Transpose', [lifted], { perm: attr.ints([0, 2, 1, 3, 4]) });
  const folded = g.op('Reshape', [
    zMajor,
    g.int64s('bridge.fold', [-1, grid.z * volumeChannels, grid.y, grid.x]),
  ]);
  let x = g.op('Relu', [nn.conv2dFirst(folded, bridge.bridge.conv, bridge.bridge.bn)]);
  for (const layer of bridge.downsample) x = g.op('Relu', [nn.conv2dFirst(x, layer.conv, layer.bn)]);
  return x;
}

/**
 * `lidarGridSampler` as a graph: the ego-frame BEV [b, C, Y, X] read at every lidar cell centre, (x, y, 0, 1)
 * through the `lidar_to_ego` input [b, 4, 4], to BEV cell units (p - min) / size, normalised for GridSample's
 * align_corners convention. Returns [b, C, i, j].
 */
export function lidarGridGraph(
  g: OnnxGraphBuilder,
  cells: LidarCells,
  bev: EgoBevGrid,
  bevMap: OnnxValue,
  lidarToEgo: OnnxValue,
): OnnxValue {
  const { cellsX, cellsY, x, y } = cells;
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
  const { min, size } = bev;
  const counts = [bev.x, bev.y];
  const scale = [0, 1].map((a) => 2 / size[a] / (counts[a] - 1));
  const offset = [0, 1].map((a) => (-2 * min[a]) / size[a] / (counts[a] - 1) - 1);
  const normalised = g.op('Add', [
    g.op('Mul', [xy, g.initializer('grid.scale', Float32Array.from(scale), 'float32', [2, 1])]),
    g.initializer('grid.offset', Float32Array.from(offset), 'float32', [2, 1]),
  ]);
  const grid = g.op('Reshape', [
    g.op('Transpose', [normalised], { perm: attr.ints([0, 2, 1]) }),
    g.int64s('grid.shape', [-1, cellsX, cellsY, 2]),
  ]);
  return g.op('GridSample', [bevMap, grid], {
    mode: attr.string('bilinear'),
    padding_mode: attr.string('zeros'),
    align_corners: attr.int(1),
  });
}
