import { type Mat4, mat4Chain, mat4Inverse } from '@mim4d/dataset';
import { type FixedSampler, fixedGridSampler } from '@mim4d/nn';
import type { VoxelGrid } from './voxel-grid.ts';

/** Rigid transform from target frame k's ego frame to source frame j's ego frame, through the global frame. */
export function targetToSource(
  targetEgoToGlobal: Mat4<'ego', 'global'>,
  sourceEgoToGlobal: Mat4<'ego', 'global'>,
): Mat4<'ego', 'ego'> {
  return mat4Chain(targetEgoToGlobal, mat4Inverse(sourceEgoToGlobal)) as Mat4<'ego', 'ego'>;
}

/**
 * Backward warp of frame j's volume into frame k's grid: each voxel index of k goes index -> metric (k's ego)
 * -> metric (j's ego) -> index of j, where V_j is trilinearly sampled (zeros outside). The released code applies
 * the metric transform to raw indices; this is the corrected form (method spec 1.5).
 */
export function egoWarpSampler(grid: VoxelGrid, kToJ: Mat4<'ego', 'ego'>): FixedSampler {
  const n = grid.cells;
  const cx = new Float32Array(n);
  const cy = new Float32Array(n);
  const cz = new Float32Array(n);
  const m = kToJ;
  for (let iz = 0; iz < grid.z; iz++) {
    for (let iy = 0; iy < grid.y; iy++) {
      for (let ix = 0; ix < grid.x; ix++) {
        const [px, py, pz] = grid.indexToMetric(ix, iy, iz);
        const qx = m[0] * px + m[1] * py + m[2] * pz + m[3];
        const qy = m[4] * px + m[5] * py + m[6] * pz + m[7];
        const qz = m[8] * px + m[9] * py + m[10] * pz + m[11];
        const [jx, jy, jz] = grid.metricToIndex(qx, qy, qz);
        const i = grid.flatIndex(ix, iy, iz);
        cx[i] = jx;
        cy[i] = jy;
        cz[i] = jz;
      }
    }
  }
  return fixedGridSampler([cx, cy, cz], grid.dims);
}
