/**
 * Best GT per prediction, as `matrix.max(axis=1)` / `matrix.argmax(axis=1)`: the first maximum wins.
 * `scores` is row-major [numPreds][numGts].
 */
export function bestMatches(
  scores: Float64Array,
  numPreds: number,
  numGts: number,
): { best: Float64Array; arg: Int32Array } {
  const best = new Float64Array(numPreds);
  const arg = new Int32Array(numPreds);
  for (let p = 0; p < numPreds; p++) {
    let b = scores[p * numGts];
    let a = 0;
    for (let g = 1; g < numGts; g++) {
      if (scores[p * numGts + g] > b) {
        b = scores[p * numGts + g];
        a = g;
      }
    }
    best[p] = b;
    arg[p] = a;
  }
  return { best, arg };
}

/** Indices that order `scores` descending, ties in index order (numpy's argsort(-s) for small n). */
export function descendingOrder(scores: ArrayLike<number>): Uint32Array {
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i);
  // TypedArray sort is not guaranteed stable; the index tie-break makes it so.
  return order.sort((i, j) => scores[j] - scores[i] || i - j);
}

/**
 * TP flags of one sample's predictions of one class at each threshold (eval-protocols.md B6): in
 * descending score, a prediction is TP iff its best score >= -threshold and that best GT (the first
 * argmax) is still uncovered. Every other prediction is FP; there is no fallback to another GT.
 * Returns tp[t][p] as 0/1; fp is its complement.
 */
export function tpPerThreshold(
  predScores: ArrayLike<number>,
  scores: Float64Array,
  numGts: number,
  thresholdsM: readonly number[],
): Uint8Array[] {
  const numPreds = predScores.length;
  const tp = thresholdsM.map(() => new Uint8Array(numPreds));
  if (numGts === 0 || numPreds === 0) return tp;
  const { best, arg } = bestMatches(scores, numPreds, numGts);
  const order = descendingOrder(predScores);
  thresholdsM.forEach((thr, t) => {
    const covered = new Uint8Array(numGts);
    for (const p of order) {
      if (best[p] >= -thr && !covered[arg[p]]) {
        covered[arg[p]] = 1;
        tp[t][p] = 1;
      }
    }
  });
  return tp;
}
