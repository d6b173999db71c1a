import { arcSpline, type BendArc, bendProfile } from './clothoid-bend.ts';
import type { PlanarPose } from './quarter-turn.ts';

/** map-geometry.ts's Point, spelt out: that module imports the town, which imports this one. */
type Point = readonly [x: number, y: number];

/**
 * A road segment that bends between its junctions: it leaves each junction straight (past the crossing and the
 * stop line) and in between swings aside and back in an S-bend with no net offset, easing in and out of its
 * curves along clothoids (clothoid-bend.ts: its centreline is an arc spline). The town is built straight and then
 * bent: a point of the straight town at `along` on the segment's axis and `across` from its centreline, inside
 * the strip that bends (the road and its sidewalks), moves to the same offset from the bent centreline, along its
 * normal there. Offsets of an arc are arcs about the same centre, so every lane, divider, kerb and sidewalk edge
 * is arcs too, and lanes keep their width.
 */
export interface RoadBend {
  segmentId: number;
  axis: 'x' | 'y';
  /** The straight road's centreline: y = centre for a road along x, x = centre along y. */
  centre: number;
  /** Along-axis extent of the bent stretch, metres; straight before and after it. */
  from: number;
  to: number;
  /** The largest angle between the bent centreline and the axis, radians. */
  angleRad: number;
  /** The share of the turning up to that angle made in the clothoid spirals; the rest is arcs. */
  spiralShare: number;
  /** The side of the centreline (sign of the across offset) the road swings to. */
  side: 1 | -1;
  /** Half-width of the strip that bends with the road (road and sidewalks), metres. */
  reach: number;
}

/** The largest angle one straight piece of a bent line may stand in for when it is written as a polyline. */
const SAMPLE_STEP_RAD = (2.5 * Math.PI) / 180;
/**
 * The longest straight piece of a bent line written as a polyline, metres: near the inflections the line barely
 * turns. With it the polylines keep within a centimetre of the bent lines (4 cm without).
 */
const SAMPLE_STEP_M = 6;

function bendLength(bend: Pick<RoadBend, 'from' | 'to'>): number {
  return bend.to - bend.from;
}

/** How far the centreline swings aside at the middle of the bend (the furthest it goes), metres. */
export function bendSwing(bend: RoadBend): number {
  return Math.abs(bendLocal(bend, bendLength(bend) / 2, 0).v);
}

/** Arcs per bend, computed once: poses and raster cells ask for them millions of times. */
const arcCache = new WeakMap<RoadBend, readonly BendArc[]>();

/** The arcs of a bend's centreline, in its frame (u along the axis from `from`, v across from `centre`). */
export function bendArcs(bend: RoadBend): readonly BendArc[] {
  const cached = arcCache.get(bend);
  if (cached) return cached;
  const arcs = computeArcs(bend);
  arcCache.set(bend, arcs);
  return arcs;
}

function computeArcs(bend: RoadBend): BendArc[] {
  const arcs = arcSpline(bendProfile(bend.angleRad, bend.spiralShare, bendLength(bend)), bend.side);
  // The chain of arcs ends at the span to rounding; the strip ends there exactly.
  arcs[arcs.length - 1].u1 = bendLength(bend);
  const tightest = Math.min(...arcs.map((a) => a.r));
  // Inside an arc tighter than the strip's half-width its offsets would fold over themselves; the margin keeps
  // the normals that unbendWith bisects by well apart across the strip.
  if (tightest < 1.5 * bend.reach) {
    throw new Error(
      `segment ${bend.segmentId} bends on a ${tightest.toFixed(1)} m radius, under 1.5 x ${bend.reach} m`,
    );
  }
  return arcs;
}

/** The arc over u (the first or last one beyond the bend's ends). */
function arcAt(arcs: readonly BendArc[], u: number): BendArc {
  let [lo, hi] = [0, arcs.length - 1];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u <= arcs[mid].u1) hi = mid;
    else lo = mid + 1;
  }
  return arcs[lo];
}

