import { bentPathPose, pathLegs } from './bent-path.ts';
import { type LaneChange, laneChangePose, laneChangeSpan } from './lane-change.ts';
import type { PlanarPose, QuarterTurn } from './quarter-turn.ts';
import type { Random } from './random.ts';
import { bendRuns, bendsOnPath, type RoadBend, straightDistance } from './road-bends.ts';
import {
  acrossTurnSign,
  headingOf,
  junctionEdge,
  laneExtent,
  laneOffset,
  type RoadSegment,
  roadExtent,
  roadHalfWidth,
  type Town,
  turnExitDirection,
  turnLaneStart,
} from './town.ts';

/**
 * The ego vehicle's drive: down one lane of one road and, in most scenes, through a junction with a quarter turn
 * left or right into the same lane of the crossing road, with a speed that swings smoothly around a base speed
 * (speed(t) = base + swing * sin(omega t + phase)) so that ego motion is not a constant to be memorised. Some
 * drives move one lane sideways on the way: into the lane their turn at a junction ahead is taken from, out of a
 * turn lane they would otherwise go straight on from, or now and then for no junction's sake.
 */
export interface EgoRoute {
  /** The road the drive starts on. */
  axis: 'x' | 'y';
  direction: 1 | -1;
  /** Global cross-axis coordinate of the lane centre, metres: the lane the drive changes into, if it changes. */
  laneCoordinate: number;
  /** Lane index, 0 = next to the road centreline: the lane the drive changes into, if it changes. */
  lane: number;
  roadCentre: number;
  /** Along-axis global coordinate at t = 0, metres. */
  start: number;
  baseSpeed: number;
  swing: number;
  omega: number;
  phase: number;
  /** The junction turn (a quarter circle into the crossing road's lane), if the drive has one. */
  turn?: QuarterTurn;
  /** A halt at a stop line, if the drive has one (then the speed does not swing: swing is 0). */
  stop?: EgoStop;
  /** A move from another lane into `lane` before anything else the drive does, if it has one. */
  laneChange?: LaneChange;
  /**
   * The town's road bends the drive runs along (road-bends.ts): the route above is laid out in the straight town
   * and follows them, the distance driven measured along the bent lane.
   */
  bends: readonly RoadBend[];
}

/** Braking from the base speed to a halt at a stop line, a wait, and pulling away again. */
export interface EgoStop {
  /** When braking starts, seconds after the scene start. */
  brakeAtS: number;
  holdS: number;
}

const EDGE_MARGIN = 30;
const TURN_CHANCE = 0.65;
/** Of the drives that do not turn. */
const STOP_CHANCE = 0.5;
/** Of the straight drives on a road that bends. */
const BEND_DRIVE_CHANCE = 0.7;
const BRAKE_MPS2 = 2.5;
const PULL_AWAY_MPS2 = 1.5;
/** The ego's footprint (a mid-size car). */
export const EGO_WIDTH_M = 1.9;
export const EGO_LENGTH_M = 4.7;
/** Tighter arcs than a city corner's (a car turns on 5-6 m at walking pace) would need the ego to crawl. */
const MIN_TURN_RADIUS_M = 6;

/** Of the straight drives that need not change lanes, the share that change anyway, if there is room. */
const FREE_LANE_CHANGE_CHANCE = 0.5;
/** The shortest lane change, metres: a slow drive takes longer over it rather than swerving. */
const LANE_CHANGE_MIN_M = 25;
/** A lane change ends at least this far before a turn lane's solid line: half the ego's length and a metre. */
const LANE_CHANGE_CLEAR_M = EGO_LENGTH_M / 2 + 1;

