/** Polylines and results of the MapTR Chamfer-AP evaluation. */

declare const lidarFrame: unique symbol;

/**
 * A polyline in the LiDAR frame, metres, stored as interleaved x, y (length = 2 * points).
 * The brand keeps ego- or global-frame arrays from being passed where LiDAR-frame ones are meant.
 */
export type LidarPolylineM = Float64Array & { readonly [lidarFrame]: true };

/** Marks interleaved x, y coordinates (metres, LiDAR frame) as a polyline; the array is used, not copied. */
export function lidarPolyline(xy: Float64Array): LidarPolylineM {
  if (xy.length % 2 !== 0)
    throw new Error(`a polyline needs interleaved x, y pairs, got ${xy.length} numbers`);
  return xy as LidarPolylineM;
}

export interface MapVectorGT {
  readonly classId: number;
  readonly pts: LidarPolylineM;
}

export interface MapVectorPrediction {
  readonly classId: number;
  readonly pts: LidarPolylineM;
  /** `confidence_level`: only its order matters. */
  readonly score: number;
}

export interface MapSample {
  readonly sampleToken: string;
  readonly predictions: readonly MapVectorPrediction[];
  readonly groundTruth: readonly MapVectorGT[];
}

/** The precision/recall curve of one class at one threshold, as the reference computes it (float32). */
export interface ChamferCurve {
  readonly className: string;
  readonly thresholdM: number;
  readonly numGts: number;
  readonly recall: Float32Array;
  readonly precision: Float32Array;
  /** float32 AP, widened to a double. */
  readonly ap: number;
}

export interface ChamferResult {
  /** `NuscMap_chamfer/...` keys, in the reference's order. */
  readonly metrics: Record<string, number>;
  readonly curves: readonly ChamferCurve[];
  readonly numSamples: number;
}
