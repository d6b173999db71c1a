import type { TableName, TableRecords } from './tables.ts';

/** How a field's JSON value must look. */
export type FieldKind =
  | 'string'
  /** A non-empty token. */
  | 'token'
  /** A token or '' for "none". */
  | 'optional-token'
  | 'tokens'
  | 'int'
  | 'optional-int'
  | 'bool'
  | 'vec3'
  | 'quaternion'
  /** 3x3, or [] for non-cameras. */
  | 'intrinsic'
  | 'modality';

export const FIELD_KINDS: {
  readonly [T in TableName]: { readonly [F in keyof TableRecords[T]]-?: FieldKind };
} = {
  category: { token: 'token', name: 'string', description: 'string', index: 'optional-int' },
  attribute: { token: 'token', name: 'string', description: 'string' },
  visibility: { token: 'token', level: 'string', description: 'string' },
  instance: {
    token: 'token',
    category_token: 'token',
    nbr_annotations: 'int',
    first_annotation_token: 'token',
    last_annotation_token: 'token',
  },
  sensor: { token: 'token', channel: 'string', modality: 'modality' },
  calibrated_sensor: {
    token: 'token',
    sensor_token: 'token',
    translation: 'vec3',
    rotation: 'quaternion',
    camera_intrinsic: 'intrinsic',
  },
  ego_pose: { token: 'token', translation: 'vec3', rotation: 'quaternion', timestamp: 'int' },
  log: { token: 'token', logfile: 'string', vehicle: 'string', date_captured: 'string', location: 'string' },
  scene: {
    token: 'token',
    name: 'string',
    description: 'string',
    log_token: 'token',
    nbr_samples: 'int',
    first_sample_token: 'token',
    last_sample_token: 'token',
  },
  sample: {
    token: 'token',
    timestamp: 'int',
    scene_token: 'token',
    next: 'optional-token',
    prev: 'optional-token',
  },
  sample_data: {
    token: 'token',
    sample_token: 'token',
    ego_pose_token: 'token',
    calibrated_sensor_token: 'token',
    filename: 'string',
    fileformat: 'string',
    width: 'int',
    height: 'int',
    timestamp: 'int',
    is_key_frame: 'bool',
    next: 'optional-token',
    prev: 'optional-token',
  },
  sample_annotation: {
    token: 'token',
    sample_token: 'token',
    instance_token: 'token',
    attribute_tokens: 'tokens',
    visibility_token: 'optional-token',
    translation: 'vec3',
    size: 'vec3',
    rotation: 'quaternion',
    num_lidar_pts: 'int',
    num_radar_pts: 'int',
    next: 'optional-token',
    prev: 'optional-token',
  },
  map: { token: 'token', log_tokens: 'tokens', category: 'string', filename: 'string' },
};

/** A field holding tokens of another table. */
export interface ForeignKey {
  readonly table: TableName;
  readonly field: string;
  readonly target: TableName;
}

export const FOREIGN_KEYS: readonly ForeignKey[] = [
  { table: 'instance', field: 'category_token', target: 'category' },
  { table: 'instance', field: 'first_annotation_token', target: 'sample_annotation' },
  { table: 'instance', field: 'last_annotation_token', target: 'sample_annotation' },
  { table: 'calibrated_sensor', field: 'sensor_token', target: 'sensor' },
  { table: 'scene', field: 'log_token', target: 'log' },
  { table: 'scene', field: 'first_sample_token', target: 'sample' },
  { table: 'scene', field: 'last_sample_token', target: 'sample' },
  { table: 'sample', field: 'scene_token', target: 'scene' },
  { table: 'sample', field: 'next', target: 'sample' },
  { table: 'sample', field: 'prev', target: 'sample' },
  { table: 'sample_data', field: 'sample_token', target: 'sample' },
  { table: 'sample_data', field: 'ego_pose_token', target: 'ego_pose' },
  { table: 'sample_data', field: 'calibrated_sensor_token', target: 'calibrated_sensor' },
  { table: 'sample_data', field: 'next', target: 'sample_data' },
  { table: 'sample_data', field: 'prev', target: 'sample_data' },
  { table: 'sample_annotation', field: 'sample_token', target: 'sample' },
  { table: 'sample_annotation', field: 'instance_token', target: 'instance' },
  { table: 'sample_annotation', field: 'attribute_tokens', target: 'attribute' },
  { table: 'sample_annotation', field: 'visibility_token', target: 'visibility' },
  { table: 'sample_annotation', field: 'next', target: 'sample_annotation' },
  { table: 'sample_annotation', field: 'prev', target: 'sample_annotation' },
];
// map.log_tokens is deliberately unchecked: the map table is shared by all versions, so a version's map.json
// lists logs of the other versions too; the devkit ignores those, and so do we. Every log must still have a map.

const MODALITIES = new Set(['camera', 'lidar', 'radar']);

function isFiniteNumbers(v: unknown, n: number): boolean {
  return Array.isArray(v) && v.length === n && v.every((c) => typeof c === 'number' && Number.isFinite(c));
}

/** Why `value` does not fit `kind`, or undefined when it does. */
export function fieldProblem(kind: FieldKind, value: unknown): string | undefined {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? undefined : 'expected a string';
    case 'token':
      return typeof value === 'string' && value !== '' ? undefined : 'expected a non-empty token string';
    case 'optional-token':
      return typeof value === 'string' ? undefined : 'expected a token string ("" for none)';
    case 'tokens':
      return Array.isArray(value) && value.every((t) => typeof t === 'string' && t !== '')
        ? undefined
        : 'expected an array of non-empty token strings';
    case 'int':
      return Number.isSafeInteger(value) ? undefined : 'expected an integer';
    case 'optional-int':
      return value === undefined || Number.isSafeInteger(value) ? undefined : 'expected an integer';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'expected true or false';
    case 'vec3':
      return isFiniteNumbers(value, 3) ? undefined : 'expected [x, y, z] as 3 finite numbers';
    case 'quaternion':
      return isFiniteNumbers(value, 4) ? undefined : 'expected [w, x, y, z] as 4 finite numbers';
    case 'intrinsic':
      return Array.isArray(value) &&
        (value.length === 0 || (value.length === 3 && value.every((r) => isFiniteNumbers(r, 3))))
        ? undefined
        : 'expected a 3x3 matrix of finite numbers, or [] for a sensor that is not a camera';
    case 'modality':
      return typeof value === 'string' && MODALITIES.has(value)
        ? undefined
        : 'expected "camera", "lidar" or "radar"';
  }
}
