import { bentPathPose, pathLegs, type StraightDrive } from './bent-path.ts';
import type { PlanarPose } from './quarter-turn.ts';
import { bendJoints, bendPose, bendRuns, bentDistance, bentStretch, type RoadBend } from './road-bends.ts';

/**
 * A move one lane sideways on the first straight leg of a drive of the straight town: the lateral offset follows
 * a quintic smoothstep over `lengthM`, so the lateral speed and acceleration are zero at both ends and the heading
 * is continuous. The drive's lane (and any turn) is the one it changes into.
 */
export interface LaneChange {
  /** The lane the drive starts in (0 = next to the centreline) and the global cross-axis coordinate of its centre. */
  fromLane: number;
  fromCoordinate: number;
  /** Straight-town distance from the drive's start to where the change starts, metres. */
  atM: number;
  /** Straight-town distance the change takes along the road, metres. */
  lengthM: number;
}

/** Progress across (0 to 1) a `p` (0 to 1) of the way along the change, and its slope. */
function progress(p: number): { w: number; dw: number } {
  const q = Math.min(Math.max(p, 0), 1);
  return { w: q ** 3 * (10 - 15 * q + 6 * q * q), dw: 30 * q * q * (1 - q) ** 2 };
}

/** The largest piece of the change integrated at once, metres; bend joints split pieces too. */
const PIECE_M = 1;
/** Gauss-Legendre nodes and weights on [0, 1], three points: exact for quintics, so for a smooth piece's length. */
const GAUSS = [
  [0.5 - Math.sqrt(0.15), 5 / 18],
  [0.5, 8 / 18],
  [0.5 + Math.sqrt(0.15), 5 / 18],
] as const;

/**
 * A lane change's path, worked out once: the bent town's length of the change up to the start of each piece
 * (`lengths`, the pieces starting at `starts`, straight-town distances), where along the drive it starts and ends
 * once bent, and how much longer the drive is from its start to the change's end than the lane it changes into.
 */
interface ChangePath {
  starts: number[];
  lengths: number[];
  startS: number;
  endS: number;
  extraS: number;
}

/** Per drive that changes lanes (its `owner`): poses are asked for thousands of times. */
const pathCache = new WeakMap<object, ChangePath>();

/**
 * The two drives a lane change joins: the lane it leaves, straight on, and `to`, the lane it changes into (with
 * any turn), from the same along-axis start.
 */
function fromDrive(change: LaneChange, to: StraightDrive): StraightDrive {
  const alongX = Math.abs(Math.cos(to.yaw0)) > 0.5;
  return alongX
    ? { ...to, y0: change.fromCoordinate, turn: undefined }
    : { ...to, x0: change.fromCoordinate, turn: undefined };
}

/** The straight town's point `u` straight-town metres along a drive changing lanes, and the slope of its offset. */
function changePoint(
  change: LaneChange,
  to: StraightDrive,
  u: number,
): { x: number; y: number; slope: number } {
  const [hx, hy] = [Math.round(Math.cos(to.yaw0)), Math.round(Math.sin(to.yaw0))];
  const { w, dw } = progress((u - change.atM) / change.lengthM);
  // The offset from the target lane's centre, across the road: the whole lane before the change, none after.
  const across = hx !== 0 ? change.fromCoordinate - to.y0 : change.fromCoordinate - to.x0;
  const offset = across * (1 - w);
  const slope = (-across * dw) / change.lengthM;
  return hx !== 0
    ? { x: to.x0 + u * hx, y: to.y0 + offset, slope: slope * hx }
    : { x: to.x0 + offset, y: to.y0 + u * hy, slope: -slope * hy };
}

/**
 * Metres of the bent town per straight-town metre along the change at `u`: the road's stretch at the point along
 * the road, the offset's slope across it (the bend keeps distances across the road).
 */
function changeSpeed(bends: readonly RoadBend[], change: LaneChange, to: StraightDrive, u: number): number {
  const p = changePoint(change, to, u);
  return Math.hypot(bentStretch(bends, p.x, p.y), p.slope);
}

