import { type Mat4, mat4, mat4Chain, mat4Inverse } from '@mim4d/dataset';
import type { SeededRandom } from '@mim4d/nn';

/**
 * A BEV augmentation of the scene, applied to a point in this order: rotation about ego z and uniform scale, then a
 * translation, then mirror flips of the ego axes (upstream's GlobalRotScaleTrans followed by RandomFlip3D).
 */
export interface BevAugmentation {
  /** Radians, counter-clockwise seen from above (the nuScenes yaw sense). */
  angle: number;
  scale: number;
  /** Metres along ego x, y, z; none when absent. */
  translation?: readonly [number, number, number];
  /** x -> -x and y -> -y after the translation; none when absent. */
  flipX?: boolean;
  flipY?: boolean;
}

export interface BevAugmentationRanges {
  /** [min, max] radians (upstream ±0.3925). */
  rotation: readonly [number, number];
  /** [min, max] factor (upstream 0.95..1.05). */
  scale: readonly [number, number];
  /** Standard deviation of a normal translation per axis, metres; nothing is drawn when absent. */
  translationStd?: number;
  /** Flip each BEV axis with probability 0.5; nothing is drawn when absent or false. */
  flip?: boolean;
}

/**
 * Draws the angle, then the scale, uniformly in their ranges, then (when asked for) the translation and the two
 * flips, in the order of upstream's transforms. The detection recipe (UnifiedRotScaleTransFlip with translation std
 * 0 and flip probability 0) draws the first two only. Upstream's mmdet3d 0.17 boxes turn by −angle in the
 * nuScenes sense; the range is symmetric, so the distribution is the same.
 */
export function drawBevAugmentation(rng: SeededRandom, ranges: BevAugmentationRanges): BevAugmentation {
  const [r0, r1] = ranges.rotation;
  const [s0, s1] = ranges.scale;
  if (!(Number.isFinite(r0) && Number.isFinite(r1) && r0 <= r1)) {
    throw new Error(
      `drawBevAugmentation: rotation must be a finite [min, max] with min <= max, got [${r0}, ${r1}]`,
    );
  }
  if (!(s0 > 0 && Number.isFinite(s1) && s0 <= s1)) {
    throw new Error(
      `drawBevAugmentation: scale must be a finite [min, max] with 0 < min <= max, got [${s0}, ${s1}]`,
    );
  }
  const std = ranges.translationStd;
  if (std !== undefined && !(std >= 0 && Number.isFinite(std))) {
    throw new Error(`drawBevAugmentation: translationStd must be a finite number >= 0, got ${std}`);
  }
  const angle = r0 + (r1 - r0) * rng.next();
  const scale = s0 + (s1 - s0) * rng.next();
  const aug: BevAugmentation = { angle, scale };
  if (std !== undefined) aug.translation = [std * rng.normal(), std * rng.normal(), std * rng.normal()];
  if (ranges.flip === true) {
    aug.flipY = rng.next() < 0.5;
    aug.flipX = rng.next() < 0.5;
  }
  return aug;
}

/** A = F · T · s · Rz(angle): where a point of the original ego frame moves to. */
export function bevMatrix(aug: BevAugmentation): Mat4<'ego', 'ego'> {
  const c = aug.scale * Math.cos(aug.angle);
  const s = aug.scale * Math.sin(aug.angle);
  const [tx, ty, tz] = aug.translation ?? [0, 0, 0];
  const fx = aug.flipX === true ? -1 : 1;
  const fy = aug.flipY === true ? -1 : 1;
  return mat4<'ego', 'ego'>([
    fx * c,
    -fx * s,
    0,
    fx * tx,
    fy * s,
    fy * c,
    0,
    fy * ty,
    0,
    0,
    aug.scale,
    tz,
    0,
    0,
    0,
    1,
  ]);
}

/**
 * The camera matrix of the augmented scene, m · A⁻¹: an augmented point A·p lands on the pixel where p did, so
 * the images stay as they are while the scene (boxes, volume, map) turns, scales, moves and mirrors.
 */
export function augmentEgoToImage(m: Mat4<'ego', 'image'>, aug: BevAugmentation): Mat4<'ego', 'image'> {
  return mat4Chain(mat4Inverse(bevMatrix(aug)), m);
}
