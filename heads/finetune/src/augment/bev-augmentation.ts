import { type Mat4, mat4, mat4Chain, mat4Inverse } from '@mim4d/dataset';
import type { SeededRandom } from '@mim4d/nn';

/** A BEV rotation about ego z and a uniform scale: A = s · Rz(angle), applied to the scene. */
export interface BevAugmentation {
  /** Radians, counter-clockwise seen from above (the nuScenes yaw sense). */
  angle: number;
  scale: number;
}

export interface BevAugmentationRanges {
  /** [min, max] radians (upstream ±0.3925). */
  rotation: readonly [number, number];
  /** [min, max] factor (upstream 0.95..1.05). */
  scale: readonly [number, number];
}

/**
 * Draws the angle, then the scale, uniformly in their ranges, in the order of upstream's
 * UnifiedRotScaleTransFlip (its translation std is 0 and its flips have probability 0, so nothing else is drawn).
 * Upstream's mmdet3d 0.17 boxes turn by −angle in the nuScenes sense; the range is symmetric, so the
 * distribution is the same.
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
  const angle = r0 + (r1 - r0) * rng.next();
  const scale = s0 + (s1 - s0) * rng.next();
  return { angle, scale };
}

/** A = s · Rz(angle) on x, y, z (no translation): where a point of the original ego frame moves to. */
export function bevMatrix(aug: BevAugmentation): Mat4<'ego', 'ego'> {
  const c = aug.scale * Math.cos(aug.angle);
  const s = aug.scale * Math.sin(aug.angle);
  return mat4<'ego', 'ego'>([c, -s, 0, 0, s, c, 0, 0, 0, 0, aug.scale, 0, 0, 0, 0, 1]);
}

/**
 * The camera matrix of the augmented scene, m · A⁻¹: an augmented point A·p lands on the pixel where p did, so
 * the images stay as they are while the scene (boxes, volume) turns and scales.
 */
export function augmentEgoToImage(m: Mat4<'ego', 'image'>, aug: BevAugmentation): Mat4<'ego', 'image'> {
  return mat4Chain(mat4Inverse(bevMatrix(aug)), m);
}
