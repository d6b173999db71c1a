import { attr, type OnnxGraphBuilder, type OnnxValue } from '@mim4d/nn';
import type { Mim4dBackbone } from '../model/backbone.ts';
import type { OnnxLayers } from './onnx-layers.ts';

/**
 * UVTR lifting (model/lifting.ts) as ONNX nodes, with the projection done in the graph so the camera matrices are
 * an input: every voxel corner is projected by every camera's ego->image matrix; where lifting.ts keeps a hit
 * (z > 1e-5, z inside the depth bins, (u, v) inside the image) the level's feature is sampled bilinearly and the
 * depth distribution trilinearly, and their product is summed over cameras and levels.
 *
 * Both samplings use 4-D GridSample (opset 16, align_corners, zeros padding), which every major runtime has; the
 * depth axis is interpolated with tent weights max(0, 1 - |d - k|) over the bins, which is exactly the linear
 * step of trilinear sampling. Misses get a harmless grid point and a zero weight, so no NaN from z ~ 0 leaks.
 *
 * egoToImage [b, N, 4, 4]; features[l] [b * N, h, w, C] and depth[l] [b * N, h, w, bins], camera-major within
 * each b. Returns the lifted volume channels-first, [b, C, Z, Y, X].
 */
export function liftingGraph(
  g: OnnxGraphBuilder,
  nn: OnnxLayers,
  model: Mim4dBackbone,
  egoToImage: OnnxValue,
  features: OnnxValue[],
  depth: OnnxValue[],
): OnnxValue {
  const config = model.config;
  const grid = model.grid;
  const { cameras: N, imageHeight: H, imageWidth: W } = config.input;
  const { bins, min: dmin, step } = config.depth;
  const dmax = dmin + bins * step;
  const C = config.neck.channels;
  const V = grid.cells;

  // Homogeneous voxel corners [4, V] in the volume's flat (z, y, x) order.
  const corners = new Float32Array(4 * V);
  for (let iz = 0; iz < grid.z; iz++) {
    for (let iy = 0; iy < grid.y; iy++) {
      for (let ix = 0; ix < grid.x; ix++) {
        const v = grid.flatIndex(ix, iy, iz);
        grid.indexToMetric(ix, iy, iz).forEach((p, a) => {
          corners[a * V + v] = p;
        });
        corners[3 * V + v] = 1;
      }
    }
  }
  const rowAxis = g.int64s('lift.row_axis', [2]);
  const rows = (x: OnnxValue, from: number, to: number, name: string) =>
    g.op('Slice', [x, g.int64s(`lift.${name}_start`, [from]), g.int64s(`lift.${name}_end`, [to]), rowAxis]);
  const projected = g.op('MatMul', [
    rows(egoToImage, 0, 3, 'projection_rows'),
    g.initializer('lift.voxel_corners', corners, 'float32', [4, V]),
  ]);
  // One row of the projection per (b, camera): [b * N, 1, 1, V], broadcasting against [b * N, channels, 1, V].
  const perView = g.int64s('lift.per_view', [-1, 1, 1, V]);
  const row = (i: number) => g.op('Reshape', [rows(projected, i, i + 1, `row${i}`), perView]);
  const zc = row(2);
  const u = g.op('Div', [row(0), zc]);
  const v = g.op('Div', [row(1), zc]);
  const s = nn.scalar;
  const zero = s('lift.zero', 0);
  const one = s('lift.one', 1);
  const hit = [
    g.op('Greater', [zc, s('lift.z_min', Math.max(1e-5, dmin))]),
    g.op('Less', [zc, s('lift.z_max', dmax)]),
    g.op('GreaterOrEqual', [u, zero]),
    g.op('LessOrEqual', [u, s('lift.u_max', W - 1)]),
    g.op('GreaterOrEqual', [v, zero]),
    g.op('LessOrEqual', [v, s('lift.v_max', H - 1)]),
  ].reduce((a, b) => g.op('And', [a, b]));
  const weightOfHit = g.op('Cast', [hit], { to: attr.dtype('float32') });

  // align_corners normalisation: pixel 0 -> -1 and W - 1 -> +1 at every level, as lifting.ts scales u by (w-1)/(W-1).
  const pointColumn = g.int64s('lift.point_column', [-1, 1, V, 1]);
  const normalised = (p: OnnxValue, size: number, name: string) =>
    g.op('Reshape', [
      g.op('Where', [
        hit,
        g.op('Sub', [g.op('Mul', [p, s(`lift.${name}_scale`, 2 / (size - 1))]), one]),
        zero,
      ]),
      pointColumn,
    ]);
  const samplingGrid = g.op('Concat', [normalised(u, W, 'u'), normalised(v, H, 'v')], { axis: attr.int(3) });
  const sample = (table: OnnxValue) =>
    g.op('GridSample', [nn.toFirst(table, 4), samplingGrid], {
      mode: attr.string('bilinear'),
      padding_mode: attr.string('zeros'),
      align_corners: attr.int(1),
    });

  const binCoord = g.op('Mul', [
    g.op('Div', [g.op('Sub', [zc, s('lift.d_min', dmin)]), s('lift.d_range', dmax - dmin)]),
    s('lift.d_last_bin', bins - 1),
  ]);
  const binIndex = g.initializer(
    'lift.bin_index',
    Float32Array.from({ length: bins }, (_, k) => k),
    'float32',
    [1, bins, 1, 1],
  );
  const tent = g.op('Relu', [g.op('Sub', [one, g.op('Abs', [g.op('Sub', [binCoord, binIndex])])])]);
  const binAxis = g.int64s('lift.bin_axis', [1]);

  if (features.length === 0) throw new Error('export: the model has no feature levels to lift');
  const lifted = features
    .map((f, l) => {
      const prob = g.op('ReduceSum', [g.op('Mul', [sample(depth[l]), tent]), binAxis], {
        keepdims: attr.int(1),
      });
      return g.op('Mul', [sample(f), g.op('Mul', [prob, weightOfHit])]);
    })
    .reduce((sum, contribution) => g.op('Add', [sum, contribution]));
  const perCamera = g.op('Reshape', [lifted, g.int64s('lift.per_camera', [-1, N, C, V])]);
  const summed = g.op('ReduceSum', [perCamera, g.int64s('lift.camera_axis', [1])], { keepdims: attr.int(0) });
  return g.op('Reshape', [summed, g.int64s('lift.volume', [-1, C, grid.z, grid.y, grid.x])]);
}
