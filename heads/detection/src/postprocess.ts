/**
 * The detector's raw outputs -> nuScenes submission boxes (heads.md 1.2 and 1.5): MIM4D's `NMSFreeCoder` and
 * `_format_bbox`, with the boxes already in the frame ego, so only ego -> global remains.
 */
import { DETECTION_NAMES, type DetectionName, type Mat4, Quaternion } from '@mim4d/dataset';

/** The devkit's cap on boxes per sample. */
export const MAX_BOXES_PER_SAMPLE = 500;

/** Numbers per query in the `boxes` output: x, y, z, w, l, h, sin, cos, vx, vy. */
export const BOX_CODE_SIZE = 10;

/** Above this speed (m/s) an object counts as moving in the attribute heuristic. */
const MOVING_SPEED = 0.2;

export type DetectionAttribute =
  | ''
  | 'vehicle.moving'
  | 'vehicle.parked'
  | 'vehicle.stopped'
  | 'cycle.with_rider'
  | 'cycle.without_rider'
  | 'pedestrian.moving'
  | 'pedestrian.standing';

/** One detection as a nuScenes submission lists it (without `sample_token`, which the caller knows). */
export interface SubmissionBox {
  /** Gravity centre, global frame, metres. */
  translation: [number, number, number];
  /** Width, length, height in metres. */
  size: [number, number, number];
  /** Box -> global rotation (w, x, y, z). */
  rotation: [number, number, number, number];
  /** Global vx, vy in m/s. */
  velocity: [number, number];
  detection_name: DetectionName;
  detection_score: number;
  attribute_name: DetectionAttribute;
}

/** The card's `postprocessing.detection`. */
export interface DetectionDecoding {
  /** Detections kept by the flat top-k over queries x classes, before the range filter. */
  topK: number;
  /** Metres per label; a detection farther than this from the frame ego in xy is dropped. */
  classRangeM: Readonly<Record<string, number>>;
}

/** MIM4D's `_format_bbox` rule (upstream has no attribute head): the attribute follows from the speed. */
export function attributeFromSpeed(name: DetectionName, speed: number): DetectionAttribute {
  const moving = speed > MOVING_SPEED;
  switch (name) {
    case 'car':
    case 'truck':
    case 'trailer':
    case 'construction_vehicle':
      return moving ? 'vehicle.moving' : 'vehicle.parked';
    case 'bus':
      return moving ? 'vehicle.moving' : 'vehicle.stopped';
    case 'bicycle':
    case 'motorcycle':
      return moving ? 'cycle.with_rider' : 'cycle.without_rider';
    case 'pedestrian':
      return moving ? 'pedestrian.moving' : 'pedestrian.standing';
    case 'barrier':
    case 'traffic_cone':
      return '';
  }
}

function checkLabels(labels: readonly string[], ranges: DetectionDecoding['classRangeM']): DetectionName[] {
  return labels.map((label, i) => {
    if (!(DETECTION_NAMES as readonly string[]).includes(label)) {
      throw new Error(`labels[${i}]: "${label}" is not a nuScenes detection class`);
    }
    if (!(typeof ranges[label] === 'number' && ranges[label] > 0)) {
      throw new Error(`classRangeM: no positive range for label "${label}"`);
    }
    return label as DetectionName;
  });
}

/**
 * Flat indices (query * classes + class) of the `k` best scores: score descending, then index ascending, so
 * equal scores come out in the same order on every run and platform.
 */
export function topKIndices(scores: Float32Array, k: number): Uint32Array {
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new Error(`scores[${i}] is NaN`);
  }
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order.subarray(0, Math.min(k, order.length));
}

/**
 * Decodes one sample: the flat top-k of `scores` [q, labels.length] (sigmoid), yaw = atan2(sin, cos), the class
 * range filter on the ego-xy radius (strict `>` drops), then ego -> global: centre, rotation
 * q_global = q_ego2global * q_z(yaw) and velocity (vz = 0) rotated. `boxes` [q, 10] holds x, y, z, w, l, h, sin,
 * cos, vx, vy in the frame ego (gravity centre, sizes in metres). At most 500 boxes, best first.
 */
export function decodeDetections(
  scores: Float32Array,
  boxes: Float32Array,
  q: number,
  labels: readonly string[],
  egoToGlobal: Mat4<'ego', 'global'>,
  options: DetectionDecoding,
): SubmissionBox[] {
  const names = checkLabels(labels, options.classRangeM);
  const classes = names.length;
  if (scores.length !== q * classes) {
    throw new Error(`scores: ${scores.length} values, expected ${q} queries x ${classes} labels`);
  }
  if (boxes.length !== q * BOX_CODE_SIZE) {
    throw new Error(`boxes: ${boxes.length} values, expected ${q} queries x ${BOX_CODE_SIZE}`);
  }
  const m = egoToGlobal;
  const egoRotation = Quaternion.fromRotationMatrix([m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]]);
  const out: SubmissionBox[] = [];
  for (const flat of topKIndices(scores, options.topK)) {
    const query = Math.floor(flat / classes);
    const name = names[flat - query * classes];
    const b = boxes.subarray(query * BOX_CODE_SIZE, (query + 1) * BOX_CODE_SIZE);
    const bad = b.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`boxes[${query}][${bad}] is ${b[bad]}, not a finite number`);
    const [x, y, z, w, l, h, sin, cos, vx, vy] = b;
    // numpy's norm of the centre's xy, as upstream measures it.
    if (Math.sqrt(x * x + y * y) > options.classRangeM[name]) continue;
    const gvx = m[0] * vx + m[1] * vy;
    const gvy = m[4] * vx + m[5] * vy;
    const rotation = egoRotation.multiply(Quaternion.fromYaw(Math.atan2(sin, cos)));
    out.push({
      translation: [
        m[0] * x + m[1] * y + m[2] * z + m[3],
        m[4] * x + m[5] * y + m[6] * z + m[7],
        m[8] * x + m[9] * y + m[10] * z + m[11],
      ],
      size: [w, l, h],
      rotation: rotation.toArray(),
      velocity: [gvx, gvy],
      detection_name: name,
      detection_score: scores[flat],
      attribute_name: attributeFromSpeed(name, Math.sqrt(gvx * gvx + gvy * gvy)),
    });
    if (out.length === MAX_BOXES_PER_SAMPLE) break;
  }
  return out;
}
