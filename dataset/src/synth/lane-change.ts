import { bentPathPose, pathLegs, type StraightDrive } from './bent-path.ts';
import type { PlanarPose } from './quarter-turn.ts';
import { bendJoints, bendPose, bendRuns, bentDistance, bentStretch, type RoadBend } from './road-bends.ts';

/**
 * A move one lane sideways on the first straight leg of a drive: the offset from the road's lanes follows a
 * quintic smoothstep of the distance driven, so the lateral speed and acceleration are zero at both ends and the
 * heading off the road's is continuous, on a bent road too (laid out in the straight town along the road, the
 * bend's joints would kink it). The drive's lane (and any turn) is the one it changes into.
 */
export interface LaneChange {
  /** The lane the drive starts in (0 = next to the centreline) and the global cross-axis coordinate of its centre. */
  fromLane: number;
  fromCoordinate: number;
  /** Straight-town distance from the drive's start to where the change starts, metres. */
  atM: number;
  /** Distance driven over the change (along its own path, bends and all), metres. */
  lengthM: number;
}

/** Progress across (0 to 1) a `p` (0 to 1) of the way along the change, and its slope. */
function progress(p: number): { w: number; dw: number } {
  const q = Math.min(Math.max(p, 0), 1);
  return { w: q ** 3 * (10 - 15 * q + 6 * q * q), dw: 30 * q * q * (1 - q) ** 2 };
}

/** The largest straight-town step of the change's table, metres; bend joints are steps' ends too. */
const STEP_M = 0.5;

/**
 * A lane change's path, worked out once: straight-town distances `us` from the drive's start and the distance
 * driven into the change there, `ss` (steps of the ODE ds/du = stretch / cos(heading off the road)); where along
 * the drive it starts and ends, and how much longer the drive is from its start to the change's end than the lane
 * it changes into.
 */
interface ChangePath {
  us: number[];
  ss: number[];
  startS: number;
  endS: number;
  extraS: number;
}

/** Per drive that changes lanes (its `owner`): poses are asked for thousands of times. */
const pathCache = new WeakMap<object, ChangePath>();

/** The lane a drive changing lanes leaves, straight on from the same along-axis start as `to`, the one it joins. */
function fromDrive(change: LaneChange, to: StraightDrive): StraightDrive {
  const alongX = Math.abs(Math.cos(to.yaw0)) > 0.5;
  return alongX
    ? { ...to, y0: change.fromCoordinate, turn: undefined }
    : { ...to, x0: change.fromCoordinate, turn: undefined };
}

/**
 * The straight town's point `u` straight-town metres along a drive `l` metres into its lane change, and the sine
 * of its heading off the road's (positive to the left).
 */
function changePoint(change: LaneChange, to: StraightDrive, u: number, l: number) {
  const [hx, hy] = [Math.round(Math.cos(to.yaw0)), Math.round(Math.sin(to.yaw0))];
  const { w, dw } = progress(l / change.lengthM);
  // The offset from the target lane's centre, across the road: the whole lane before the change, none after.
  const across = hx !== 0 ? change.fromCoordinate - to.y0 : change.fromCoordinate - to.x0;
  const offset = across * (1 - w);
  const slope = (-across * dw) / change.lengthM;
  return hx !== 0
    ? { x: to.x0 + u * hx, y: to.y0 + offset, sine: slope * hx }
    : { x: to.x0 + offset, y: to.y0 + u * hy, sine: -slope * hy };
}

/** Metres driven into the change per straight-town metre along the road, at `u` and `l` metres into it. */
function rate(
  bends: readonly RoadBend[],
  change: LaneChange,
  to: StraightDrive,
  u: number,
  l: number,
): number {
  const p = changePoint(change, to, u, l);
  return bentStretch(bends, p.x, p.y) / Math.sqrt(1 - p.sine * p.sine);
}