/** (u, v) in the bend's frame of a global point. */
function toLocal(bend: RoadBend, x: number, y: number): [number, number] {
  return bend.axis === 'x' ? [x - bend.from, y - bend.centre] : [y - bend.from, x - bend.centre];
}

function toGlobal(bend: RoadBend, u: number, v: number): Point {
  return bend.axis === 'x' ? [bend.from + u, bend.centre + v] : [bend.centre + v, bend.from + u];
}

/** Whether a point of the straight town lies in the strip that bends. */
function inStrip(bend: RoadBend, u: number, v: number): boolean {
  return u > 0 && u < bendLength(bend) && Math.abs(v) <= bend.reach + 1e-9;
}

/**
 * Where the straight town's point (u, c) of the bend's frame lies once bent, and how much a direction there
 * turns (counter-clockwise in the bend's frame), radians.
 */
function bendLocal(bend: RoadBend, u: number, c: number): { u: number; v: number; turn: number } {
  const { r, cu, cv, k } = arcAt(bendArcs(bend), u);
  const w = u - cu;
  const h = Math.sqrt(Math.max(0, r * r - w * w));
  return { u: u + (c * k * w) / r, v: cv + k * h + (c * h) / r, turn: Math.atan2(-k * w, h) };
}

/** Where a point of the straight town lies in the bent town. */
export function bendPoint(bends: readonly RoadBend[], x: number, y: number): Point {
  for (const bend of bends) {
    const [u, v] = toLocal(bend, x, y);
    if (!inStrip(bend, u, v)) continue;
    const p = bendLocal(bend, u, v);
    return toGlobal(bend, p.u, p.v);
  }
  return [x, y];
}

/** A pose of the straight town in the bent town: its heading turns with the road under it. */
export function bendPose(bends: readonly RoadBend[], pose: PlanarPose): PlanarPose {
  for (const bend of bends) {
    const [u, v] = toLocal(bend, pose.x, pose.y);
    if (!inStrip(bend, u, v)) continue;
    const p = bendLocal(bend, u, v);
    const [x, y] = toGlobal(bend, p.u, p.v);
    // Along y the bend's frame (u, v) = (y, x) is a mirror image of the global one, so its turns run backwards.
    return { x, y, yaw: pose.yaw + (bend.axis === 'x' ? p.turn : -p.turn) };
  }
  return pose;
}

/**
 * The straight town's point that lands at (x, y) in the bent town, for a point in a bend's strip; undefined
 * elsewhere (including where the strip was before it bent away).
 */
export function unbendPoint(bend: RoadBend, x: number, y: number): Point | undefined {
  const [pu, pv] = toLocal(bend, x, y);
  const out = new Float64Array(2);
  return unbendWith(unbendFrame(bend), pu, pv, out) ? toGlobal(bend, out[0], out[1]) : undefined;
}

/**
 * The straight town's point that lands at (x, y) in the bent town: the same point away from the bends,
 * undefined where a bent strip lay before it swung away (nothing of the straight town lands there).
 */
export function straightPoint(bends: readonly RoadBend[], x: number, y: number): Point | undefined {
  for (const bend of bends) {
    const p = unbendPoint(bend, x, y);
    if (p) return p;
    const [u, v] = toLocal(bend, x, y);
    if (inStrip(bend, u, v)) return undefined;
  }
  return [x, y];
}

const frameCache = new WeakMap<RoadBend, Float64Array>();

/** Numbers per arc in an unbendFrame: u0, u1, cu, cv, r and k. */
const FRAME_ARC = 6;
/** Where an unbendFrame's index of arcs starts. */
const FRAME_INDEX = 5;
/** Size of the cells of an unbendFrame's index, along and across the axis, metres. */
const FRAME_STEP_M = 0.5;
const FRAME_BAND_M = 2;

/**
 * A bend's numbers as unbendWith reads them: its length, its reach, where its arcs start in the frame, and the v
 * and count of the bands across the axis its index covers; the index, per cell of FRAME_STEP_M by FRAME_BAND_M,
 * of where in the frame the arc whose share of the strip holds the cell's centre starts; then each arc. Raster
 * loops take it once per bend and call unbendWith per cell, which V8 then inlines: reading the bend's and its
 * arcs' fields there, or calling a closure per bend, made a bent town's raster several times slower.
 */
