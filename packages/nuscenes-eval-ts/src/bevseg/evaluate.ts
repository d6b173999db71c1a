import { BEVFUSION_SEG_CONFIG, IOU_EPSILON, type SegmentationConfig } from './config.ts';
import type { SegmentationResult, SegmentationSample } from './data-classes.ts';

/**
 * BEVFusion's `evaluate_map` (eval-protocols.md C3), one sample at a time. Per class and threshold the
 * TP, FP and FN pixel counts of each sample are added to float32 accumulators: above 2^24 pixels that
 * rounding is part of the reference's numbers, so samples must come in the reference's (dataset) order.
 */
export class SegmentationEvaluator {
  private readonly tp: Float32Array[];
  private readonly fp: Float32Array[];
  private readonly fn: Float32Array[];
  private readonly thresholds32: Float64Array;
  private numSamples = 0;
  private pixelsPerClass = -1;

  constructor(private readonly config: SegmentationConfig = BEVFUSION_SEG_CONFIG) {
    const n = config.thresholds.length;
    this.tp = config.classes.map(() => new Float32Array(n));
    this.fp = config.classes.map(() => new Float32Array(n));
    this.fn = config.classes.map(() => new Float32Array(n));
    this.thresholds32 = Float64Array.from(config.thresholds, Math.fround);
    for (let t = 1; t < n; t++) {
      if (!(this.thresholds32[t] > this.thresholds32[t - 1]))
        throw new Error('thresholds must be strictly ascending');
    }
  }

  addSample(sample: SegmentationSample): void {
    const { probabilities, masks, sampleToken } = sample;
    const numClasses = this.config.classes.length;
    if (probabilities.length !== masks.length) {
      throw new Error(
        `sample ${sampleToken}: ${probabilities.length} probabilities but ${masks.length} mask values`,
      );
    }
    if (probabilities.length % numClasses !== 0) {
      throw new Error(
        `sample ${sampleToken}: ${probabilities.length} values do not split into ${numClasses} classes`,
      );
    }
    const pixels = probabilities.length / numClasses;
    if (this.pixelsPerClass >= 0 && pixels !== this.pixelsPerClass) {
      throw new Error(
        `sample ${sampleToken}: ${pixels} pixels per class, earlier samples had ${this.pixelsPerClass}`,
      );
    }
    this.pixelsPerClass = pixels;
    const th = this.thresholds32;
    const numT = th.length;
    // Pixels binned by how many thresholds they reach, so each pixel is compared once per threshold at most.
    const positives = new Float64Array(numT + 1);
    const negatives = new Float64Array(numT + 1);
    for (let c = 0; c < numClasses; c++) {
      positives.fill(0);
      negatives.fill(0);
      const base = c * pixels;
      for (let i = base; i < base + pixels; i++) {
        const p = probabilities[i];
        let k = 0;
        while (k < numT && p >= th[k]) k++;
        if (masks[i] !== 0) positives[k]++;
        else negatives[k]++;
      }
      let tpCount = 0;
      let fpCount = 0;
      let totalPositive = 0;
      for (let k = 0; k <= numT; k++) totalPositive += positives[k];
      for (let t = numT - 1; t >= 0; t--) {
        tpCount += positives[t + 1];
        fpCount += negatives[t + 1];
        // torch casts the int64 count to float32, then adds in float32.
        this.tp[c][t] = Math.fround(this.tp[c][t] + Math.fround(tpCount));
        this.fp[c][t] = Math.fround(this.fp[c][t] + Math.fround(fpCount));
        this.fn[c][t] = Math.fround(this.fn[c][t] + Math.fround(totalPositive - tpCount));
      }
    }
    this.numSamples++;
  }

  result(): SegmentationResult {
    const { classes, thresholds } = this.config;
    const eps = Math.fround(IOU_EPSILON);
    const iou = classes.map((_, c) =>
      Float32Array.from(thresholds, (_t, t) => {
        const tp = this.tp[c][t];
        const denominator = Math.fround(Math.fround(Math.fround(tp + this.fp[c][t]) + this.fn[c][t]) + eps);
        return tp / denominator;
      }),
    );
    const metrics: Record<string, number> = {};
    const best = new Float32Array(classes.length);
    classes.forEach((name, c) => {
      best[c] = Math.max(...iou[c]);
      metrics[`map/${name}/iou@max`] = best[c];
      thresholds.forEach((t, k) => {
        metrics[`map/${name}/iou@${Math.fround(t).toFixed(2)}`] = iou[c][k];
      });
    });
    metrics['map/mean/iou@max'] = float32Mean(best);
    return { metrics, tp: this.tp, fp: this.fp, fn: this.fn, iou, numSamples: this.numSamples };
  }
}

/**
 * torch's CPU float32 `mean` of a short contiguous vector: a float32 sum in the order of ATen's
 * `row_sum` (four interleaved partial sums, the tail added to the first, then the partials folded in),
 * divided by n in float32. Verified against torch 1.13 for fewer than 8 values (BEVFusion has 6 classes);
 * from 8 values on torch switches to a vectorised kernel with another order.
 */
function float32Mean(values: Float32Array): number {
  const ilp = 4;
  const rows = Math.floor(values.length / ilp);
  const partial = [0, 0, 0, 0];
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < ilp; k++) partial[k] = Math.fround(partial[k] + values[r * ilp + k]);
  }
  for (let i = rows * ilp; i < values.length; i++) partial[0] = Math.fround(partial[0] + values[i]);
  let sum = partial[0];
  for (let k = 1; k < ilp; k++) sum = Math.fround(sum + partial[k]);
  return Math.fround(sum / values.length);
}
