import {
  bevFusionLidarToGlobal,
  lidarFrame,
  type Mat4,
  mat4Chain,
  mat4Inverse,
  type NuScenes,
} from '@mim4d/dataset';

/** Where a sample's LIDAR_TOP frame (in which its BEV grid lies) sits. */
export interface LidarPose {
  /** lidar -> the frame ego (the ego pose at the first camera's timestamp, the volume's frame). */
  lidarToEgo: Mat4<'lidar', 'ego'>;
  /** lidar -> global as BEVFusion builds it (float32), the pose its map masks are rasterised at. */
  lidarToGlobal: Mat4<'lidar', 'global'>;
}

/**
 * heads.md section 0: lidar_to_ego = inv(frame ego -> global) · lidar ego -> global · lidar -> lidar ego, since the
 * LiDAR fires at its own timestamp and the volume lies in the ego pose of the first camera.
 */
export function lidarPose(
  nusc: NuScenes,
  sampleToken: string,
  frameEgoToGlobal: Mat4<'ego', 'global'>,
): LidarPose {
  const lidar = lidarFrame(nusc, sampleToken);
  const lidarToLidarEgo = lidar.sensorToEgo.toMatrix();
  const lidarEgoToGlobal = lidar.egoToGlobal.toMatrix();
  const lidarToEgo = mat4Chain(
    mat4Chain(lidarToLidarEgo, lidarEgoToGlobal),
    mat4Inverse(frameEgoToGlobal),
  ) as Mat4<'lidar', 'ego'>;
  return { lidarToEgo, lidarToGlobal: bevFusionLidarToGlobal(lidar.sensorToEgo, lidar.egoToGlobal) };
}
