/**
 * Python's float `%` (and numpy's `remainder`): the result takes the sign of the divisor. JS `%` keeps the
 * dividend's sign, which would move angle differences into the wrong half-period.
 */
export function floorMod(a: number, b: number): number {
  let mod = a % b;
  if (mod !== 0) {
    if (b < 0 !== mod < 0) mod += b;
  } else {
    mod = b < 0 ? -0 : 0;
  }
  return mod;
}