export function planEgoRoute(town: Town, durationS: number, random: Random): EgoRoute {
  const axis = random.chance(0.5) ? 'x' : 'y';
  const direction = random.chance(0.5) ? 1 : -1;
  const lane = random.int(0, town.lanesPerDirection - 1);
  const roadCentre = random.pick(town.roadCentres);
  const omega = (2 * Math.PI) / random.uniform(6, 12);
  const swing = random.uniform(0.5, 1.5);
  const phase = random.uniform(0, 2 * Math.PI);
  const turning = random.chance(TURN_CHANCE);
  const laneCoordinate = roadCentre + laneOffset(town, axis, direction, lane);
  // Through a junction at a town's pace, slower than down a straight road.
  const speed = turning ? random.uniform(3.5, 6.5) : random.uniform(4, 10);
  const room = town.size - 2 * EDGE_MARGIN - (4 * swing) / omega;
  const baseSpeed = Math.min(speed, room / Math.max(durationS, 1e-6));
  const straight: EgoRoute = {
    axis,
    direction,
    lane,
    roadCentre,
    laneCoordinate,
    start: 0,
    baseSpeed,
    swing,
    omega,
    phase,
    bends: [],
  };
  // Lane changes draw from a stream of their own, so that drives without one keep their numbers.
  const changes = random.fork('lane-change');
  const driven = egoDistance(straight, durationS) + (2 * swing) / omega;
  const turn = turning ? planTurn(town, straight, driven, durationS, random, changes) : undefined;
  if (turn) return alongBends(town, turn);
  const stopping =
    !turning && random.chance(STOP_CHANCE) ? planStop(town, straight, durationS, random) : undefined;
  if (stopping) return alongBends(town, stopping);
  const [roadFrom, roadTo] = roadExtent(town, axis, roadCentre);
  const lo = roadFrom + EDGE_MARGIN + (direction > 0 ? 0 : driven);
  const hi = roadTo - EDGE_MARGIN - (direction > 0 ? driven : 0);
  const anywhere = random.uniform(lo, Math.max(lo, hi));
  // A straight drive on a road that bends mostly drives through a bend, the middle of its drive at the bend's.
  const bends = town.bends.filter((b) => b.axis === axis && b.centre === roadCentre);
  const bend = bends.length > 0 && random.chance(BEND_DRIVE_CHANCE) ? random.pick(bends) : undefined;
  const through = bend && (bend.from + bend.to) / 2 - (direction * driven) / 2;
  const start = through === undefined ? anywhere : Math.min(Math.max(through, lo), Math.max(lo, hi));
  return alongBends(town, straightOnLanes(town, { ...straight, start }, durationS, changes));
}

/** The route with the town's bends that its legs run along. */
function alongBends(town: Town, route: EgoRoute): EgoRoute {
  const { x, y } = startPoint(route);
  const legs = pathLegs(x, y, headingOf(route.axis, route.direction), route.turn);
  return { ...route, bends: bendsOnPath(town.bends, legs) };
}

function startPoint(route: EgoRoute): { x: number; y: number } {
  return route.axis === 'x'
    ? { x: route.start, y: route.laneCoordinate }
    : { x: route.laneCoordinate, y: route.start };
}

/** The route moved into `lane` for the whole drive. */
function inLane(town: Town, route: EgoRoute, lane: number): EgoRoute {
  return {
    ...route,
    lane,
    laneCoordinate: route.roadCentre + laneOffset(town, route.axis, route.direction, lane),
  };
}

/** A lane change's length: 4-6 s of driving at the drive's top speed, and never less than LANE_CHANGE_MIN_M. */
function laneChangeLength(route: EgoRoute, random: Random): number {
  return Math.max(LANE_CHANGE_MIN_M, random.uniform(4, 6) * (route.baseSpeed + route.swing));
}

/**
 * The route changing from its lane into `lane`, `lengthM` of driving long and over somewhere in `window`
 * (straight-town distances from the drive's start); undefined where the window is too short for it.
 */
function withLaneChange(
  town: Town,
  route: EgoRoute,
  lane: number,
  window: readonly [number, number],
  lengthM: number,
  random: Random,
): EgoRoute | undefined {
  const [from, to] = window;
  if (to - from < lengthM) return undefined;
  const target = inLane(town, route, lane);
  const { x, y } = startPoint(target);
  const drive = { x0: x, y0: y, yaw0: headingOf(route.axis, route.direction), turn: undefined };
  let laneChange = {
    fromLane: route.lane,
    fromCoordinate: route.laneCoordinate,
    atM: random.uniform(from + lengthM, to) - lengthM,
    lengthM,
  };
  // Along a bend's inner side the change covers more of the road than it drives: moved back to end in the window.
  for (let i = 0; i < 3; i++) {
    const atM = Math.min(laneChange.atM, to - laneChangeSpan(town.bends, laneChange, drive));
    laneChange = { ...laneChange, atM };
  }
  return laneChange.atM >= from ? { ...target, laneChange } : undefined;
}

