/**
 * The devkit's `accumulate`: greedy matching of one class's predictions to GT by xy centre distance, then
 * precision, confidence and TP-error curves over 101 recall points.
 */

import { numpyInterp } from '../numeric/interp.ts';
import { cummean } from '../numeric/nan.ts';
import { byDescendingScore } from '../numeric/score-order.ts';
import { DETECTION_NAMES, TP_METRICS, type TpMetric } from './config.ts';
import { type DetectionMetricData, type EvalBoxes, noPredictions, recallGrid } from './data-classes.ts';
import { boxPath, DetectionInputError } from './errors.ts';
import { angleDiff, attributeAccuracy, centerDistance, scaleIou } from './match-errors.ts';

interface ClassView {
  /** GT box indices of the class, grouped by sample (sample order of the GT). */
  gt: Uint32Array;
  /** gt[gtStart[s] .. gtStart[s+1]) are the class's GT boxes of GT sample s. */
  gtStart: Uint32Array;
  /** Centres of those GT boxes, in the same order. */
  gtX: Float64Array;
  gtY: Float64Array;
  /** Prediction indices of the class in matching order: descending score, ties with the later box first. */
  predOrder: Uint32Array;
  /**
   * Centre, score and GT sample of each prediction in matching order. Every threshold reads them all, and
   * reading them through predOrder jumps around columns of millions of boxes, a cache miss per read.
   */
  predX: Float64Array;
  predY: Float64Array;
  predScore: Float64Array;
  predSample: Int32Array;
}

/** Everything `accumulate` needs that does not depend on the threshold, built once per evaluation. */
export interface MatchIndex {
  gt: EvalBoxes;
  pred: EvalBoxes;
  /**
   * The view of one class. Built on demand and kept until another class is asked for: evaluation goes class
   * by class, and views of all classes at once would hold a copy of every prediction's centre and score.
   */
  classView(code: number): ClassView;
}

export function buildMatchIndex(gt: EvalBoxes, pred: EvalBoxes): MatchIndex {
  const gtSampleIndex = new Map(gt.sampleTokens.map((t, i) => [t, i]));
  const predSampleInGt = new Int32Array(pred.boxes.count);
  for (let s = 0; s < pred.sampleTokens.length; s++) {
    const token = pred.sampleTokens[s];
    const g = gtSampleIndex.get(token);
    if (g === undefined) {
      throw new DetectionInputError(`results[${JSON.stringify(token)}]`, 'sample is not in the ground truth');
    }
    predSampleInGt.fill(g, pred.sampleOffsets[s], pred.sampleOffsets[s + 1]);
  }
  const predsByClass = groupByClass(pred.boxes.classCode, DETECTION_NAMES.length);
  let cached: { code: number; view: ClassView } | undefined;
  return {
    gt,
    pred,
    classView(code) {
      if (cached?.code !== code) {
        cached = { code, view: classView(gt, pred, predSampleInGt, code, predsByClass.of(code)) };
      }
      return cached.view;
    },
  };
}

/** Box indices grouped by class code, ascending within each class (a counting sort: one pass, no sorting). */
function groupByClass(codes: Uint8Array, classes: number): { of(code: number): Uint32Array } {
  const start = new Uint32Array(classes + 1);
  for (let i = 0; i < codes.length; i++) start[codes[i] + 1]++;
  for (let c = 0; c < classes; c++) start[c + 1] += start[c];
  const next = start.slice(0, classes);
  const indices = new Uint32Array(codes.length);
  for (let i = 0; i < codes.length; i++) indices[next[codes[i]]++] = i;
  return { of: (code) => indices.subarray(start[code], start[code + 1]) };
}

