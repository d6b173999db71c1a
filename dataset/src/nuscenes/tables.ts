/**
 * Record types of the nuScenes v1.0 tables, field for field as in `<dataroot>/<version>/<table>.json`
 * (nuscenes-devkit docs/schema_nuscenes.md). Tokens are strings; an empty string means "none" for the
 * optional links (`prev`, `next`, `visibility_token`). Translations are metres, rotations [w, x, y, z].
 */

/** A record's primary or foreign key. */
export type Token = string;

export type Vector3Record = [number, number, number];
export type QuaternionRecord = [number, number, number, number];

export interface CategoryRecord {
  token: Token;
  /** Dotted taxonomy, e.g. `vehicle.bus.rigid`. */
  name: string;
  description: string;
  /** Label index in nuScenes-lidarseg `.bin` files; absent in category.json files older than lidarseg. */
  index?: number;
}

export interface AttributeRecord {
  token: Token;
  name: string;
  description: string;
}

export interface VisibilityRecord {
  token: Token;
  /** One of the bins `v0-40`, `v40-60`, `v60-80`, `v80-100`. */
  level: string;
  description: string;
}

export interface InstanceRecord {
  token: Token;
  category_token: Token;
  nbr_annotations: number;
  first_annotation_token: Token;
  last_annotation_token: Token;
}

export type SensorModality = 'camera' | 'lidar' | 'radar';

export interface SensorRecord {
  token: Token;
  channel: string;
  modality: SensorModality;
}

/** Sensor -> ego extrinsics of one sensor on one vehicle. */
export interface CalibratedSensorRecord {
  token: Token;
  sensor_token: Token;
  /** Sensor origin in the ego frame, metres. */
  translation: Vector3Record;
  /** Sensor -> ego rotation, [w, x, y, z]. */
  rotation: QuaternionRecord;
  /** Row-major 3x3 K in pixels; `[]` for sensors that are not cameras. */
  camera_intrinsic: number[][];
}

/** Ego -> global pose at one timestamp. */
export interface EgoPoseRecord {
  token: Token;
  /** Ego origin in the global frame, metres (z is always 0). */
  translation: Vector3Record;
  rotation: QuaternionRecord;
  /** Microseconds since the Unix epoch. */
  timestamp: number;
}

export interface LogRecord {
  token: Token;
  logfile: string;
  vehicle: string;
  /** YYYY-MM-DD. */
  date_captured: string;
  /** e.g. `singapore-onenorth`, `boston-seaport`. */
  location: string;
}

export interface SceneRecord {
  token: Token;
  /** e.g. `scene-0061`; the official splits list scenes by this name. */
  name: string;
  description: string;
  log_token: Token;
  nbr_samples: number;
  first_sample_token: Token;
  last_sample_token: Token;
}

/** An annotated key frame (2 Hz). */
export interface SampleRecord {
  token: Token;
  /** Microseconds since the Unix epoch. */
  timestamp: number;
  scene_token: Token;
  next: Token;
  prev: Token;
}

export interface SampleDataRecord {
  token: Token;
  /** The sample this belongs to; for a non-key frame, the sample that follows closest in time. */
  sample_token: Token;
  ego_pose_token: Token;
  calibrated_sensor_token: Token;
  /** Path relative to the dataroot, e.g. `samples/CAM_FRONT/....jpg`. */
  filename: string;
  /** e.g. `jpg`, `pcd`. */
  fileformat: string;
  /** Image width in pixels; 0 for non-images. */
  width: number;
  /** Image height in pixels; 0 for non-images. */
  height: number;
  /** Microseconds since the Unix epoch. */
  timestamp: number;
  is_key_frame: boolean;
  /** Next sample_data of the same sensor; '' at the end of the scene. */
  next: Token;
  /** Previous sample_data of the same sensor; '' at the start of the scene. */
  prev: Token;
}

/** A 3D box in the global frame. */
export interface SampleAnnotationRecord {
  token: Token;
  sample_token: Token;
  instance_token: Token;
  attribute_tokens: Token[];
  /** '' when no visibility is annotated. */
  visibility_token: Token;
  /** Box centre in the global frame, metres. */
  translation: Vector3Record;
  /** Width, length, height in metres. */
  size: Vector3Record;
  /** Box -> global rotation, [w, x, y, z]. */
  rotation: QuaternionRecord;
  num_lidar_pts: number;
  num_radar_pts: number;
  next: Token;
  prev: Token;
}

export interface MapRecord {
  token: Token;
  log_tokens: Token[];
  /** Currently always `semantic_prior`. */
  category: string;
  /** Path of the semantic-prior mask PNG relative to the dataroot. */
  filename: string;
}

export interface TableRecords {
  category: CategoryRecord;
  attribute: AttributeRecord;
  visibility: VisibilityRecord;
  instance: InstanceRecord;
  sensor: SensorRecord;
  calibrated_sensor: CalibratedSensorRecord;
  ego_pose: EgoPoseRecord;
  log: LogRecord;
  scene: SceneRecord;
  sample: SampleRecord;
  sample_data: SampleDataRecord;
  sample_annotation: SampleAnnotationRecord;
  map: MapRecord;
}

export type TableName = keyof TableRecords;

/** Every table the devkit loads, in its load order; all are required. */
export const TABLE_NAMES: readonly TableName[] = [
  'category',
  'attribute',
  'visibility',
  'instance',
  'sensor',
  'calibrated_sensor',
  'ego_pose',
  'log',
  'scene',
  'sample',
  'sample_data',
  'sample_annotation',
  'map',
];

/** `<table>.json`, found in `<dataroot>/<version>/`. */
export function tableFileName(table: TableName): string {
  return `${table}.json`;
}

/** All tables of one version, as loaded. */
export type Tables = { readonly [T in TableName]: readonly TableRecords[T][] };

/** The six surround cameras, in the order mmdet3d-style pipelines (and MIM4D) stack them. */
export const CAMERA_CHANNELS = [
  'CAM_FRONT',
  'CAM_FRONT_RIGHT',
  'CAM_FRONT_LEFT',
  'CAM_BACK',
  'CAM_BACK_LEFT',
  'CAM_BACK_RIGHT',
] as const;

export type CameraChannel = (typeof CAMERA_CHANNELS)[number];

export const LIDAR_CHANNEL = 'LIDAR_TOP';
