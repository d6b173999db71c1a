import type { Vec3 } from './frames.ts';
import { type Mat3, type Mat4, mat4, mat4ApplyHomogeneous, mat4Chain } from './matrix.ts';
import type { RigidTransform } from './rigid-transform.ts';

/** Pinhole intrinsics K (pixels), row-major 3x3, as in `calibrated_sensor.camera_intrinsic`. */
export type CameraIntrinsics = Mat3;

export function intrinsicsFromRecord(
  k: readonly (readonly number[])[],
  what = 'camera_intrinsic',
): CameraIntrinsics {
  if (!Array.isArray(k) || k.length !== 3 || !k.every((row) => Array.isArray(row) && row.length === 3)) {
    throw new Error(`${what}: expected a 3x3 matrix, got ${JSON.stringify(k)}`);
  }
  const flat = k.flat();
  if (!flat.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`${what}: expected finite numbers, got ${JSON.stringify(k)}`);
  }
  return flat as unknown as CameraIntrinsics;
}

/**
 * K padded to 4x4 ("viewpad"). Applied to a camera-frame point it gives (u·z, v·z, z, 1): the 'image' frame is
 * homogeneous pixel coordinates with depth, the convention of mmdet3d's `lidar2img`.
 */
export function intrinsicsMatrix(k: CameraIntrinsics): Mat4<'camera', 'image'> {
  return mat4<'camera', 'image'>([k[0], k[1], k[2], 0, k[3], k[4], k[5], 0, k[6], k[7], k[8], 0, 0, 0, 0, 1]);
}

/** `F -> image` for a camera whose pose in `F` is `cameraToF` (e.g. lidar2img from camera->lidar). */
export function projectionMatrix<F extends string>(
  cameraToF: RigidTransform<'camera', F>,
  k: CameraIntrinsics,
): Mat4<F, 'image'> {
  return mat4Chain(cameraToF.inverse().toMatrix(), intrinsicsMatrix(k));
}

export interface PixelProjection {
  /** Column, pixels. */
  readonly u: number;
  /** Row, pixels. */
  readonly v: number;
  /** Depth along the camera's optical axis, metres; <= 0 means behind the camera (u, v are then meaningless). */
  readonly depth: number;
}

export function projectPoint<F extends string>(toImage: Mat4<F, 'image'>, p: Vec3<F>): PixelProjection {
  const [a, b, depth] = mat4ApplyHomogeneous(toImage, p);
  return { u: a / depth, v: b / depth, depth };
}