function classView(
  gt: EvalBoxes,
  pred: EvalBoxes,
  predSampleInGt: Int32Array,
  code: number,
  ofClass: Uint32Array,
): ClassView {
  const gtList: number[] = [];
  const gtStart = new Uint32Array(gt.sampleTokens.length + 1);
  for (let s = 0; s < gt.sampleTokens.length; s++) {
    gtStart[s] = gtList.length;
    for (let i = gt.sampleOffsets[s]; i < gt.sampleOffsets[s + 1]; i++) {
      if (gt.boxes.classCode[i] === code) gtList.push(i);
    }
  }
  gtStart[gt.sampleTokens.length] = gtList.length;
  const gtIndices = Uint32Array.from(gtList);
  const score = pred.boxes.score;
  const predOrder = byDescendingScore(ofClass, score);
  const n = predOrder.length;
  const view: ClassView = {
    gt: gtIndices,
    gtStart,
    gtX: new Float64Array(gtIndices.length),
    gtY: new Float64Array(gtIndices.length),
    predOrder,
    predX: new Float64Array(n),
    predY: new Float64Array(n),
    predScore: new Float64Array(n),
    predSample: new Int32Array(n),
  };
  for (let m = 0; m < gtIndices.length; m++) {
    view.gtX[m] = gt.boxes.centerX[gtIndices[m]];
    view.gtY[m] = gt.boxes.centerY[gtIndices[m]];
  }
  for (let k = 0; k < n; k++) {
    const pi = predOrder[k];
    view.predX[k] = pred.boxes.centerX[pi];
    view.predY[k] = pred.boxes.centerY[pi];
    view.predScore[k] = score[pi];
    view.predSample[k] = predSampleInGt[pi];
  }
  return view;
}

function sizeError(boxes: EvalBoxes, i: number, side: 'results' | 'gt'): DetectionInputError {
  const s = sampleOf(boxes, i);
  return new DetectionInputError(
    `${side}${boxPath(boxes.sampleTokens[s], boxes.boxes.sourceIndex[i])}.size`,
    'every size component must be > 0 for a matched box (the devkit asserts this in scale_iou)',
  );
}

