import { pairwiseSum64 } from './pairwise-sum.ts';

/**
 * The devkit's `cummean`: running mean that skips NaN. Positions before the first non-NaN value are 0, and an
 * all-NaN input (including an empty one) gives all ones, so a class whose errors are all undefined scores 1.
 */
export function cummean(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
    out[i] = count === 0 ? 0 : sum / count;
  }
  if (count === 0) out.fill(1);
  return out;
}

/** `np.nanmean`: NaN entries become 0 in numpy's pairwise sum and are left out of the count; all-NaN gives NaN. */
export function nanmean(values: ArrayLike<number>): number {
  const zeroed = new Float64Array(values.length);
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    zeroed[i] = v;
    count++;
  }
  return pairwiseSum64(zeroed) / count;
}

/** `np.mean` of a contiguous float64 array (pairwise summation, then one division). */
export function mean(values: ArrayLike<number>, start = 0, length = values.length - start): number {
  return pairwiseSum64(values, start, length) / length;
}