export function unbendFrame(bend: RoadBend): Float64Array {
  let frame = frameCache.get(bend);
  if (!frame) {
    const arcs = bendArcs(bend);
    const v0 = -bend.reach - (bend.side < 0 ? bendSwing(bend) : 0);
    const bands = Math.ceil((bendSwing(bend) + 2 * bend.reach) / FRAME_BAND_M);
    const steps = Math.floor(bendLength(bend) / FRAME_STEP_M) + 1;
    const first = FRAME_INDEX + steps * bands;
    // The normals at the arcs' starts cut the strip (no wider than the arcs' radii) into the arcs' shares, in
    // order: a point's arc is the last whose start it lies beyond.
    const starts = arcs.map((a) => {
      const v = a.cv + a.k * Math.sqrt(Math.max(0, a.r * a.r - (a.u0 - a.cu) ** 2));
      return { u: a.u0, v, cos: Math.cos(a.yaw0), sin: Math.sin(a.yaw0) };
    });
    const index = Array.from({ length: steps * bands }, (_, cell) => {
      const u = (Math.floor(cell / bands) + 0.5) * FRAME_STEP_M;
      const v = v0 + ((cell % bands) + 0.5) * FRAME_BAND_M;
      const arc = starts.findLastIndex((s) => (u - s.u) * s.cos + (v - s.v) * s.sin >= 0);
      return first + FRAME_ARC * Math.max(0, arc);
    });
    const numbers = arcs.flatMap((a) => [a.u0, a.u1, a.cu, a.cv, a.r, a.k]);
    frame = Float64Array.from([bendLength(bend), bend.reach, first, v0, bands, ...index, ...numbers]);
    frameCache.set(bend, frame);
  }
  return frame;
}

/**
 * unbendPoint in the frame of the bend whose unbendFrame is `frame`, writing (u, c) to `out`: false where no point
 * of the strip lands. Allocates nothing, as it runs for every raster cell of every bend.
 */
export function unbendWith(frame: Float64Array, pu: number, pv: number, out: Float64Array): boolean {
  if (pu <= 0 || pu >= frame[0]) return false;
  const first = frame[2] | 0;
  const bands = frame[4] | 0;
  const band = Math.min(bands - 1, Math.max(0, ((pv - frame[3]) / FRAME_BAND_M) | 0));
  // The index's arc is the point's, or one of the next few: where the point's foot on its circle falls beyond
  // the arc's ends, it lies in a neighbour's share.
  let a = frame[FRAME_INDEX + ((pu / FRAME_STEP_M) | 0) * bands + band] | 0;
  let step = 0;
  for (;;) {
    const cu = frame[a + 2];
    const r = frame[a + 4];
    const k = frame[a + 5];
    const dx = pu - cu;
    const dy = pv - frame[a + 3];
    // Points far off the strip may fall on the other half of the arc's circle.
    if (dy * k <= 0) return false;
    const d = Math.sqrt(dx * dx + dy * dy);
    const u = cu + (r * dx) / d;
    const next = u < frame[a] - 1e-9 ? -FRAME_ARC : u > frame[a + 1] + 1e-9 ? FRAME_ARC : 0;
    if (next === 0) {
      const c = k * (d - r);
      if (Math.abs(c) > frame[1] + 1e-9) return false;
      out[0] = u;
      out[1] = c;
      return true;
    }
    // Turning back, or off either end: no arc's share holds the point.
    if (next === -step || a + next < first || a + next >= frame.length) return false;
    step = next;
    a += next;
  }
}

const sampleCache = new WeakMap<RoadBend, readonly number[]>();

/** Where a line through the bend takes a vertex (u, in the bend's frame): every few degrees or metres. */
function bendSamples(bend: RoadBend): readonly number[] {
  const cached = sampleCache.get(bend);
  if (cached) return cached;
  const samples = computeSamples(bend);
  sampleCache.set(bend, samples);
  return samples;
}

