import {
  BEV_MAP_CLASSES,
  type BevGrid,
  type BevMasks,
  bevMasksInPatch,
  bevSegmentationMasks,
  lidarPatch,
  type MapExpansion,
  type Mat4,
  mat4,
  mat4Chain,
  mat4Inverse,
} from '@mim4d/dataset';
import { type BevAugmentation, bevMatrix, type LidarPose } from '@mim4d/finetune';
import type { BevSegConfig } from '../config.ts';

/** The head's output grid as the rasteriser takes it. */
export function bevGrid(head: BevSegConfig['head']): BevGrid {
  return { xBound: head.xBound, yBound: head.yBound };
}

/** A sample's masks exactly as BEVFusion rasterises them at its lidar pose: validation and `mim4d-eval`. */
export function groundTruthMasks(map: MapExpansion, pose: LidarPose, grid: BevGrid): BevMasks {
  return bevSegmentationMasks(map, pose.lidarToGlobal, grid);
}

/**
 * The masks a training step's output grid must reproduce (heads.md 2.2): output cell c shows the augmented scene at
 * the frame-ego point lidar_to_ego · c, i.e. the map at M · c with M = frame ego -> global · A⁻¹ · lidar_to_ego.
 * M scales by 1 / s, so the patch is the grid's side / s, unlike upstream's fixed one (bug B1 fixed). An odd number
 * of flips makes M a reflection, which a map patch cannot be: the patch is taken at M · D, with D the mirror of
 * lidar y, and the masks are mirrored back along j. The rasteriser's pixel j stands for the point ymin + j·step
 * (OpenCV fills integer pixel positions), so D mirrors about y = -step / 2, which takes pixel j to pixel
 * cellsY - 1 - j exactly on a grid symmetric about the lidar.
 */
export function augmentedGroundTruthMasks(
  map: MapExpansion,
  frameEgoToGlobal: Mat4<'ego', 'global'>,
  lidarToEgo: Mat4<'lidar', 'ego'>,
  aug: BevAugmentation,
  grid: BevGrid,
): BevMasks {
  const toGlobal = mat4Chain(mat4Chain(lidarToEgo, mat4Inverse(bevMatrix(aug))), frameEgoToGlobal);
  const reflected = toGlobal[0] * toGlobal[5] - toGlobal[1] * toGlobal[4] < 0;
  const step = grid.yBound[2];
  const mirrorY = mat4<'lidar', 'lidar'>([1, 0, 0, 0, 0, -1, 0, -step, 0, 0, 1, 0, 0, 0, 0, 1]);
  const m = reflected ? mat4Chain(mirrorY, toGlobal) : toGlobal;
  const sideY = (grid.yBound[1] - grid.yBound[0]) / aug.scale;
  const sideX = (grid.xBound[1] - grid.xBound[0]) / aug.scale;
  const patch = lidarPatch(m, sideY, sideX);
  const canvasH = Math.round((grid.yBound[1] - grid.yBound[0]) / grid.yBound[2]);
  const canvasW = Math.round((grid.xBound[1] - grid.xBound[0]) / grid.xBound[2]);
  const masks = bevMasksInPatch(map, patch, canvasH, canvasW);
  return reflected ? mirrorJ(masks) : masks;
}

function mirrorJ(masks: BevMasks): BevMasks {
  const { sizeX, sizeY } = masks;
  const data = new Uint8Array(masks.data.length);
  for (let row = 0; row < masks.classes.length * sizeX; row++) {
    for (let j = 0; j < sizeY; j++) data[row * sizeY + j] = masks.data[row * sizeY + sizeY - 1 - j];
  }
  return { ...masks, data };
}

/** Masks [class][i][j] as training targets [i·sizeY + j, class], the layout of the head's logits. */
export function maskTargets(masks: BevMasks): Float32Array {
  const { sizeX, sizeY, data } = masks;
  const classes = BEV_MAP_CLASSES.length;
  const cells = sizeX * sizeY;
  const out = new Float32Array(cells * classes);
  for (let c = 0; c < classes; c++) {
    for (let r = 0; r < cells; r++) out[r * classes + c] = data[c * cells + r];
  }
  return out;
}
