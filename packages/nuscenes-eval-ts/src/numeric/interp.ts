/**
 * `numpy.interp(x, xp, fp, left, right)` reproduced branch for branch (numpy's `arr_interp`), because the
 * detection metric feeds it repeated x-coordinates (flat recall runs, tied scores) where the choice of
 * segment decides the value. `xp` must be non-decreasing, as numpy assumes without checking.
 */
export interface InterpBounds {
  /** Value for x < xp[0]; numpy's default is fp[0]. */
  left?: number;
  /** Value for x > xp[last]; numpy's default is fp[last]. */
  right?: number;
}

/** Last index j with xp[j] <= x, assuming xp[0] <= x <= xp[last]. */
function lastAtOrBelow(xp: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xp.length;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    if (x >= xp[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export function numpyInterp(
  x: ArrayLike<number>,
  xp: ArrayLike<number>,
  fp: ArrayLike<number>,
  bounds: InterpBounds = {},
): Float64Array {
  const n = xp.length;
  if (n === 0) throw new RangeError('numpyInterp: xp must not be empty');
  if (fp.length !== n) throw new RangeError(`numpyInterp: xp has ${n} points but fp has ${fp.length}`);
  const left = bounds.left ?? fp[0];
  const right = bounds.right ?? fp[n - 1];
  const out = new Float64Array(x.length);
  if (n === 1) {
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      out[i] = xi < xp[0] ? left : xi > xp[0] ? right : fp[0];
    }
    return out;
  }
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (Number.isNaN(xi)) {
      out[i] = xi;
      continue;
    }
    if (xi > xp[n - 1]) {
      out[i] = right;
      continue;
    }
    if (xi < xp[0]) {
      out[i] = left;
      continue;
    }
    const j = lastAtOrBelow(xp, xi);
    if (j === n - 1 || xp[j] === xi) {
      out[i] = fp[j];
      continue;
    }
    const slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    let y = slope * (xi - xp[j]) + fp[j];
    if (Number.isNaN(y)) {
      y = slope * (xi - xp[j + 1]) + fp[j + 1];
      if (Number.isNaN(y) && fp[j] === fp[j + 1]) y = fp[j];
    }
    out[i] = y;
  }
  return out;
}
