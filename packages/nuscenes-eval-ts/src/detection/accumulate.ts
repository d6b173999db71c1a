/**
 * The devkit's `accumulate`: greedy matching of one class's predictions to GT by xy centre distance, then
 * precision, confidence and TP-error curves over 101 recall points.
 */

import { numpyInterp } from '../numeric/interp.ts';
import { cummean } from '../numeric/nan.ts';
import { DETECTION_NAMES } from './config.ts';
import { type DetectionMetricData, type EvalBoxes, noPredictions, recallGrid } from './data-classes.ts';
import { boxPath, DetectionInputError } from './errors.ts';
import { angleDiff, attributeAccuracy, centerDistance, scaleIou } from './match-errors.ts';

interface ClassView {
  /** GT box indices of the class, grouped by sample (sample order of the GT). */
  gt: Uint32Array;
  /** gt[gtStart[s] .. gtStart[s+1]) are the class's GT boxes of GT sample s. */
  gtStart: Uint32Array;
  /** Prediction indices of the class in matching order: descending score, ties with the later box first. */
  predOrder: Uint32Array;
}

/** Everything `accumulate` needs that does not depend on the threshold, built once per evaluation. */
export interface MatchIndex {
  gt: EvalBoxes;
  pred: EvalBoxes;
  /** For every prediction box, the index of its sample in gt.sampleTokens. */
  predSampleInGt: Int32Array;
  classes: ClassView[];
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
  const classes = DETECTION_NAMES.map((_, c) => classView(gt, pred, c));
  return { gt, pred, predSampleInGt, classes };
}

function classView(gt: EvalBoxes, pred: EvalBoxes, code: number): ClassView {
  const gtList: number[] = [];
  const gtStart = new Uint32Array(gt.sampleTokens.length + 1);
  for (let s = 0; s < gt.sampleTokens.length; s++) {
    gtStart[s] = gtList.length;
    for (let i = gt.sampleOffsets[s]; i < gt.sampleOffsets[s + 1]; i++) {
      if (gt.boxes.classCode[i] === code) gtList.push(i);
    }
  }
  gtStart[gt.sampleTokens.length] = gtList.length;
  const predList: number[] = [];
  for (let i = 0; i < pred.boxes.count; i++) if (pred.boxes.classCode[i] === code) predList.push(i);
  const score = pred.boxes.score;
  // The devkit reverses an ascending sort on (score, index): equal scores end up with the later box first.
  const predOrder = Uint32Array.from(predList).sort((a, b) => score[b] - score[a] || b - a);
  return { gt: Uint32Array.from(gtList), gtStart, predOrder };
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

/** Metric data of class `classCode` at matching threshold `distTh` (metres, strict `<`). */
export function accumulate(index: MatchIndex, classCode: number, distTh: number): DetectionMetricData {
  const { gt: gtView, gtStart, predOrder } = index.classes[classCode];
  const npos = gtView.length;
  if (npos === 0) return noPredictions();
  const g = index.gt.boxes;
  const p = index.pred.boxes;
  const period = DETECTION_NAMES[classCode] === 'barrier' ? Math.PI : 2 * Math.PI;

  const n = predOrder.length;
  const taken = new Uint8Array(npos);
  const tpCum = new Float64Array(n);
  const fpCum = new Float64Array(n);
  const conf = new Float64Array(n);
  const errors = {
    trans_err: [] as number[],
    vel_err: [] as number[],
    scale_err: [] as number[],
    orient_err: [] as number[],
    attr_err: [] as number[],
  };
  const matchConf: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const pi = predOrder[k];
    const s = index.predSampleInGt[pi];
    const px = p.centerX[pi];
    const py = p.centerY[pi];
    let minDist = Number.POSITIVE_INFINITY;
    let match = -1;
    for (let m = gtStart[s]; m < gtStart[s + 1]; m++) {
      if (taken[m]) continue;
      const gi = gtView[m];
      const d = centerDistance(px, py, g.centerX[gi], g.centerY[gi]);
      if (d < minDist) {
        minDist = d;
        match = m;
      }
    }
    conf[k] = p.score[pi];
    if (minDist < distTh) {
      taken[match] = 1;
      tp++;
      const gi = gtView[match];
      if (!positiveSize(g, gi)) throw sizeError(index.gt, gi, 'gt');
      if (!positiveSize(p, pi)) throw sizeError(index.pred, pi, 'results');
      const dvx = p.velocityX[pi] - g.velocityX[gi];
      const dvy = p.velocityY[pi] - g.velocityY[gi];
      errors.trans_err.push(minDist);
      errors.vel_err.push(Math.sqrt(dvx * dvx + dvy * dvy));
      errors.scale_err.push(
        1 - scaleIou(g.width[gi], g.length[gi], g.height[gi], p.width[pi], p.length[pi], p.height[pi]),
      );
      errors.orient_err.push(Math.abs(angleDiff(g.yaw[gi], p.yaw[pi], period)));
      errors.attr_err.push(1 - attributeAccuracy(g.attributeCode[gi], p.attributeCode[pi]));
      matchConf.push(p.score[pi]);
    } else {
      fp++;
    }
    tpCum[k] = tp;
    fpCum[k] = fp;
  }
  if (matchConf.length === 0) return noPredictions();

  const prec = new Float64Array(n);
  const rec = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    prec[k] = tpCum[k] / (fpCum[k] + tpCum[k]);
    rec[k] = tpCum[k] / npos;
  }
  const recall = recallGrid();
  const precision = numpyInterp(recall, rec, prec, { right: 0 });
  const confidence = numpyInterp(recall, rec, conf, { right: 0 });

  // numpy.interp needs increasing x, so the devkit interpolates on the reversed (ascending) confidences.
  const confAscending = confidence.slice().reverse();
  const matchConfAscending = Float64Array.from(matchConf).reverse();
  const curve = (values: number[]): Float64Array =>
    numpyInterp(confAscending, matchConfAscending, cummean(values).reverse()).reverse();
  return {
    recall,
    precision,
    confidence,
    trans_err: curve(errors.trans_err),
    vel_err: curve(errors.vel_err),
    scale_err: curve(errors.scale_err),
    orient_err: curve(errors.orient_err),
    attr_err: curve(errors.attr_err),
  };
}