function sampleOf(boxes: EvalBoxes, i: number): number {
  let lo = 0;
  let hi = boxes.sampleTokens.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (boxes.sampleOffsets[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function positiveSize(b: EvalBoxes['boxes'], i: number): boolean {
  return b.width[i] > 0 && b.length[i] > 0 && b.height[i] > 0;
}

/**
 * One threshold's matching state while `accumulate` goes through the predictions. A match's errors and score
 * go into columns sized for the most matches there can be: lists grown by push reallocated as they grew and
 * changed element kind on the first fraction, which threw away the compiled matching loop.
 */
class ThresholdMatching {
  readonly taken: Uint8Array;
  readonly tpCum: Float64Array;
  readonly fpCum: Float64Array;
  /** Per TP metric, the error of each match. */
  readonly errors: Record<TpMetric, Float64Array>;
  readonly matchConf: Float64Array;
  tp = 0;
  fp = 0;

  constructor(
    readonly distTh: number,
    gtCount: number,
    predCount: number,
  ) {
    this.taken = new Uint8Array(gtCount);
    this.tpCum = new Float64Array(predCount);
    this.fpCum = new Float64Array(predCount);
    const most = Math.min(gtCount, predCount);
    this.errors = Object.fromEntries(TP_METRICS.map((m) => [m, new Float64Array(most)])) as Record<
      TpMetric,
      Float64Array
    >;
    this.matchConf = new Float64Array(most);
  }
}

/**
 * Metric data of class `classCode` at each matching threshold of `distThs` (metres, strict `<`), in that order.
 * Every threshold matches on its own, as the devkit's one call per threshold does; they share one pass over the
 * predictions, so each prediction's distances to its sample's GT are computed once rather than per threshold.
 */
export function accumulate(
  index: MatchIndex,
  classCode: number,
  distThs: readonly number[],
): DetectionMetricData[] {
  const view = index.classView(classCode);
  const { gt: gtView, gtStart, gtX, gtY, predOrder, predX, predY, predScore, predSample } = view;
  const npos = gtView.length;
  if (npos === 0) return distThs.map(() => noPredictions());
  const g = index.gt.boxes;
  const p = index.pred.boxes;
  const period = DETECTION_NAMES[classCode] === 'barrier' ? Math.PI : 2 * Math.PI;

  const n = predOrder.length;
  const runs = distThs.map((th) => new ThresholdMatching(th, npos, n));
  let mostGt = 0;
  for (let s = 0; s + 1 < gtStart.length; s++) mostGt = Math.max(mostGt, gtStart[s + 1] - gtStart[s]);
  const distance = new Float64Array(mostGt);
  for (let k = 0; k < n; k++) {
    const s = predSample[k];
    const first = gtStart[s];
    const count = gtStart[s + 1] - first;
    for (let j = 0; j < count; j++) {
      distance[j] = centerDistance(predX[k], predY[k], gtX[first + j], gtY[first + j]);
    }
    for (const run of runs) {
      const taken = run.taken;
      let minDist = Number.POSITIVE_INFINITY;
      let match = -1;
      for (let j = 0; j < count; j++) {
        if (taken[first + j]) continue;
        if (distance[j] < minDist) {
          minDist = distance[j];
          match = first + j;
        }
      }
      if (minDist < run.distTh) {
        taken[match] = 1;
        const pi = predOrder[k];
        const gi = gtView[match];
        if (!positiveSize(g, gi)) throw sizeError(index.gt, gi, 'gt');
        if (!positiveSize(p, pi)) throw sizeError(index.pred, pi, 'results');
        const dvx = p.velocityX[pi] - g.velocityX[gi];
        const dvy = p.velocityY[pi] - g.velocityY[gi];
        const { errors, tp } = run;
        errors.trans_err[tp] = minDist;
        errors.vel_err[tp] = Math.sqrt(dvx * dvx + dvy * dvy);
        errors.scale_err[tp] =
          1 - scaleIou(g.width[gi], g.length[gi], g.height[gi], p.width[pi], p.length[pi], p.height[pi]);
        errors.orient_err[tp] = Math.abs(angleDiff(g.yaw[gi], p.yaw[pi], period));
        errors.attr_err[tp] = 1 - attributeAccuracy(g.attributeCode[gi], p.attributeCode[pi]);
        run.matchConf[tp] = predScore[k];
        run.tp = tp + 1;
      } else {
        run.fp++;
      }
      run.tpCum[k] = run.tp;
      run.fpCum[k] = run.fp;
    }
  }
  return runs.map((run) => metricData(run, npos, predScore));
}

/** Precision, confidence and TP-error curves of one threshold's matching, as the devkit's `accumulate` ends. */
function metricData(run: ThresholdMatching, npos: number, predScore: Float64Array): DetectionMetricData {
  const { tpCum, fpCum } = run;
  if (run.tp === 0) return noPredictions();
  const n = tpCum.length;
  const prec = new Float64Array(n);
  const rec = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    prec[k] = tpCum[k] / (fpCum[k] + tpCum[k]);
    rec[k] = tpCum[k] / npos;
  }
  const recall = recallGrid();
  const precision = numpyInterp(recall, rec, prec, { right: 0 });
  const confidence = numpyInterp(recall, rec, predScore, { right: 0 });

  // numpy.interp needs increasing x, so the devkit interpolates on the reversed (ascending) confidences.
  const confAscending = confidence.slice().reverse();
  const matchConfAscending = run.matchConf.slice(0, run.tp).reverse();
  const curve = (metric: TpMetric): Float64Array =>
    numpyInterp(
      confAscending,
      matchConfAscending,
      cummean(run.errors[metric].subarray(0, run.tp)).reverse(),
    ).reverse();
  return {
    recall,
    precision,
    confidence,
    trans_err: curve('trans_err'),
    vel_err: curve('vel_err'),
    scale_err: curve('scale_err'),
    orient_err: curve('orient_err'),
    attr_err: curve('attr_err'),
  };
}