/** Where a segment's lanes run along the drive: straight-town distances from its start, nearer end first. */
function laneSpan(town: Town, route: EgoRoute, segment: RoadSegment): [number, number] {
  const [lo, hi] = laneExtent(town, segment);
  return route.direction > 0 ? [lo - route.start, hi - route.start] : [route.start - hi, route.start - lo];
}

/** The segment of the drive's road whose end towards the drive's direction is at `edge`, if there is one. */
function approachTo(town: Town, route: EgoRoute, edge: number): RoadSegment | undefined {
  return town.segments.find(
    (s) =>
      s.axis === route.axis &&
      s.centre === route.roadCentre &&
      Math.abs(junctionEdge(s, route.direction) - edge) < 1e-6,
  );
}

/** How far along its road, in the straight town, a drive without a turn is after `s` metres of the bent town. */
function straightReach(town: Town, route: EgoRoute, s: number): number {
  const { x, y } = startPoint(route);
  return straightDistance(
    bendRuns(town.bends, pathLegs(x, y, headingOf(route.axis, route.direction), undefined)),
    s,
  );
}

/**
 * A straight drive's lanes: out of the inner lane before the first turn lane it would run into within the scene
 * (or in the outer lane from the start, where there is no room to change), and otherwise now and then a change
 * for no junction's sake, inside one segment's lanes and at least half of it in the scene (a short scene may end
 * during it).
 */
function straightOnLanes(town: Town, route: EgoRoute, durationS: number, random: Random): EgoRoute {
  const reach = straightReach(town, route, egoDistance(route, durationS) + (2 * route.swing) / route.omega);
  const segments = town.segments.filter((s) => s.axis === route.axis && s.centre === route.roadCentre);
  // Before the first solid line ahead that lane 0 reaches: where its lanes start (or the drive does) up to it.
  const beforeTurnLane = segments
    .flatMap((s): [number, number][] => {
      const solid = turnLaneStart(town, s, route.direction);
      const [from] = laneSpan(town, route, s);
      // A drive that starts on the crossing past a turn lane's end is still in that lane until the junction.
      if (solid === undefined || route.direction * (junctionEdge(s, route.direction) - route.start) < 0)
        return [];
      const solidM = route.direction * (solid - route.start);
      return solidM < reach ? [[Math.max(0, from), solidM - LANE_CHANGE_CLEAR_M]] : [];
    })
    .sort((a, b) => a[1] - b[1])[0];
  const lengthM = laneChangeLength(route, random);
  if (route.lane === 0 && beforeTurnLane) {
    return withLaneChange(town, route, 1, beforeTurnLane, lengthM, random) ?? inLane(town, route, 1);
  }
  const lane = route.lane === 0 ? 1 : route.lane - 1;
  if (!random.chance(FREE_LANE_CHANGE_CHANCE) || (lane === 0 && beforeTurnLane)) return route;
  const scene = straightReach(town, route, egoDistance(route, durationS));
  const longest = segments
    .map((s) => laneSpan(town, route, s))
    .map(([from, to]): [number, number] => [Math.max(0, from), Math.min(scene + lengthM / 2, to)])
    .sort((a, b) => b[1] - b[0] - (a[1] - a[0]))[0];
  return withLaneChange(town, route, lane, longest, lengthM, random) ?? route;
}

/**
 * The lane a drive in `lane` takes a turn (`sign`, 0 for straight on) from at the end of `approach`: where the
 * approach has a turn lane (town.ts), the turn across the oncoming traffic is the inner lane's alone and the
 * other ways on are the other lanes'.
 */
function junctionLane(
  town: Town,
  lane: number,
  approach: RoadSegment | undefined,
  direction: 1 | -1,
  sign: number,
): number {
  if (!approach || turnLaneStart(town, approach, direction) === undefined) return lane;
  if (sign === acrossTurnSign(town.driveSide)) return 0;
  return lane === 0 ? 1 : lane;
}

