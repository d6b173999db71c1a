/** The detection challenge's fixed vocabularies and the `detection_cvpr_2019` configuration. */

export const DETECTION_NAMES = [
  'car',
  'truck',
  'bus',
  'trailer',
  'construction_vehicle',
  'pedestrian',
  'motorcycle',
  'bicycle',
  'traffic_cone',
  'barrier',
] as const;
export type DetectionName = (typeof DETECTION_NAMES)[number];

export const ATTRIBUTE_NAMES = [
  'pedestrian.moving',
  'pedestrian.sitting_lying_down',
  'pedestrian.standing',
  'cycle.with_rider',
  'cycle.without_rider',
  'vehicle.moving',
  'vehicle.parked',
  'vehicle.stopped',
] as const;
/** `''` means "no attribute"; it is stored as code 0, the named attributes as 1..8. */
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number] | '';

export const TP_METRICS = ['trans_err', 'scale_err', 'orient_err', 'vel_err', 'attr_err'] as const;
export type TpMetric = (typeof TP_METRICS)[number];

/** Class codes index DETECTION_NAMES, so typed columns can hold them. */
export const classCode: ReadonlyMap<string, number> = new Map(DETECTION_NAMES.map((n, i) => [n, i]));
export const attributeCode: ReadonlyMap<string, number> = new Map([
  ['', 0],
  ...ATTRIBUTE_NAMES.map((n, i): [string, number] => [n, i + 1]),
]);

export interface DetectionConfig {
  /** Evaluation radius per class, metres from the ego (LIDAR_TOP pose) in the xy plane; also the class order. */
  class_range: Record<DetectionName, number>;
  dist_fcn: 'center_distance';
  /** Matching thresholds on the xy centre distance, metres. */
  dist_ths: number[];
  /** The threshold whose matches give the TP errors; one of dist_ths. */
  dist_th_tp: number;
  min_recall: number;
  min_precision: number;
  max_boxes_per_sample: number;
  mean_ap_weight: number;
}

export const DETECTION_CVPR_2019: Readonly<DetectionConfig> = Object.freeze({
  class_range: {
    car: 50,
    truck: 50,
    bus: 50,
    trailer: 50,
    construction_vehicle: 50,
    pedestrian: 40,
    motorcycle: 40,
    bicycle: 40,
    traffic_cone: 30,
    barrier: 30,
  },
  dist_fcn: 'center_distance',
  dist_ths: [0.5, 1.0, 2.0, 4.0],
  dist_th_tp: 2.0,
  min_recall: 0.1,
  min_precision: 0.1,
  max_boxes_per_sample: 500,
  mean_ap_weight: 5,
});

/**
 * Python's `str(float)` for the thresholds, as the devkit uses it in JSON keys (`"1.0"`, `"car:0.5"`).
 * JS would print `1`.
 */
export function pythonFloatKey(x: number): string {
  const s = String(x);
  return Number.isInteger(x) && !s.includes('e') ? `${s}.0` : s;
}

/** TP metrics that are undefined for a class (cones have no orientation; neither has velocity or attributes). */
export function isExcludedTpMetric(name: DetectionName, metric: TpMetric): boolean {
  if (name === 'traffic_cone')
    return metric === 'attr_err' || metric === 'vel_err' || metric === 'orient_err';
  if (name === 'barrier') return metric === 'attr_err' || metric === 'vel_err';
  return false;
}
