/**
 * numpy's pairwise summation (`pairwise_sum` in numpy/core/src/umath/loops_utils.h), reproduced so
 * that sums round exactly as `np.sum` / `np.mean` do. The grouping is what makes results bit-identical:
 * a plain left-to-right sum differs in the last bits, which can flip `<=` tests against thresholds.
 *
 * numpy hands its inner loop at most 8192 elements at a time (the ufunc buffer) and adds each
 * block's pairwise sum to the running total, so the blocking is part of the rounding too.
 */

const BLOCK = 8192;
const UNROLL = 8;
const LEAF = 128;

type Round = (x: number) => number;

const identity: Round = (x) => x;

function pairwise(values: ArrayLike<number>, start: number, n: number, round: Round): number {
  if (n < UNROLL) {
    let res = 0;
    for (let i = 0; i < n; i++) res = round(res + values[start + i]);
    return res;
  }
  if (n <= LEAF) {
    // Eight named accumulators rather than an array: this runs twice per chamfer pair.
    let r0 = values[start];
    let r1 = values[start + 1];
    let r2 = values[start + 2];
    let r3 = values[start + 3];
    let r4 = values[start + 4];
    let r5 = values[start + 5];
    let r6 = values[start + 6];
    let r7 = values[start + 7];
    const whole = n - (n % UNROLL);
    for (let i = start + UNROLL; i < start + whole; i += UNROLL) {
      r0 = round(r0 + values[i]);
      r1 = round(r1 + values[i + 1]);
      r2 = round(r2 + values[i + 2]);
      r3 = round(r3 + values[i + 3]);
      r4 = round(r4 + values[i + 4]);
      r5 = round(r5 + values[i + 5]);
      r6 = round(r6 + values[i + 6]);
      r7 = round(r7 + values[i + 7]);
    }
    let res = round(round(round(r0 + r1) + round(r2 + r3)) + round(round(r4 + r5) + round(r6 + r7)));
    for (let i = start + whole; i < start + n; i++) res = round(res + values[i]);
    return res;
  }
  let half = Math.floor(n / 2);
  half -= half % UNROLL;
  return round(pairwise(values, start, half, round) + pairwise(values, start + half, n - half, round));
}

function blockedSum(values: ArrayLike<number>, start: number, length: number, round: Round): number {
  let total = 0;
  for (let offset = 0; offset < length; offset += BLOCK) {
    total = round(total + pairwise(values, start + offset, Math.min(BLOCK, length - offset), round));
  }
  return total;
}

/** `np.sum` of a contiguous float64 array (or `values[start .. start+length)`). */
export function pairwiseSum64(values: ArrayLike<number>, start = 0, length = values.length - start): number {
  return blockedSum(values, start, length, identity);
}

/** `np.sum` of a contiguous float32 array: every addition is rounded to float32. */
export function pairwiseSum32(values: ArrayLike<number>, start = 0, length = values.length - start): number {
  return blockedSum(values, start, length, Math.fround);
}