function computeSamples(bend: RoadBend): number[] {
  // A piece between vertices turns at most SAMPLE_STEP_RAD and runs at most SAMPLE_STEP_M: the sum of its turn
  // and its length, each over its step, is at most 1. Along an arc that sum grows with the angle covered.
  const arcs = bendArcs(bend).map(({ u0, u1, cu, r }) => {
    const [p0, p1] = [Math.asin((u0 - cu) / r), Math.asin((u1 - cu) / r)];
    return { cu, r, p0, p1, perRad: 1 / SAMPLE_STEP_RAD + r / SAMPLE_STEP_M };
  });
  const total = arcs.reduce((sum, a) => sum + (a.p1 - a.p0) * a.perRad, 0);
  const pieces = Math.ceil(total - 1e-9);
  const samples = [0];
  let [arc, before] = [0, 0];
  for (let i = 1; i < pieces; i++) {
    const at = (total * i) / pieces;
    while ((arcs[arc].p1 - arcs[arc].p0) * arcs[arc].perRad < at - before) {
      before += (arcs[arc].p1 - arcs[arc].p0) * arcs[arc].perRad;
      arc++;
    }
    const { cu, r, p0, perRad } = arcs[arc];
    samples.push(cu + r * Math.sin(p0 + (at - before) / perRad));
  }
  samples.push(bendLength(bend));
  return samples;
}

/** Where a bend's arcs meet (and where it starts and ends), along-axis global coordinates. */
export function bendJoints(bend: RoadBend): number[] {
  const arcs = bendArcs(bend);
  return [bend.from, ...arcs.map((a) => bend.from + a.u1)];
}

/**
 * A polyline (or, `closed`, a ring) of the straight town as it runs in the bent town: each piece along a bent
 * road inside its strip gains the bend's sample vertices, then every vertex moves with the bend.
 */
export function bendPolyline(bends: readonly RoadBend[], points: readonly Point[], closed: boolean): Point[] {
  if (bends.length === 0) return [...points];
  const out: Point[] = [];
  const count = closed ? points.length : points.length - 1;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    out.push(bendPoint(bends, p[0], p[1]));
    if (i >= count) continue;
    const q = points[(i + 1) % points.length];
    for (const bend of bends) {
      const [pu, pv] = toLocal(bend, p[0], p[1]);
      const [qu, qv] = toLocal(bend, q[0], q[1]);
      if (Math.abs(pv - qv) > 1e-9 || Math.abs(pv) > bend.reach + 1e-9) continue;
      const [lo, hi] = [Math.min(pu, qu), Math.max(pu, qu)];
      if (hi <= 0 || lo >= bendLength(bend)) continue;
      const inside = bendSamples(bend).filter((u) => u > lo + 1e-9 && u < hi - 1e-9);
      if (qu < pu) inside.reverse();
      for (const u of inside) {
        const b = bendLocal(bend, u, pv);
        out.push(toGlobal(bend, b.u, b.v));
      }
    }
  }
  return out;
}

/**
 * Length of the line `c` across from the centreline (bend frame) from the bend's start to the point of the
 * straight town at `u`, once bent; straight on beyond the bend at either end.
 */
function bentLength(bend: RoadBend, c: number, u: number): number {
  if (u <= 0) return u;
  const length = bendLength(bend);
  const end = Math.min(u, length);
  const { u0, cu, r, k, s0, yaw0 } = arcAt(bendArcs(bend), end);
  // Up to the arc, the offset line is as long as the centreline less c times the heading's turn (an arc of
  // angle a at offset c is r a + c a or r a - c a); along the arc (r + k c) times the angle covered.
  const bent = s0 - c * yaw0 + (r + k * c) * (Math.asin((end - cu) / r) - Math.asin((u0 - cu) / r));
  return bent + (u - end);
}

/**
 * How many metres a line of the straight town along a bend's axis runs per metre of that axis once bent, at the
 * straight town's point (x, y): 1 off the bends; on an arc, its offset from the arc's centre per radian over the
 * axis's r cos(angle) per radian. The bend keeps distances across the road.
 */
