import type { Mat4 } from '@mim4d/dataset';
import { type FixedSampler, fixedGridSampler } from '@mim4d/nn';

/** [min, max, step] along one axis of a lidar-frame output grid, metres; cells are [min + k·step, +step). */
export type GridBound = [number, number, number];

/** Cells along one axis of a grid. */
export function gridCells(bound: GridBound): number {
  return Math.round((bound[1] - bound[0]) / bound[2]);
}

/** The output grid's cell centres in the lidar frame, row r = i·cellsY + j (i along x): metres. */
export interface LidarCells {
  cellsX: number;
  cellsY: number;
  x: Float64Array;
  y: Float64Array;
}

/**
 * Cell (i, j) is centred at (xmin + (i + ½)·step, ymin + (j + ½)·step), as BEVFusion's BEVGridTransform and
 * MapTR's BEV (whose rows are y, so its [y, x] map read x-major is this [i, j] layout transposed).
 */
export function lidarCells(xBound: GridBound, yBound: GridBound): LidarCells {
  const cellsX = gridCells(xBound);
  const cellsY = gridCells(yBound);
  const x = new Float64Array(cellsX * cellsY);
  const y = new Float64Array(cellsX * cellsY);
  for (let i = 0; i < cellsX; i++) {
    for (let j = 0; j < cellsY; j++) {
      x[i * cellsY + j] = xBound[0] + (i + 0.5) * xBound[2];
      y[i * cellsY + j] = yBound[0] + (j + 0.5) * yBound[2];
    }
  }
  return { cellsX, cellsY, x, y };
}

/** The ego-frame BEV map the decoder gives: cell (ix, iy) stands for the voxel corner (min + ix·size, ...). */
export interface EgoBevGrid {
  x: number;
  y: number;
  min: readonly number[];
  size: readonly number[];
}

/**
 * The grid transform from the ego-frame BEV to a lidar-frame grid (heads.md 2.2, 3.2): each cell centre (z = 0 in
 * the lidar frame) is mapped by `lidarToEgo`, turned into BEV cell units (p - min) / size and read bilinearly with
 * zeros padding. Returns the fixed sampler over the BEV's [Y * X, C] table (row iy·X + ix).
 */
export function lidarGridSampler(
  lidarToEgo: Mat4<'lidar', 'ego'>,
  cells: LidarCells,
  bev: EgoBevGrid,
): FixedSampler {
  const m = lidarToEgo;
  const n = cells.x.length;
  const u = new Float32Array(n);
  const v = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const [lx, ly] = [cells.x[r], cells.y[r]];
    u[r] = (m[0] * lx + m[1] * ly + m[3] - bev.min[0]) / bev.size[0];
    v[r] = (m[4] * lx + m[5] * ly + m[7] - bev.min[1]) / bev.size[1];
  }
  return fixedGridSampler([u, v], [bev.x, bev.y]);
}
