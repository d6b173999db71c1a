export { boxVelocity, MAX_VELOCITY_TIME_DIFF_S } from './box-velocity.ts';
export { NuScenes } from './database.ts';
export {
  BICYCLE_RACK_CATEGORY,
  categoryToDetectionName,
  DETECTION_NAMES,
  type DetectionName,
} from './detection-classes.ts';
export {
  type DetectionGtBox,
  detectionGroundTruth,
  type GtBox,
  type SampleGroundTruth,
  sampleGroundTruth,
} from './ground-truth.ts';
export { JsonFileError, readJsonArrayFile } from './json-array-reader.ts';
export { LIDAR_POINT_STRIDE, type LidarPoints, readLidarPoints } from './lidar-points.ts';
export { FIELD_KINDS, type FieldKind, FOREIGN_KEYS, type ForeignKey } from './schema.ts';
export {
  type CameraFrame,
  type LidarFrame,
  lidarFrame,
  type SampleFrames,
  type SampleFramesOptions,
  sampleFrames,
} from './sensor-frames.ts';
export * from './tables.ts';
