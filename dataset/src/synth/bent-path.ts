import { type PlanarPose, type QuarterTurn, quarterTurnPose } from './quarter-turn.ts';
import {
  type BendRun,
  bendPose,
  bendRuns,
  type PathLeg,
  type RoadBend,
  straightDistance,
} from './road-bends.ts';

/**
 * The straight legs of a drive of the straight town along an axis-aligned heading that may take a quarter turn:
 * the one it starts on (back along it too, for negative distances) and, after the turn, the one it leaves on.
 */
export function pathLegs(x0: number, y0: number, yaw0: number, turn: QuarterTurn | undefined): PathLeg[] {
  if (!turn) return [{ x: x0, y: y0, yaw: yaw0, s0: -Infinity, s1: Infinity }];
  const s1 = turn.atM + (Math.PI / 2) * turn.radiusM;
  const exit = quarterTurnPose(x0, y0, yaw0, turn, s1);
  return [
    { x: x0, y: y0, yaw: yaw0, s0: -Infinity, s1: turn.atM },
    { x: exit.x, y: exit.y, yaw: exit.yaw, s0: s1, s1: Infinity },
  ];
}

/** A drive laid out in the straight town: from (x0, y0) along an axis-aligned heading, perhaps with a quarter turn. */
export interface StraightDrive {
  x0: number;
  y0: number;
  yaw0: number;
  turn: QuarterTurn | undefined;
}

/** Per drive (an agent, an ego route), its runs along the bends: poses are asked for thousands of times. */
const runCache = new WeakMap<object, readonly BendRun[]>();

/**
 * Where a drive (quarterTurnPose's, laid out in the straight town) is after `s` metres of the bent town: the
 * distance is measured along the bent lanes, so a vehicle keeps its speed through the bends, and its heading
 * follows the road. `owner` holds the drive (it must not change), so that its runs along the bends are worked
 * out once.
 */
export function bentPathPose(
  owner: object,
  bends: readonly RoadBend[],
  drive: StraightDrive,
  s: number,
): PlanarPose {
  const { x0, y0, yaw0, turn } = drive;
  if (bends.length === 0) return quarterTurnPose(x0, y0, yaw0, turn, s);
  let runs = runCache.get(owner);
  if (!runs) {
    runs = bendRuns(bends, pathLegs(x0, y0, yaw0, turn));
    runCache.set(owner, runs);
  }
  return bendPose(bends, quarterTurnPose(x0, y0, yaw0, turn, straightDistance(runs, s)));
}