/**
 * A junction to turn at, picked so the arc starts between a quarter and a half of the way through the drive and
 * both the approach and the exit stay on the map. The arc enters the junction at its edge and ends in the same
 * lane index of the crossing road, so its radius follows from the lanes: wide for a turn across the road, tight
 * for one into the near lanes. A drive in the wrong lane for the turn changes lanes before the turn lane, the
 * turn moving later in the drive to make room while the whole turn stays in the scene; with no room it is in the
 * right lane from the start.
 */
function planTurn(
  town: Town,
  route: EgoRoute,
  drivenM: number,
  durationS: number,
  random: Random,
  changes: Random,
): EgoRoute | undefined {
  const half = roadHalfWidth(town);
  const sign: 1 | -1 = random.chance(0.5) ? 1 : -1;
  const exitAxis = route.axis === 'x' ? 'y' : 'x';
  const exitDirection = turnExitDirection(route.axis, route.direction, sign);
  const atFraction = random.uniform(0.25, 0.5);
  const sceneM = egoDistance(route, durationS);
  const options = town.roadCentres.flatMap((centre) => {
    const edge = centre - route.direction * half;
    const approach = approachTo(town, route, edge);
    const lane = junctionLane(town, route.lane, approach, route.direction, sign);
    const exitLane = centre + laneOffset(town, exitAxis, exitDirection, lane);
    const radiusM = Math.max(MIN_TURN_RADIUS_M, route.direction * (exitLane - edge));
    const arcStart = exitLane - route.direction * radiusM;
    const arcM = (Math.PI / 2) * radiusM;
    let atM = atFraction * drivenM;
    let turning = inLane(town, route, lane);
    const solid = approach ? turnLaneStart(town, approach, route.direction) : undefined;
    if (approach && solid !== undefined && lane !== route.lane) {
      const lengthM = laneChangeLength(route, changes);
      const solidM = route.direction * (arcStart - solid);
      const roomy = Math.max(atM, solidM + LANE_CHANGE_CLEAR_M + lengthM);
      if (roomy + arcM <= sceneM) atM = roomy;
      const from = { ...route, start: arcStart - route.direction * atM };
      const window = [
        Math.max(0, laneSpan(town, from, approach)[0]),
        atM - solidM - LANE_CHANGE_CLEAR_M,
      ] as const;
      turning = withLaneChange(town, from, lane, window, lengthM, changes) ?? turning;
    }
    const start = arcStart - route.direction * atM;
    const exitStart = turning.laneCoordinate + exitDirection * radiusM;
    const exitEnd = exitStart + exitDirection * Math.max(0, drivenM - atM - arcM);
    const onRoad = onRoadAlong(town, route.axis, route.roadCentre);
    // At a T junction one way out is closed: the exit road then ends at the junction, short of exitEnd.
    const onExitRoad = onRoadAlong(town, exitAxis, centre);
    // Nor may the inner lane it leaves in run into a turn lane on the crossing road within the drive.
    const exitM = exitDirection * (exitEnd - exitStart);
    const solidAhead = turnLaneWithin(town, exitAxis, centre, exitDirection, exitStart, exitM);
    const allowed = onRoad(start) && onExitRoad(exitEnd) && !(lane === 0 && solidAhead);
    return allowed ? [{ ...turning, start, turn: { atM, radiusM, sign } }] : [];
  });
  return options.length > 0 ? random.pick(options) : undefined;
}

/**
 * A halt at the stop line of the drive's own lane before a junction ahead (in the outer lane where the inner one
 * is a turn lane there): braking starts between 15 % and 45 % of the scene, the ego stands for 1-3 s with its
 * front a metre short of the line, then pulls away. Undefined when no junction ahead leaves the drive on the map.
 */