/** Distance driven into the change at `u`, one Runge-Kutta step on from (u0, l0) with no bend joint between. */
function stepTo(
  bends: readonly RoadBend[],
  change: LaneChange,
  to: StraightDrive,
  u0: number,
  l0: number,
  u: number,
) {
  const h = u - u0;
  // Just inside the step: the stretch jumps at a bend joint, and the step may start or end on one.
  const k1 = rate(bends, change, to, u0 + h * 1e-9, l0);
  const k2 = rate(bends, change, to, u0 + h / 2, l0 + (h * k1) / 2);
  const k3 = rate(bends, change, to, u0 + h / 2, l0 + (h * k2) / 2);
  const k4 = rate(bends, change, to, u - h * 1e-9, l0 + h * k3);
  return l0 + (h * (k1 + 2 * k2 + 2 * k3 + k4)) / 6;
}

/** The straight-town distance at which the drive is `l` metres into the change: Newton steps within its step. */
function changeDistance(
  bends: readonly RoadBend[],
  change: LaneChange,
  to: StraightDrive,
  us: readonly number[],
  ss: readonly number[],
  l: number,
): number {
  let i = ss.length - 1;
  while (i > 0 && ss[i] > l) i--;
  let u = us[i] + (l - ss[i]) / rate(bends, change, to, us[i], ss[i]);
  for (let k = 0; k < 20; k++) {
    const at = stepTo(bends, change, to, us[i], ss[i], u);
    const step = (at - l) / rate(bends, change, to, u, at);
    u -= step;
    if (Math.abs(step) < 1e-12) break;
  }
  return u;
}

/** The change's table (see ChangePath), stepping along the road until the drive is through it. */
function changeTable(bends: readonly RoadBend[], change: LaneChange, to: StraightDrive) {
  const [hx, hy] = [Math.round(Math.cos(to.yaw0)), Math.round(Math.sin(to.yaw0))];
  const [along0, direction] = hx !== 0 ? [to.x0, hx] : [to.y0, hy];
  const joints = bends
    .filter((b) => (b.axis === 'x') === (hx !== 0))
    .flatMap((b) => bendJoints(b).map((j) => direction * (j - along0)))
    .filter((u) => u > change.atM)
    .sort((a, b) => a - b);
  const [us, ss] = [[change.atM], [0]];
  while (ss[ss.length - 1] < change.lengthM) {
    const u0 = us[us.length - 1];
    const u = Math.min(u0 + STEP_M, joints.find((j) => j > u0 + 1e-9) ?? Infinity);
    us.push(u);
    ss.push(stepTo(bends, change, to, u0, ss[ss.length - 1], u));
  }
  return { us, ss, endU: changeDistance(bends, change, to, us, ss, change.lengthM) };
}

/**
 * How far along the road, in the straight town, a lane change takes the drive `to` (laid out in the lane it
 * changes into): what its planning checks against the turn lanes.
 */
export function laneChangeSpan(bends: readonly RoadBend[], change: LaneChange, to: StraightDrive): number {
  return changeTable(bends, change, to).endU - change.atM;
}

function changePath(
  owner: object,
  bends: readonly RoadBend[],
  change: LaneChange,
  to: StraightDrive,
): ChangePath {
  const cached = pathCache.get(owner);
  if (cached) return cached;
  const { us, ss, endU } = changeTable(bends, change, to);
  const from = fromDrive(change, to);
  const startS = bentDistance(bendRuns(bends, pathLegs(from.x0, from.y0, from.yaw0, undefined)), change.atM);
  const endS = startS + change.lengthM;
  const toRuns = bendRuns(bends, pathLegs(to.x0, to.y0, to.yaw0, to.turn));
  const path = { us, ss, startS, endS, extraS: endS - bentDistance(toRuns, endU) };
  pathCache.set(owner, path);
  return path;
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
  const l = s - path.startS;
  const p = changePoint(change, to, changeDistance(bends, change, to, path.us, path.ss, l), l);
  const road = bendPose(bends, { x: p.x, y: p.y, yaw: to.yaw0 });
  return { ...road, yaw: road.yaw + Math.asin(p.sine) };
}
