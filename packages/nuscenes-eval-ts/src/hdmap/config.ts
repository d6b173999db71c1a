/** MapTR's Chamfer-AP protocol settings (eval-protocols.md B1, B5, B7). */

/** Class ids are positions in this list: `type` 0 is divider. */
export const MAPTR_CLASSES = ['divider', 'ped_crossing', 'boundary'] as const;

export interface ChamferConfig {
  /** Class names; a vector's `type` indexes this list. */
  readonly classes: readonly string[];
  /** Chamfer-distance thresholds in metres; a match needs chamfer <= threshold. */
  readonly thresholdsM: readonly number[];
  /** Points every GT and predicted polyline is resampled to (`eval_use_same_gt_sample_num_flag`). */
  readonly numSamplePoints: number;
  /** Half-width in metres of the flat-capped, mitre-joined buffer that gates a pair (`linewidth`). */
  readonly gateBufferM: number;
  /** GEOS/shapely mitre limit of that buffer. */
  readonly gateMitreLimit: number;
}

export const MAPTR_CHAMFER_CONFIG: ChamferConfig = {
  classes: MAPTR_CLASSES,
  thresholdsM: [0.5, 1.0, 1.5],
  numSamplePoints: 100,
  gateBufferM: 2,
  gateMitreLimit: 5,
};

/** Score the reference gives a pair that fails the buffer gate: it never matches. */
export const GATED_SCORE = -100;

/** `NuscMap_chamfer/<cls>_AP_thr_<t>`: Python's str() of the float, so 1 prints as "1.0". */
export function thresholdLabel(thresholdM: number): string {
  return Number.isInteger(thresholdM) ? thresholdM.toFixed(1) : String(thresholdM);
}