function planStop(town: Town, route: EgoRoute, durationS: number, random: Random): EgoRoute | undefined {
  const stop: EgoStop = { brakeAtS: random.uniform(0.15, 0.45) * durationS, holdS: random.uniform(1, 3) };
  const stopping: EgoRoute = { ...route, swing: 0, stop };
  const toHalt = egoDistance(stopping, stop.brakeAtS + route.baseSpeed / BRAKE_MPS2);
  const driven = egoDistance(stopping, durationS + 1);
  const onMap = onRoadAlong(town, route.axis, route.roadCentre);
  const starts = town.crossings.flatMap((crossing) => {
    const segment = town.segments[crossing.segmentId];
    if (segment.axis !== route.axis || segment.centre !== route.roadCentre) return [];
    if (crossing.stopDirection !== route.direction) return [];
    const line = crossing.stopLine;
    const [lo, hi] = route.axis === 'x' ? [line.x0, line.x1] : [line.y0, line.y1];
    const halt = (route.direction > 0 ? lo : hi) - route.direction * (EGO_LENGTH_M / 2 + 1);
    // toHalt metres along the lane, bends and all: found walking back from the halt.
    const haltingIn = (lane: number) => {
      const halting = inLane(town, stopping, lane);
      const [x, y] = route.axis === 'x' ? [halt, halting.laneCoordinate] : [halting.laneCoordinate, halt];
      const back = pathLegs(x, y, headingOf(route.axis, route.direction) + Math.PI, undefined);
      return {
        ...halting,
        start: halt - route.direction * straightDistance(bendRuns(town.bends, back), toHalt),
      };
    };
    let halting = haltingIn(route.lane);
    // It changes no lanes: where the inner lane would take it into a turn lane, it keeps to the outer one.
    const { axis, roadCentre, direction } = route;
    if (halting.lane === 0 && turnLaneWithin(town, axis, roadCentre, direction, halting.start, driven))
      halting = haltingIn(1);
    const { start } = halting;
    return onMap(start) && onMap(start + route.direction * driven) ? [halting] : [];
  });
  return starts.length > 0 ? random.pick(starts) : undefined;
}

/**
 * Whether a drive along the road at `centre` on `axis`, travelling `direction`, from `from` for `drivenM` metres
 * (straight town) passes the start of a turn lane, or starts in one or on the crossing past its end.
 */
function turnLaneWithin(
  town: Town,
  axis: 'x' | 'y',
  centre: number,
  direction: 1 | -1,
  from: number,
  drivenM: number,
): boolean {
  return town.segments.some((s) => {
    if (s.axis !== axis || s.centre !== centre) return false;
    const solid = turnLaneStart(town, s, direction);
    if (solid === undefined) return false;
    return direction * (junctionEdge(s, direction) - from) >= 0 && direction * (solid - from) <= drivenM;
  });
}

/** Whether a point `along` the road at `centre` on `axis` is on it, EDGE_MARGIN clear of its ends. */
function onRoadAlong(town: Town, axis: 'x' | 'y', centre: number): (along: number) => boolean {
  const [from, to] = roadExtent(town, axis, centre);
  return (along) => along >= from + EDGE_MARGIN && along <= to - EDGE_MARGIN;
}

/** Distance driven from t = 0 to t (negative before the start), metres. */
export function egoDistance(route: EgoRoute, t: number): number {
  if (route.stop) return stoppingDistance(route.baseSpeed, route.stop, t);
  const { baseSpeed, swing, omega, phase } = route;
  return baseSpeed * t - (swing / omega) * (Math.cos(omega * t + phase) - Math.cos(phase));
}

/** Distance along a drive that halts: constant speed, constant braking, the wait, constant acceleration. */
function stoppingDistance(v: number, stop: EgoStop, t: number): number {
  const [brake, pull] = [v / BRAKE_MPS2, v / PULL_AWAY_MPS2];
  const t1 = stop.brakeAtS;
  const t2 = t1 + brake;
  const t3 = t2 + stop.holdS;
  const halt = v * t1 + (v * brake) / 2;
  if (t <= t1) return v * t;
  if (t <= t2) return v * t1 + v * (t - t1) - (BRAKE_MPS2 * (t - t1) ** 2) / 2;
  if (t <= t3) return halt;
  if (t <= t3 + pull) return halt + (PULL_AWAY_MPS2 * (t - t3) ** 2) / 2;
  return halt + (v * pull) / 2 + v * (t - t3 - pull);
}

/** Where the drive is after `s` metres (negative: before the start, back along the first road). */
export function pathPose(route: EgoRoute, s: number): PlanarPose {
  const { x, y } = startPoint(route);
  const drive = { x0: x, y0: y, yaw0: headingOf(route.axis, route.direction), turn: route.turn };
  if (route.laneChange) return laneChangePose(route, route.bends, route.laneChange, drive, s);
  return bentPathPose(route, route.bends, drive, s);
}

export function egoPose(route: EgoRoute, t: number): PlanarPose {
  return pathPose(route, egoDistance(route, t));
}
