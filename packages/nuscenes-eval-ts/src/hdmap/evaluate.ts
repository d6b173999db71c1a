import { pairwiseSum64 } from '../numeric/pairwise-sum.ts';
import { averagePrecisionArea, precisionRecall } from './average-precision.ts';
import { type BoundsM, boundsGap, boundsOf, ChamferScorer, chamferLowerBound } from './chamfer.ts';
import { type ChamferConfig, GATED_SCORE, MAPTR_CHAMFER_CONFIG, thresholdLabel } from './config.ts';
import type { ChamferCurve, ChamferResult, LidarPolylineM, MapSample } from './data-classes.ts';
import { GateLine, gatePasses } from './gate.ts';
import { resamplePolyline } from './resample.ts';
import { descendingOrder, tpPerThreshold } from './tpfp.ts';

/** Predictions of one class pooled over the samples seen so far: their scores and TP flags. */
class ClassPool {
  numGts = 0;
  readonly scores: number[] = [];
  readonly tp: number[][];

  constructor(numThresholds: number) {
    this.tp = Array.from({ length: numThresholds }, () => []);
  }
}

interface ScoredLine {
  readonly line: GateLine;
  readonly bounds: BoundsM;
}

/**
 * MapTR Chamfer AP (eval-protocols.md B4-B7), fed one sample at a time so that a split never has to
 * sit in memory: only each prediction's score and TP flags are kept between samples.
 *
 * Work the reference does and that cannot change a TP/FP flag is skipped: a pair whose chamfer
 * distance exceeds the largest threshold can neither match nor be the argmax of a matching prediction,
 * so its exact value and its buffer gate are never needed. The thresholds are shared by one pass.
 */
export class ChamferEvaluator {
  private readonly pools: ClassPool[];
  private readonly scorer: ChamferScorer;
  private readonly maxThresholdM: number;
  private numSamples = 0;

  constructor(private readonly config: ChamferConfig = MAPTR_CHAMFER_CONFIG) {
    this.pools = config.classes.map(() => new ClassPool(config.thresholdsM.length));
    this.scorer = new ChamferScorer(config.numSamplePoints);
    this.maxThresholdM = Math.max(...config.thresholdsM);
  }

  addSample(sample: MapSample): void {
    const numClasses = this.config.classes.length;
    for (const v of [...sample.predictions, ...sample.groundTruth]) {
      if (!Number.isInteger(v.classId) || v.classId < 0 || v.classId >= numClasses) {
        throw new Error(
          `sample ${sample.sampleToken}: vector type ${v.classId} is not a class id 0..${numClasses - 1}`,
        );
      }
    }
    sample.groundTruth.forEach((g, i) => {
      if (g.pts.length < 4) {
        throw new Error(
          `sample ${sample.sampleToken}: GT vector ${i} has ${g.pts.length / 2} point(s), needs at least 2`,
        );
      }
    });
    for (let c = 0; c < numClasses; c++) {
      // The reference skips predictions of fewer than 2 points: neither TP nor FP.
      const preds = sample.predictions.filter((p) => p.classId === c && p.pts.length >= 4);
      const gts = sample.groundTruth.filter((g) => g.classId === c);
      const pool = this.pools[c];
      const predScores = preds.map((p) => p.score);
      // Without GT every prediction is FP and without predictions there is nothing to match: the lines
      // themselves are only needed when both sides exist.
      const tp =
        preds.length > 0 && gts.length > 0
          ? tpPerThreshold(
              predScores,
              this.scoreMatrix(
                preds.map((p) => this.prepare(p.pts)),
                gts.map((g) => this.prepare(g.pts)),
              ),
              gts.length,
              this.config.thresholdsM,
            )
          : this.config.thresholdsM.map(() => new Uint8Array(preds.length));
      pool.numGts += gts.length;
      for (let p = 0; p < preds.length; p++) {
        pool.scores.push(predScores[p]);
        for (let t = 0; t < tp.length; t++) pool.tp[t].push(tp[t][p]);
      }
    }
    this.numSamples++;
  }

  private prepare(pts: LidarPolylineM): ScoredLine {
    const line = resamplePolyline(pts, this.config.numSamplePoints);
    return {
      line: new GateLine(line, this.config.gateBufferM, this.config.gateMitreLimit),
      bounds: boundsOf(line),
    };
  }

  /** [pred][gt] scores; -Infinity marks pairs that provably cannot pass any threshold. */
  private scoreMatrix(preds: ScoredLine[], gts: ScoredLine[]): Float64Array {
    const scores = new Float64Array(preds.length * gts.length);
    const maxThr = this.maxThresholdM;
    // Only when a gated pair could never pass is its exact fate irrelevant.
    const canSkip = GATED_SCORE < -maxThr;
    // The bound is exact arithmetic's; the slack absorbs its rounding.
    const boundLimit = maxThr * (1 + 1e-9) + 1e-12;
    preds.forEach((pred, p) => {
      gts.forEach((gt, g) => {
        const at = p * gts.length + g;
        if (
          canSkip &&
          (boundsGap(pred.bounds, gt.bounds) > boundLimit ||
            chamferLowerBound(pred.line.line, pred.bounds, gt.line.line, gt.bounds) > boundLimit)
        ) {
          scores[at] = Number.NEGATIVE_INFINITY;
          return;
        }
        const s = this.scorer.score(pred.line.line, gt.line.line);
        if (canSkip && s < -maxThr) scores[at] = Number.NEGATIVE_INFINITY;
        else scores[at] = gatePasses(pred.line, gt.line) ? s : GATED_SCORE;
      });
    });
    return scores;
  }

  /** AP per class and threshold, and the `NuscMap_chamfer/...` keys, over every sample added. */
  result(): ChamferResult {
    const { classes, thresholdsM } = this.config;
    const curves: ChamferCurve[] = [];
    const classAps = classes.map((className, c) => {
      const pool = this.pools[c];
      const order = descendingOrder(pool.scores);
      const aps = thresholdsM.map((thresholdM, t) => {
        const tpOrdered = new Uint8Array(order.length);
        for (let i = 0; i < order.length; i++) tpOrdered[i] = pool.tp[t][order[i]];
        const pr = precisionRecall(tpOrdered, pool.numGts);
        const ap = averagePrecisionArea(pr);
        curves.push({ className, thresholdM, numGts: pool.numGts, ...pr, ap });
        return ap;
      });
      // numpy's mean over the threshold axis adds the rows in order.
      return { aps, mean: aps.reduce((a, b) => a + b, 0) / aps.length };
    });
    const metrics: Record<string, number> = {};
    classes.forEach((name, c) => {
      metrics[`NuscMap_chamfer/${name}_AP`] = classAps[c].mean;
    });
    metrics['NuscMap_chamfer/mAP'] = pairwiseSum64(classAps.map((a) => a.mean)) / classes.length;
    classes.forEach((name, c) => {
      thresholdsM.forEach((thr, t) => {
        metrics[`NuscMap_chamfer/${name}_AP_thr_${thresholdLabel(thr)}`] = classAps[c].aps[t];
      });
    });
    return { metrics, curves, numSamples: this.numSamples };
  }
}

/** Evaluates a whole set of samples at once; see ChamferEvaluator for the streaming form. */
export function evaluateChamfer(
  samples: Iterable<MapSample>,
  config: ChamferConfig = MAPTR_CHAMFER_CONFIG,
): ChamferResult {
  const evaluator = new ChamferEvaluator(config);
  for (const s of samples) evaluator.addSample(s);
  return evaluator.result();
}
