/** BEVFusion's map-segmentation IoU settings (eval-protocols.md C2, C3). */

/** Channel order of the probability and mask arrays. */
export const BEVFUSION_MAP_CLASSES = [
  'drivable_area',
  'ped_crossing',
  'walkway',
  'stop_line',
  'carpark_area',
  'divider',
] as const;

export interface SegmentationConfig {
  /** Class names, one per channel. */
  readonly classes: readonly string[];
  /** Probability thresholds, ascending; a pixel is predicted iff p >= t (t taken as float32). */
  readonly thresholds: readonly number[];
}

export const BEVFUSION_SEG_CONFIG: SegmentationConfig = {
  classes: BEVFUSION_MAP_CLASSES,
  thresholds: [0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65],
};

/** The IoU denominator's guard, added as a float32 as torch does with a Python scalar. */
export const IOU_EPSILON = 1e-7;