export function bentStretch(bends: readonly RoadBend[], x: number, y: number): number {
  for (const bend of bends) {
    const [u, v] = toLocal(bend, x, y);
    if (!inStrip(bend, u, v)) continue;
    const { r, k, cu } = arcAt(bendArcs(bend), u);
    return (r + k * v) / Math.sqrt(Math.max(0, r * r - (u - cu) ** 2));
  }
  return 1;
}

/** One straight leg of a path of the straight town: from (x, y) with an axis-aligned heading, for path distances in [s0, s1]. */
export interface PathLeg {
  x: number;
  y: number;
  yaw: number;
  s0: number;
  s1: number;
}

/** A leg running along a bend's strip: its start in the bend's frame and which way along it runs. */
export interface BendRun {
  bend: RoadBend;
  /** +1 or -1: the leg's direction along the bend's axis. */
  d: number;
  u0: number;
  c: number;
  /** The leg's path distances (see PathLeg). */
  s0: number;
  s1: number;
}

/** The runs of a path's legs along the bends: what straightDistance needs of the path, worked out once. */
export function bendRuns(bends: readonly RoadBend[], legs: readonly PathLeg[]): BendRun[] {
  const runs: BendRun[] = [];
  for (const leg of legs) {
    for (const bend of bends) {
      const [hu, hv] =
        bend.axis === 'x' ? [Math.cos(leg.yaw), Math.sin(leg.yaw)] : [Math.sin(leg.yaw), Math.cos(leg.yaw)];
      if (Math.abs(hv) > 1e-9) continue;
      const [u0, c] = toLocal(bend, leg.x, leg.y);
      if (Math.abs(c) > bend.reach + 1e-9) continue;
      runs.push({ bend, d: Math.sign(hu), u0, c, s0: leg.s0, s1: leg.s1 });
    }
  }
  return runs;
}

/**
 * How much longer a path is in the bent town than in the straight one, from its start to path distance `s` of
 * the straight town (negative `s`: back along the first leg).
 */
function runsExcess(runs: readonly BendRun[], s: number): number {
  let excess = 0;
  for (const { bend, d, u0, c, s0, s1 } of runs) {
    const along = Math.min(Math.max(s, s0), s1) - Math.max(s0, 0);
    if (along !== 0) excess += d * (bentLength(bend, c, u0 + d * along) - bentLength(bend, c, u0)) - along;
  }
  return excess;
}

/** How long a path of the straight town (its legs' `runs` along the bends) is once bent, up to its distance `x`. */
export function bentDistance(runs: readonly BendRun[], x: number): number {
  return x + runsExcess(runs, x);
}

/**
 * The distance along a path of the straight town (its legs' `runs` along the bends) that, bent, is `s` metres
 * long: the root of x + excess(x) - s, found by secant steps. That function rises by 0.7 to 1.4 metres per metre
 * (a lane's arcs are at most a third longer or shorter than the centreline's), so the steps stay tame.
 */
export function straightDistance(runs: readonly BendRun[], s: number): number {
  if (runs.length === 0) return s;
  let x0 = s;
  let g0 = runsExcess(runs, s);
  if (g0 === 0) return s;
  let x1 = s - g0;
  let g1 = x1 + runsExcess(runs, x1) - s;
  for (let i = 0; i < 40 && Math.abs(g1) > 1e-10 && g1 !== g0; i++) {
    const x2 = x1 - (g1 * (x1 - x0)) / (g1 - g0);
    x0 = x1;
    g0 = g1;
    x1 = x2;
    g1 = x1 + runsExcess(runs, x1) - s;
  }
  return x1;
}

/** The bends whose strips a path's legs run along, or whose strip holds its start. */
export function bendsOnPath(bends: readonly RoadBend[], legs: readonly PathLeg[]): RoadBend[] {
  return bends.filter((bend) =>
    legs.some((leg) => {
      const [u, c] = toLocal(bend, leg.x, leg.y);
      if (Math.abs(c) > bend.reach + 1e-9) return false;
      if (inStrip(bend, u, c)) return true;
      const hv = bend.axis === 'x' ? Math.sin(leg.yaw) : Math.cos(leg.yaw);
      return Math.abs(hv) < 1e-9;
    }),
  );
}
