import { FLOAT32_EPS } from '../numeric/float32.ts';
import { pairwiseSum32 } from '../numeric/pairwise-sum.ts';

/** Recall and precision after each prediction in descending score, float32 as the reference keeps them. */
export interface PrecisionRecall {
  readonly recall: Float32Array;
  readonly precision: Float32Array;
}

/**
 * MapTR's curve (eval-protocols.md B7): cumulative TP and FP in float32, recall = tp / max(numGts, eps),
 * precision = tp / max(tp + fp, eps). `tp` is already in descending-score order; fp = 1 - tp.
 */
export function precisionRecall(tpInScoreOrder: Uint8Array, numGts: number): PrecisionRecall {
  const n = tpInScoreOrder.length;
  const recall = new Float32Array(n);
  const precision = new Float32Array(n);
  const gts = Math.max(Math.fround(numGts), FLOAT32_EPS);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; i++) {
    if (tpInScoreOrder[i]) tp = Math.fround(tp + 1);
    else fp = Math.fround(fp + 1);
    recall[i] = tp / gts;
    precision[i] = tp / Math.max(Math.fround(tp + fp), FLOAT32_EPS);
  }
  return { recall, precision };
}

/**
 * Area-mode AP in float32 (mmdet's `average_precision`): precision made monotone from the right,
 * then the sum of recall steps times precision, with numpy's pairwise float32 sum.
 */
export function averagePrecisionArea({ recall, precision }: PrecisionRecall): number {
  const n = recall.length;
  const mrec = new Float32Array(n + 2);
  const mpre = new Float32Array(n + 2);
  mrec.set(recall, 1);
  mrec[n + 1] = 1;
  mpre.set(precision, 1);
  for (let i = n + 1; i > 0; i--) {
    if (mpre[i] > mpre[i - 1]) mpre[i - 1] = mpre[i];
  }
  const terms: number[] = [];
  for (let i = 0; i <= n; i++) {
    if (mrec[i + 1] !== mrec[i]) terms.push(Math.fround(Math.fround(mrec[i + 1] - mrec[i]) * mpre[i + 1]));
  }
  return pairwiseSum32(terms);
}
