/**
 * The centreline of a road's S-bend: it eases in and out of its curves along clothoids (curvature linear in arc
 * length) and is written as an arc spline, short circular arcs chained tangentially, so that every offset of it
 * (lane, divider, kerb, sidewalk edge) is arcs too and keeps closed forms.
 *
 * The curvature profile over arc length s, for a bend swinging left first (kappa the peak curvature, Lc the
 * spiral length, h the hold): a spiral 0 -> kappa over Lc, an arc of kappa over h, a spiral kappa -> -kappa over
 * 2 Lc (the first inflection), an arc of -kappa over Lc + 2 h, a spiral -kappa -> kappa over 2 Lc, an arc of kappa
 * over h and a spiral kappa -> 0 over Lc. It reads the same backwards and turns by zero in all, so the heading runs
 * antisymmetric about the middle: the bend ends on the line it started from, swings furthest aside at its middle,
 * and its largest heading, kappa (Lc + h), is reached at the inflections.
 */

/**
 * Arcs per spiral from zero to the peak curvature (a spiral through an inflection, twice as long, takes twice as
 * many): the arc spline then stays within 7 mm of the true clothoids on the towns' bends (10 mm with 5).
 */
export const SPIRAL_PIECES = 6;

/** A bend's curvature profile (see above), metres. */
export interface BendProfile {
  /** The peak curvature kappa, 1/m (positive: the bend swings left first, looking along +u). */
  curvature: number;
  /** Lc: the length of the entry and exit spirals. */
  spiralM: number;
  /** h: the length of the first and last arcs. */
  holdM: number;
}

/**
 * One arc of the bent centreline in the bend's frame (u along the axis from the bend's start, v across from the
 * straight centreline): v = cv + k sqrt(r^2 - (u - cu)^2) for u in [u0, u1].
 */
export interface BendArc {
  u0: number;
  u1: number;
  cu: number;
  cv: number;
  r: number;
  /** +1: the arc is above its centre (its normal to the left of +u points away from the centre). */
  k: 1 | -1;
  /** Arc length of the centreline from the bend's start to the arc's start, metres. */
  s0: number;
  /** Heading of the centreline at the arc's start, radians counter-clockwise from +u. */
  yaw0: number;
}

/** A piece of the arc spline before it is placed: its signed curvature (1/m) and length (m). */
interface Piece {
  curvature: number;
  length: number;
}

/**
 * The profile of an S-bend that spans `span` metres along its axis, turns at most `angleRad` from it and makes
 * the share `spiralShare` of the turning up to that heading in its spirals (the rest in its arcs), swinging
 * left first.
 */
export function bendProfile(angleRad: number, spiralShare: number, span: number): BendProfile {
  if (!(angleRad > 0 && angleRad < Math.PI / 4))
    throw new Error(`bend angle ${angleRad} rad is not in (0, pi/4)`);
  if (!(spiralShare > 0 && spiralShare < 1))
    throw new Error(`bend spiral share ${spiralShare} is not in (0, 1)`);
  if (!(span > 0)) throw new Error(`bend span ${span} m is not positive`);
  // The shape with Lc + h = 1 has kappa = angleRad; every length of the bend scales with its span.
  const unit = { curvature: angleRad, spiralM: spiralShare, holdM: 1 - spiralShare };
  const arcs = chainArcs(profilePieces(unit));
  const scale = span / arcs[arcs.length - 1].u1;
  return { curvature: angleRad / scale, spiralM: spiralShare * scale, holdM: (1 - spiralShare) * scale };
}

/** The arcs of a profile's arc spline, mirrored across the axis for `side` -1 (swinging right first). */
export function arcSpline(profile: BendProfile, side: 1 | -1): BendArc[] {
  return chainArcs(profilePieces(profile)).map((a) => ({
    ...a,
    cv: side * a.cv,
    k: (side * a.k) as 1 | -1,
    yaw0: side * a.yaw0,
  }));
}

/**
 * The profile as arcs: each spiral cut into pieces of equal length, each piece of the spiral's mean curvature
 * over it, so that the heading at every joint is the clothoid's exactly.
 */
function profilePieces({ curvature: kappa, spiralM, holdM }: BendProfile): Piece[] {
  const n = SPIRAL_PIECES;
  const step = spiralM / n;
  // A spiral from curvature a to b over `pieces` pieces.
  const spiral = (a: number, b: number, pieces: number): Piece[] =>
    Array.from({ length: pieces }, (_, i) => ({
      curvature: a + ((b - a) * (i + 0.5)) / pieces,
      length: step,
    }));
  return [
    ...spiral(0, kappa, n),
    { curvature: kappa, length: holdM },
    ...spiral(kappa, -kappa, 2 * n),
    { curvature: -kappa, length: spiralM + 2 * holdM },
    ...spiral(-kappa, kappa, 2 * n),
    { curvature: kappa, length: holdM },
    ...spiral(kappa, 0, n),
  ];
}

/** Chains pieces tangentially from the bend's start, heading along +u. */
function chainArcs(pieces: readonly Piece[]): BendArc[] {
  let [u, v, yaw, s] = [0, 0, 0, 0];
  return pieces.map(({ curvature, length }) => {
    const r = 1 / Math.abs(curvature);
    const [cu, cv] = [u - Math.sin(yaw) / curvature, v + Math.cos(yaw) / curvature];
    const arc: BendArc = { u0: u, u1: 0, cu, cv, r, k: curvature > 0 ? -1 : 1, s0: s, yaw0: yaw };
    yaw += curvature * length;
    s += length;
    [u, v] = [cu + Math.sin(yaw) / curvature, cv - Math.cos(yaw) / curvature];
    arc.u1 = u;
    return arc;
  });
}
