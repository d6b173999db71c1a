export {
  type CameraIntrinsics,
  intrinsicsFromRecord,
  intrinsicsMatrix,
  type PixelProjection,
  projectionMatrix,
  projectPoint,
} from './camera.ts';
export { asVec3, type Frame, type Vec3, vec3 } from './frames.ts';
export { type Mat3, type Mat4, mat4, mat4ApplyHomogeneous, mat4Chain, mat4Inverse } from './matrix.ts';
export { Quaternion } from './quaternion.ts';
export { RigidTransform } from './rigid-transform.ts';
