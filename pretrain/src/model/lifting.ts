import { applyFixedSampler, type FixedSampler, fixedGridSampler } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';
import type { FrameInput } from './sample.ts';
import type { VoxelGrid } from './voxel-grid.ts';

/** The projections of one frame's voxel corners into one feature level: which rows read what. */
export interface LevelLiftPlan {
  /** Bilinear lookups into the level's features [N * h * w, C] (plane = camera). */
  feature: FixedSampler;
  /** Trilinear lookups into the depth distribution [N * bins * h * w, 1] (plane = camera). */
  depth: FixedSampler;
  /** Destination voxel of each row. */
  voxel: Int32Array;
}

/**
 * UVTR Uni3DViewTrans, geometry half: every voxel corner is projected into every camera; a hit (z > 1e-5, inside
 * the image, depth inside the bins) becomes one row. Pure host arithmetic on the camera matrices, computed once
 * per sample.
 */
export function planLifting(
  config: Mim4dConfig,
  grid: VoxelGrid,
  frame: FrameInput,
  levelSizes: [number, number][],
): LevelLiftPlan[] {
  const { imageHeight: H, imageWidth: W } = config.input;
  const { bins, min: dmin, step } = config.depth;
  const dmax = dmin + bins * step;
  return levelSizes.map(([h, w]) => {
    const fu: number[] = [];
    const fv: number[] = [];
    const fd: number[] = [];
    const cams: number[] = [];
    const voxels: number[] = [];
    frame.cameras.forEach((cam, c) => {
      const m = cam.egoToImage;
      for (let iz = 0; iz < grid.z; iz++) {
        for (let iy = 0; iy < grid.y; iy++) {
          for (let ix = 0; ix < grid.x; ix++) {
            const [px, py, pz] = grid.indexToMetric(ix, iy, iz);
            const zc = m[8] * px + m[9] * py + m[10] * pz + m[11];
            if (!(zc > 1e-5) || zc <= dmin || zc >= dmax) continue;
            const u = (m[0] * px + m[1] * py + m[2] * pz + m[3]) / zc;
            const v = (m[4] * px + m[5] * py + m[6] * pz + m[7]) / zc;
            if (u < 0 || u > W - 1 || v < 0 || v > H - 1) continue;
            // grid_sample with align_corners=True over the padded image: pixel 0..W-1 spans cells 0..w-1.
            fu.push((u / (W - 1)) * (w - 1));
            fv.push((v / (H - 1)) * (h - 1));
            fd.push(((zc - dmin) / (dmax - dmin)) * (bins - 1));
            cams.push(c);
            voxels.push(grid.flatIndex(ix, iy, iz));
          }
        }
      }
    });
    const plane = Int32Array.from(cams);
    const u = Float32Array.from(fu);
    const v = Float32Array.from(fv);
    return {
      feature: fixedGridSampler([u, v], [w, h], plane),
      depth: fixedGridSampler([u, v, Float32Array.from(fd)], [w, h, bins], plane),
      voxel: Int32Array.from(voxels),
    };
  });
}

/**
 * UVTR lifting, tensor half: feature x depth probability summed over cameras and levels into the voxels.
 * features[l]: [N, h, w, C] and depth[l]: [N, h, w, bins] of one frame; returns [Z, Y, X, C].
 */
export function liftToVoxels(
  plans: LevelLiftPlan[],
  features: tf.Tensor4D[],
  depth: tf.Tensor4D[],
  grid: VoxelGrid,
): tf.Tensor4D {
  const channels = features[0].shape[3];
  let volume: tf.Tensor2D = tf.zeros([grid.cells, channels]);
  plans.forEach((plan, l) => {
    if (plan.voxel.length === 0) return;
    const feat = applyFixedSampler(tf.reshape(features[l], [-1, channels]), plan.feature);
    const depthTable = tf.reshape(tf.transpose(depth[l], [0, 3, 1, 2]), [-1, 1]) as tf.Tensor2D;
    const prob = applyFixedSampler(depthTable, plan.depth);
    const contrib = tf.mul(feat, prob);
    volume = tf.add(volume, tf.unsortedSegmentSum(contrib, tf.tensor1d(plan.voxel, 'int32'), grid.cells));
  });
  return tf.reshape(volume, [grid.z, grid.y, grid.x, channels]);
}
