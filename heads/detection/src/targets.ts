/**
 * Detection training targets of one sample in the frame ego frame (heads.md 1.3): the GT boxes of the ten
 * classes with lidar or radar points, as UVTR's regression code.
 */
import {
  type DetectionGtBox,
  detectionGroundTruth,
  type Mat4,
  mat4Inverse,
  type NuScenes,
  sampleGroundTruth,
} from '@mim4d/dataset';
import type { BevAugmentation } from '@mim4d/finetune';
import { DETECTION_HEAD_CLASSES } from './classes.ts';

/** Numbers per target: cx, cy, log w, log l, cz, log h, sin yaw, cos yaw, vx, vy. */
export const TARGET_CODE_SIZE = 10;

export interface DetectionTargets {
  count: number;
  /**
   * [count * 10]: gravity centre (m) and velocity (m/s) in the frame ego, log sizes (w, l, h in m), sin/cos of
   * the yaw of the box's length axis from ego x; velocity 0 where unknown.
   */
  code: Float32Array;
  /** Index into DETECTION_HEAD_CLASSES. */
  labels: Int32Array;
  /** 0 where the annotation's velocity is unknown (NaN): its velocity terms are left out of the loss (U6). */
  velocityValid: Uint8Array;
}

/**
 * The targets of `sampleToken`: detection-class boxes with lidar + radar points > 0 (upstream `valid_flag`),
 * moved into the frame ego (`frameEgoToGlobal`, the pose at the first camera's timestamp), then, when `aug` is
 * given, augmented; last, boxes whose BEV centre is not strictly inside `pcRange`'s x/y are dropped. The range
 * test comes after the augmentation, as upstream's ObjectRangeFilter follows UnifiedRotScaleTransFlip.
 * `pcRange` is [xmin, ymin, zmin, xmax, ymax, zmax] in metres.
 */
export function detectionTargets(
  nusc: NuScenes,
  sampleToken: string,
  frameEgoToGlobal: Mat4<'ego', 'global'>,
  pcRange: readonly number[],
  aug?: BevAugmentation,
): DetectionTargets {
  checkRange(pcRange);
  const boxes = detectionGroundTruth(sampleGroundTruth(nusc, sampleToken).global).filter((b) => b.numPts > 0);
  let targets = encode(boxes, mat4Inverse(frameEgoToGlobal));
  if (aug !== undefined) targets = augmentTargets(targets, aug);
  return keepInRange(targets, pcRange);
}

/** The GT of a scene turned by A = s · Rz(angle): centre ← A c, sizes × s, yaw + angle, velocity ← s · R v. */
export function augmentTargets(t: DetectionTargets, aug: BevAugmentation): DetectionTargets {
  const { angle, scale } = aug;
  if (!(Number.isFinite(angle) && scale > 0 && Number.isFinite(scale))) {
    throw new Error(`augmentTargets: angle must be finite and scale positive, got ${angle} and ${scale}`);
  }
  if (aug.translation !== undefined || aug.flipX === true || aug.flipY === true) {
    throw new Error(
      'augmentTargets: the detection recipe turns and scales only; translation and flips are not supported',
    );
  }
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const logScale = Math.log(scale);
  const code = new Float32Array(t.code.length);
  for (let i = 0; i < t.count; i++) {
    const src = t.code.subarray(i * TARGET_CODE_SIZE, (i + 1) * TARGET_CODE_SIZE);
    const [x, y, logW, logL, z, logH, sinYaw, cosYaw, vx, vy] = src;
    code.set(
      [
        scale * (c * x - s * y),
        scale * (s * x + c * y),
        logW + logScale,
        logL + logScale,
        scale * z,
        logH + logScale,
        sinYaw * c + cosYaw * s,
        cosYaw * c - sinYaw * s,
        scale * (c * vx - s * vy),
        scale * (s * vx + c * vy),
      ],
      i * TARGET_CODE_SIZE,
    );
  }
  return { count: t.count, code, labels: t.labels.slice(), velocityValid: t.velocityValid.slice() };
}

function encode(
  boxes: readonly DetectionGtBox<'global'>[],
  globalToEgo: Mat4<'global', 'ego'>,
): DetectionTargets {
  const m = globalToEgo;
  const code = new Float32Array(boxes.length * TARGET_CODE_SIZE);
  const labels = new Int32Array(boxes.length);
  const velocityValid = new Uint8Array(boxes.length);
  boxes.forEach((box, i) => {
    const [w, l, h] = box.size;
    if (!(w > 0 && l > 0 && h > 0)) {
      throw new Error(
        `sample_annotation.json record "${box.annotationToken}": field "size": every size must be positive, got [${box.size}]`,
      );
    }
    const label = (DETECTION_HEAD_CLASSES as readonly string[]).indexOf(box.detectionName);
    const [gx, gy, gz] = box.center;
    // The box's length axis (its x axis) in the frame ego: the first column of R_ego·R_box.
    const r = box.rotation.rotationMatrix();
    const ax = m[0] * r[0] + m[1] * r[3] + m[2] * r[6];
    const ay = m[4] * r[0] + m[5] * r[3] + m[6] * r[6];
    const yaw = Math.atan2(ay, ax);
    // Upstream (mmdet3d's create_data) rotates the global (vx, vy, 0): the vertical velocity is dropped first.
    const [vx, vy] = box.velocity;
    const known = Number.isFinite(vx) && Number.isFinite(vy);
    code.set(
      [
        m[0] * gx + m[1] * gy + m[2] * gz + m[3],
        m[4] * gx + m[5] * gy + m[6] * gz + m[7],
        Math.log(w),
        Math.log(l),
        m[8] * gx + m[9] * gy + m[10] * gz + m[11],
        Math.log(h),
        Math.sin(yaw),
        Math.cos(yaw),
        known ? m[0] * vx + m[1] * vy : 0,
        known ? m[4] * vx + m[5] * vy : 0,
      ],
      i * TARGET_CODE_SIZE,
    );
    labels[i] = label;
    velocityValid[i] = known ? 1 : 0;
  });
  return { count: boxes.length, code, labels, velocityValid };
}

/** mmdet3d's `in_range_bev`: strictly inside on x and y. */
function keepInRange(t: DetectionTargets, pcRange: readonly number[]): DetectionTargets {
  const [xmin, ymin, , xmax, ymax] = pcRange;
  const keep: number[] = [];
  for (let i = 0; i < t.count; i++) {
    const x = t.code[i * TARGET_CODE_SIZE];
    const y = t.code[i * TARGET_CODE_SIZE + 1];
    if (x > xmin && y > ymin && x < xmax && y < ymax) keep.push(i);
  }
  const code = new Float32Array(keep.length * TARGET_CODE_SIZE);
  keep.forEach((i, k) => {
    code.set(t.code.subarray(i * TARGET_CODE_SIZE, (i + 1) * TARGET_CODE_SIZE), k * TARGET_CODE_SIZE);
  });
  return {
    count: keep.length,
    code,
    labels: Int32Array.from(keep, (i) => t.labels[i]),
    velocityValid: Uint8Array.from(keep, (i) => t.velocityValid[i]),
  };
}

function checkRange(pcRange: readonly number[]): void {
  if (
    pcRange.length !== 6 ||
    !pcRange.every(Number.isFinite) ||
    !(pcRange[0] < pcRange[3] && pcRange[1] < pcRange[4] && pcRange[2] < pcRange[5])
  ) {
    throw new Error(
      `detectionTargets: pcRange must be [xmin, ymin, zmin, xmax, ymax, zmax] with each min < max, got [${pcRange}]`,
    );
  }
}