/** Bent length of the change from straight-town distance `a` to `b`, on a piece with no bend joint inside. */
function pieceLength(
  bends: readonly RoadBend[],
  change: LaneChange,
  to: StraightDrive,
  a: number,
  b: number,
) {
  return (
    GAUSS.reduce(
      (sum, [node, weight]) => sum + weight * changeSpeed(bends, change, to, a + node * (b - a)),
      0,
    ) *
    (b - a)
  );
}

function changePath(
  owner: object,
  bends: readonly RoadBend[],
  change: LaneChange,
  to: StraightDrive,
): ChangePath {
  const cached = pathCache.get(owner);
  if (cached) return cached;
  const { atM, lengthM } = change;
  const [hx, hy] = [Math.round(Math.cos(to.yaw0)), Math.round(Math.sin(to.yaw0))];
  const along0 = hx !== 0 ? to.x0 : to.y0;
  const direction = hx !== 0 ? hx : hy;
  const joints = bends
    .filter((b) => (b.axis === 'x') === (hx !== 0))
    .flatMap((b) => bendJoints(b).map((j) => direction * (j - along0)))
    .filter((u) => u > atM && u < atM + lengthM);
  const pieces = Math.ceil(lengthM / PIECE_M);
  const cuts = [...Array.from({ length: pieces }, (_, i) => atM + (lengthM * i) / pieces), ...joints].sort(
    (a, b) => a - b,
  );
  const lengths = [0];
  cuts.forEach((a, i) => {
    const b = cuts[i + 1] ?? atM + lengthM;
    lengths.push(lengths[i] + pieceLength(bends, change, to, a, b));
  });
  const from = fromDrive(change, to);
  const startS = bentDistance(bendRuns(bends, pathLegs(from.x0, from.y0, from.yaw0, undefined)), atM);
  const endS = startS + lengths[cuts.length];
  const toRuns = bendRuns(bends, pathLegs(to.x0, to.y0, to.yaw0, to.turn));
  const path = { starts: cuts, lengths, startS, endS, extraS: endS - bentDistance(toRuns, atM + lengthM) };
  pathCache.set(owner, path);
  return path;
}

/** The straight-town distance along the change at which its bent length is `l`: Newton steps within its piece. */
function changeDistance(
  bends: readonly RoadBend[],
  change: LaneChange,
  to: StraightDrive,
  path: ChangePath,
  l: number,
) {
  const { starts, lengths } = path;
  let i = starts.length - 1;
  while (i > 0 && lengths[i] > l) i--;
  const a = starts[i];
  let u = a + (l - lengths[i]) / changeSpeed(bends, change, to, a);
  for (let k = 0; k < 20; k++) {
    const step = (lengths[i] + pieceLength(bends, change, to, a, u) - l) / changeSpeed(bends, change, to, u);
    u -= step;
    if (Math.abs(step) < 1e-12) break;
  }
  return u;
}

/**
 * Where a drive that changes lanes (`to`, laid out in the straight town in the lane it changes into, with `owner`
 * holding it as bentPathPose asks) is after `s` metres of the bent town: along the lane it leaves up to the
 * change, across on the change's curve, then along `to`, every part at the distance driven along its bent path.
 */
export function laneChangePose(
  owner: object,
  bends: readonly RoadBend[],
  change: LaneChange,
  to: StraightDrive,
  s: number,
): PlanarPose {
  const path = changePath(owner, bends, change, to);
  // The path, worked out once per drive, holds the lane the drive leaves as bentPathPose asks.
  if (s <= path.startS) return bentPathPose(path, bends, fromDrive(change, to), s);
  if (s >= path.endS) return bentPathPose(owner, bends, to, s - path.extraS);
  const u = changeDistance(bends, change, to, path, s - path.startS);
  const p = changePoint(change, to, u);
  const road = bendPose(bends, { x: p.x, y: p.y, yaw: to.yaw0 });
  // The bend stretches the road's length, not its width: the heading off the road's shrinks by the stretch.
  return { ...road, yaw: road.yaw + Math.atan2(p.slope, bentStretch(bends, p.x, p.y)) };
}
