/**
 * One sample of BEV segmentation, in the LiDAR-frame BEV grid [class][x][y] (eval-protocols.md C2):
 * per-class probabilities and GT masks, both C * H * W values in C-order.
 */
export interface SegmentationSample {
  readonly sampleToken: string;
  /** Sigmoid probabilities: float32 as BEVFusion writes them, or float64 (compared as torch promotes). */
  readonly probabilities: Float32Array | Float64Array;
  /** GT masks; any non-zero value is a positive pixel. */
  readonly masks: Uint8Array;
}

export interface SegmentationResult {
  /** `map/<class>/iou@max`, `map/<class>/iou@<t>` and `map/mean/iou@max`, float32 values widened. */
  readonly metrics: Record<string, number>;
  /** Pooled counts per class and threshold (float32 accumulators, as the reference keeps them). */
  readonly tp: Float32Array[];
  readonly fp: Float32Array[];
  readonly fn: Float32Array[];
  /** IoU per class and threshold. */
  readonly iou: Float32Array[];
  readonly numSamples: number;
}
