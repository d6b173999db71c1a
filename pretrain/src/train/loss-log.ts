/**
 * One line of loss.jsonl. Loss terms are the weighted ones; `total` is their sum. A term is null when it was not
 * finite (the step is then skipped). The reconstruction terms are absent with the spatial objective.
 */
export interface LossRecord {
  step: number;
  total: number | null;
  rgb: number | null;
  depth: number | null;
  rgbAdj?: number | null;
  depthAdj?: number | null;
  lr: number;
  /** Null when the gradient was not finite. */
  gradNorm: number | null;
  /** True when the update was skipped because the loss or the gradient was not finite. */
  skipped?: boolean;
  seconds: number;
}
