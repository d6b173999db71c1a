import { type Agent, type AgentKind, type AgentState, agentPose, shapeAgent } from './agents.ts';
import { pathLegs } from './bent-path.ts';
import { EGO_LENGTH_M, EGO_WIDTH_M, type EgoRoute, egoDistance, egoPose } from './ego.ts';
import { footprint, footprintsOverlap } from './footprint.ts';
import { carparkRows } from './ground.ts';
import type { QuarterTurn } from './quarter-turn.ts';
import type { Random } from './random.ts';
import { bendsOnPath, unbendPoint } from './road-bends.ts';
import {
  acrossTurnSign,
  crossingCentre,
  headingOf,
  junctionEdge,
  laneExtent,
  laneOffset,
  type Rect,
  type RoadSegment,
  roadExtent,
  roadHalfWidth,
  type Town,
  travelSideSign,
  turnExitDirection,
  turnLaneStart,
  walkwayExtent,
} from './town.ts';

/** Agents are placed wherever they may come within this distance (metres) of the ego during the scene. */
const REACH = 75;

/**
 * Places the scene's agents around the ego's drive. Traffic is built so that nothing collides: vehicles in one
 * lane share the lane's speed (the ego's lane flows at the ego's base speed, with a gap around the ego), crossing
 * roads hold queues stopped at their stop lines, pedestrians walk in per-direction files on the sidewalks,
 * and parked cars, standing pedestrians, parked bicycles, cones and barriers keep to their own spots. `density`
 * (1: the town's usual) scales how close vehicles and pedestrians follow each other and how full the queues and
 * carparks are; the gaps stay wide enough that nothing collides.
 */
export function populateScene(
  town: Town,
  ego: EgoRoute,
  durationS: number,
  random: Random,
  density = 1,
): Agent[] {
  const scene = new Placement(town, ego, durationS, random, density);
  placeLaneTraffic(scene);
  placeCrossingQueues(scene);
  placeParkedCars(scene);
  placeSidewalkLife(scene);
  // Placed in the straight town; those on a bent road follow it from here on.
  for (const agent of scene.agents) {
    const bends = bendsOnPath(town.bends, pathLegs(agent.startX, agent.startY, agent.yaw, agent.turn));
    if (bends.length > 0) agent.bends = bends;
  }
  const kept = scene.agents.filter(
    (agent) =>
      agentNearDrive(agent, ego, durationS) &&
      !agentMeetsEgo(agent, ego, durationS) &&
      keepsOffKerbs(agent, town, durationS),
  );
  // A vehicle turning at a junction leaves the lane its traffic was built for; one that would meet anybody
  // (walkers on the crossing, a queue on the road it turns into) is left out rather than driven into them.
  return kept
    .filter(
      (agent) => !agent.turn || !kept.some((other) => other !== agent && agentsMeet(agent, other, durationS)),
    )
    .map((agent, id) => ({ ...agent, id }));
}

/** What every placement step shares: the scene, the region around the drive, and the agents placed so far. */
class Placement {
  readonly agents: Agent[] = [];
  readonly half: number;
  readonly region: Rect;

  constructor(
    readonly town: Town,
    readonly ego: EgoRoute,
    readonly durationS: number,
    readonly random: Random,
    readonly density: number,
  ) {
    this.half = roadHalfWidth(town);
    const a = egoPose(ego, -1);
    const b = egoPose(ego, durationS + 1);
    this.region = {
      x0: Math.min(a.x, b.x) - REACH,
      y0: Math.min(a.y, b.y) - REACH,
      x1: Math.max(a.x, b.x) + REACH,
      y1: Math.max(a.y, b.y) + REACH,
    };
  }

  fill(chance: number): number {
    return Math.min(0.95, chance * this.density);
  }

  inRegion(x: number, y: number): boolean {
    const r = this.region;
    return x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1;
  }

  add(
    kind: AgentKind,
    state: AgentState,
    x: number,
    y: number,
    yaw: number,
    speed: number,
  ): [number, number, number] {
    const { size, parts } = shapeAgent(kind, this.random);
    this.agents.push({ id: this.agents.length, kind, state, size, startX: x, startY: y, yaw, speed, parts });
    return size;
  }

  alongRange(axis: 'x' | 'y'): [number, number] {
    const r = this.region;
    return axis === 'x' ? [r.x0, r.x1] : [r.y0, r.y1];
  }

  acrossRange(axis: 'x' | 'y'): [number, number] {
    const r = this.region;
    return axis === 'x' ? [r.y0, r.y1] : [r.x0, r.x1];
  }
}

const toXY = (axis: 'x' | 'y', along: number, across: number): [number, number] =>
  axis === 'x' ? [along, across] : [across, along];
/**
 * Moving traffic on the ego's road and the roads parallel to it: one speed per lane, the ego's lane at its base
 * speed with a gap around the ego.
 */
function placeLaneTraffic(scene: Placement): void {
  const { town, ego, durationS, random, density } = scene;
  const egoAlong0 = ego.start;
  const egoSlack = ego.swing / ego.omega + 14;
  // The lane the ego starts in; the lane it changes into is kept clear by leaving out what it would meet.
  const egoStartLane = ego.laneChange?.fromLane ?? ego.lane;
  for (const centre of town.roadCentres) {
    const [c0, c1] = scene.acrossRange(ego.axis);
    if (centre < c0 || centre > c1) continue;
    for (const direction of [1, -1] as const) {
      for (let lane = 0; lane < town.lanesPerDirection; lane++) {
        const egoLane = centre === ego.roadCentre && direction === ego.direction && lane === egoStartLane;
        const speed = egoLane ? ego.baseSpeed : lane === 0 ? random.uniform(7, 11) : random.uniform(4.5, 7.5);
        const across = centre + laneOffset(town, ego.axis, direction, lane);
        const [r0, r1] = scene.alongRange(ego.axis);
        const [roadFrom, roadTo] = roadExtent(town, ego.axis, centre);
        // Start far enough upstream that the lane is full over the whole scene.
        const lo = Math.max(roadFrom, direction > 0 ? r0 - speed * durationS : r0);
        const hi = Math.min(roadTo, direction > 0 ? r1 : r1 + speed * durationS);
        for (let s = lo + random.uniform(0, 20); s < hi; ) {
          const kind = pickLaneVehicle(lane, random);
          if (egoLane && Math.abs(s - egoAlong0) < egoSlack + 6) {
            s += 8;
            continue;
          }
          const [x, y] = toXY(ego.axis, s, across);
          const size = scene.add(kind, 'moving', x, y, headingOf(ego.axis, direction), speed);
          const agent = scene.agents[scene.agents.length - 1];
          // Traffic heading for a T junction's closed side turns off before it, or is left out.
          const front = s + direction * (speed * (durationS + 0.5) + size[1] / 2);
          const blocked = (roadFrom > 0 && front < roadFrom) || (roadTo < town.size && front > roadTo);
          if (!egoLane && kind !== 'cyclist' && (blocked || random.chance(TURN_CHANCE))) {
            agent.turn = kerbTurnAhead(town, ego.axis, centre, direction, lane, s, speed, durationS);
          }
          // Nor may it stick out past the end of a road that stops at a T junction's closed side.
          const overhangs =
            (roadFrom > 0 && s - size[1] / 2 < roadFrom) || (roadTo < town.size && s + size[1] / 2 > roadTo);
          // In the inner lane, the next junction's turn lane (if it has one) leaves no way on but across the road.
          const acrossTurn = turnLaneAhead(town, ego.axis, centre, direction, lane, s, speed * durationS);
          if (acrossTurn) agent.turn = acrossTurn;
          // Past a turn lane's end on the crossing, it is too late for the turn lane's connector.
          const stranded = lane === 0 && pastTurnLaneEnd(town, ego.axis, centre, direction, s);
          const tooFast = acrossTurn !== undefined && speed ** 2 / acrossTurn.radiusM > MAX_TURN_LATERAL_MPS2;
          // Turned into an arm that reaches the map's edge, it would drive off the map during the scene.
          const leavesMap = agent.turn !== undefined && !onMapAtEnd(town, agent, durationS);
          if ((blocked && !agent.turn) || overhangs || stranded || tooFast || leavesMap) scene.agents.pop();
          s += size[1] + random.uniform(8, 35) / density;
        }
      }
    }
  }
}

/** Whether a moving agent's footprint is still inside the map at the end of the scene. */
function onMapAtEnd(town: Town, agent: Agent, durationS: number): boolean {
  const { x, y, yaw } = agentPose(agent, durationS);
  return footprint(x, y, yaw, agent.size[0], agent.size[1]).every(
    ([cx, cy]) => cx >= 0 && cx <= town.size && cy >= 0 && cy <= town.size,
  );
}

/** Of the vehicles in the kerb lane that could turn at the junction ahead during the scene. */
const TURN_CHANCE = 0.6;
/** Faster vehicles would have to brake for the turn, out of step with their lane's traffic. */
const MAX_TURN_LATERAL_MPS2 = 7;

/** A junction ahead of a vehicle: the segment it reaches the junction on, where its lane ends and how far off. */
interface JunctionAhead {
  approach: RoadSegment;
  laneEnd: number;
  atM: number;
}

/**
 * The junctions ahead of a vehicle at `along` on the road at `centre` on `axis`, travelling `direction`, nearest
 * first: where its lane ends before each (the arcs of the map's turning lane connectors start there) and how far.
 */
function junctionsAhead(
  town: Town,
  axis: 'x' | 'y',
  centre: number,
  direction: 1 | -1,
  along: number,
): JunctionAhead[] {
  return town.segments
    .filter((s) => s.axis === axis && s.centre === centre && junctionEdge(s, direction) % town.size !== 0)
    .map((approach) => {
      const laneEnd = laneExtent(town, approach)[direction > 0 ? 1 : 0];
      return { approach, laneEnd, atM: direction * (laneEnd - along) };
    })
    .filter(({ atM }) => atM >= 0)
    .sort((a, b) => a.atM - b.atM);
}

/** Whether `along` is past the end of a turn lane, on the crossing in front of its junction. */
function pastTurnLaneEnd(
  town: Town,
  axis: 'x' | 'y',
  centre: number,
  direction: 1 | -1,
  along: number,
): boolean {
  return town.segments.some(
    (s) =>
      s.axis === axis &&
      s.centre === centre &&
      turnLaneStart(town, s, direction) !== undefined &&
      direction * (laneExtent(town, s)[direction > 0 ? 1 : 0] - along) < 0 &&
      direction * (junctionEdge(s, direction) - along) >= 0,
  );
}

/**
 * The quarter turn `sign` of a vehicle in `lane` at the junction `ahead`, on the map's lane connector of that turn:
 * from where its lane ends, into the same lane of the crossing road (its radius as far on as across).
 */
function connectorTurn(
  town: Town,
  axis: 'x' | 'y',
  direction: 1 | -1,
  lane: number,
  sign: 1 | -1,
  ahead: JunctionAhead,
): QuarterTurn {
  const exitAxis = axis === 'x' ? 'y' : 'x';
  const exitDirection = turnExitDirection(axis, direction, sign);
  const junction = crossingCentre(town, ahead.approach, direction);
  const radiusM = direction * (junction + laneOffset(town, exitAxis, exitDirection, lane) - ahead.laneEnd);
  return { atM: ahead.atM, radiusM, sign };
}

/**
 * The turn across the oncoming traffic (on the map's lane connector of that turn, into the crossing road's inner
 * lane) of a vehicle in the inner lane at `along`, where the first junction with a turn lane on its approach is
 * within `reachM`: it goes straight on through the junctions before, whose inner lanes lead on.
 */
function turnLaneAhead(
  town: Town,
  axis: 'x' | 'y',
  centre: number,
  direction: 1 | -1,
  lane: number,
  along: number,
  reachM: number,
): QuarterTurn | undefined {
  if (lane !== 0) return undefined;
  const ahead = junctionsAhead(town, axis, centre, direction, along).find(
    ({ approach }) => turnLaneStart(town, approach, direction) !== undefined,
  );
  if (!ahead || ahead.atM > reachM) return undefined;
  return connectorTurn(town, axis, direction, 0, acrossTurnSign(town.driveSide), ahead);
}

/**
 * The turn round the kerb at the first junction ahead of a vehicle in lane `lane` at `along` (on the map's lane
 * connector of that turn: from where its lane ends before the crossing, a quarter circle into the kerb lane of the
 * crossing road) that it may take: if it is the kerb lane, the crossing road leaves the junction on the kerb side,
 * and it reaches the turn during the scene slow enough to take it.
 */
function kerbTurnAhead(
  town: Town,
  axis: 'x' | 'y',
  centre: number,
  direction: 1 | -1,
  lane: number,
  along: number,
  speed: number,
  durationS: number,
): QuarterTurn | undefined {
  if (lane !== town.lanesPerDirection - 1) return undefined;
  // Turning towards the kerb: right under right-hand traffic, left under left-hand.
  const sign: 1 | -1 = town.driveSide === 'right' ? -1 : 1;
  const exitAxis = axis === 'x' ? 'y' : 'x';
  const exitDirection = turnExitDirection(axis, direction, sign);
  const turns = junctionsAhead(town, axis, centre, direction, along).flatMap((ahead) => {
    // The crossing road must leave the junction on the kerb side (a T junction may be closed there).
    const [exitFrom, exitTo] = roadExtent(town, exitAxis, crossingCentre(town, ahead.approach, direction));
    const exitArm = centre + exitDirection * (roadHalfWidth(town) + 1);
    if (exitArm < exitFrom || exitArm > exitTo) return [];
    const turn = connectorTurn(town, axis, direction, lane, sign, ahead);
    const slowEnough = speed ** 2 / turn.radiusM <= MAX_TURN_LATERAL_MPS2;
    return turn.atM <= speed * durationS && slowEnough ? [turn] : [];
  });
  return turns[0];
}

/** Queues stopped at the stop lines of the crossing roads. */
function placeCrossingQueues(scene: Placement): void {
  const { town, ego, random } = scene;
  const crossAxis = ego.axis === 'x' ? 'y' : 'x';
  for (const crossing of town.crossings) {
    const segment = town.segments[crossing.segmentId];
    if (segment.axis !== crossAxis) continue;
    const line = crossing.stopLine;
    const stopAlong = crossAxis === 'x' ? (line.x0 + line.x1) / 2 : (line.y0 + line.y1) / 2;
    const [sx, sy] = toXY(crossAxis, stopAlong, segment.centre);
    if (!scene.inRegion(sx, sy)) continue;
    for (let lane = 0; lane < town.lanesPerDirection; lane++) {
      if (!random.chance(scene.fill(0.55))) continue;
      const across = segment.centre + laneOffset(town, crossAxis, crossing.stopDirection, lane);
      let front = stopAlong - crossing.stopDirection * 1.2;
      const count = random.int(1, 3);
      for (let k = 0; k < count; k++) {
        const kind: AgentKind = random.chance(0.85) ? 'car' : 'truck';
        const { size, parts } = shapeAgent(kind, random);
        const centreAlong = front - (crossing.stopDirection * size[1]) / 2;
        const [x, y] = toXY(crossAxis, centreAlong, across);
        const yaw = headingOf(crossAxis, crossing.stopDirection);
        scene.agents.push({
          id: scene.agents.length,
          kind,
          state: 'stopped',
          size,
          startX: x,
          startY: y,
          yaw,
          speed: 0,
          parts,
        });
        front -= crossing.stopDirection * (size[1] + random.uniform(1.5, 3));
      }
    }
  }
}

/** Parked cars in the carparks' bays. */
function placeParkedCars(scene: Placement): void {
  const { town, random, region } = scene;
  for (const block of town.blocks) {
    const carpark = block.carpark;
    if (!carpark) continue;
    const area = carpark.rect;
    if (area.x1 < region.x0 || area.x0 > region.x1 || area.y1 < region.y0 || area.y0 > region.y1) continue;
    const axis = carpark.baysAlongX ? 'x' : 'y';
    const [a0, a1] = carpark.baysAlongX ? [area.x0, area.x1] : [area.y0, area.y1];
    for (const row of carparkRows(area, carpark.baysAlongX)) {
      for (let bay = a0 + 1 + 1.35; bay + 1.35 <= a1 - 1; bay += 2.7) {
        const [x, y] = toXY(axis, bay, (row.lo + row.hi) / 2);
        if (!scene.inRegion(x, y) || !random.chance(scene.fill(0.55))) continue;
        const acrossAxis = axis === 'x' ? 'y' : 'x';
        scene.add('car', 'parked', x, y, headingOf(acrossAxis, random.chance(0.5) ? 1 : -1), 0);
      }
    }
  }
}

/** Sidewalks: walking files, standing pedestrians, parked bicycles, and the odd roadworks with cones and barriers. */
function placeSidewalkLife(scene: Placement): void {
  const { town, ego, durationS, random, half, density } = scene;
  const egoMiddle = ego.start + ego.direction * egoDistance(ego, durationS / 2);
  for (const segment of town.segments) {
    const [r0, r1] = scene.alongRange(segment.axis);
    const [walkFrom, walkTo] = walkwayExtent(town, segment);
    const from = Math.max(walkFrom, r0);
    const to = Math.min(walkTo, r1);
    if (to - from < 5) continue;
    for (const side of [-1, 1]) {
      const walkwayCentre = segment.centre + side * (half + town.walkwayWidth / 2);
      // Offsets across the walkway, positive away from the road.
      const at = (offset: number) => walkwayCentre + side * offset;
      const [c0, c1] = scene.acrossRange(segment.axis);
      if (walkwayCentre < c0 || walkwayCentre > c1) continue;
      for (const [offset, direction] of [
        [-0.6, 1],
        [0.3, -1],
      ] as const) {
        const speed = random.uniform(1.0, 1.5);
        for (let s = from + random.uniform(0, 10); s < to; s += random.uniform(5, 25) / density) {
          // Walkers beside the ego's road cross side roads on the zebra, where traffic waits at the stop line;
          // beside a side road they would walk into moving traffic, so they stay on their stretch of sidewalk.
          const reach = [s - direction * speed, s + direction * speed * (durationS + 1)];
          const staysOnSidewalk = Math.min(...reach) > walkFrom + 0.5 && Math.max(...reach) < walkTo - 0.5;
          if (segment.axis !== ego.axis && !staysOnSidewalk) continue;
          const [x, y] = toXY(segment.axis, s, at(offset));
          scene.add('pedestrian', 'moving', x, y, headingOf(segment.axis, direction), speed);
        }
      }
      for (let s = from + random.uniform(1.5, 15); s < to - 1.5; s += random.uniform(6, 30) / density) {
        const [x, y] = toXY(segment.axis, s, at(1.3));
        if (random.chance(0.6)) {
          scene.add('pedestrian', 'standing', x, y, random.uniform(-Math.PI, Math.PI), 0);
        } else {
          scene.add('bicycle', 'parked', x, y, headingOf(segment.axis, random.chance(0.5) ? 1 : -1), 0);
        }
      }
      // Roadworks: now and then anywhere, and always on the ego's kerb near the middle of its drive, so every
      // scene has cones and barriers to detect.
      const egoKerb =
        segment.axis === ego.axis &&
        segment.centre === ego.roadCentre &&
        side === travelSideSign(ego.axis, ego.direction, town.driveSide) &&
        egoMiddle >= from - 20 &&
        egoMiddle <= to + 20;
      if (egoKerb || random.chance(0.2)) {
        // The barriers stand across the sidewalk, up to 1.2 m either side of their spot: kept off the corner
        // squares, where the walkers of the crossing road pass.
        const [lo, hi] = [from + BARRIER_HALF_WIDTH_M, to - BARRIER_HALF_WIDTH_M];
        const length = Math.min(random.uniform(8, 20), hi - lo);
        const start = egoKerb
          ? Math.min(Math.max(egoMiddle - length / 2, lo), hi - length)
          : random.uniform(lo, Math.max(lo, hi - length));
        const barrierYaw = headingOf(segment.axis === 'x' ? 'y' : 'x', 1);
        let [x, y] = toXY(segment.axis, start, at(-1.35));
        scene.add('barrier', 'static', x, y, barrierYaw, 0);
        for (let s = start + 2; s < start + length - 1.5; s += 2) {
          [x, y] = toXY(segment.axis, s, at(-1.35));
          scene.add('cone', 'static', x, y, 0, 0);
        }
        [x, y] = toXY(segment.axis, start + length, at(-1.35));
        scene.add('barrier', 'static', x, y, barrierYaw, 0);
      }
    }
  }
}

/** Half the widest barrier (agents.ts draws them 1.8-2.4 m wide). */
const BARRIER_HALF_WIDTH_M = 1.2;

/** Widens the ego's footprint for keeping agents off its path. */
const EGO_MARGIN_M = 0.6;

/**
 * Whether the agent would touch the ego during the scene (checked every 0.1 s). The lanes are built so that this
 * never happens on a straight drive; a turning ego crosses lanes and crossings, and traffic or walkers that would
 * be in its way there are left out rather than driven into.
 */
function agentMeetsEgo(agent: Agent, ego: EgoRoute, durationS: number): boolean {
  for (let t = -0.5; t <= durationS + 0.5; t += 0.1) {
    const e = egoPose(ego, t);
    const { x, y, yaw } = agentPose(agent, t);
    if (Math.hypot(x - e.x, y - e.y) > 12 + Math.hypot(agent.size[0], agent.size[1])) continue;
    const egoBox = footprint(e.x, e.y, e.yaw, EGO_WIDTH_M + EGO_MARGIN_M, EGO_LENGTH_M + EGO_MARGIN_M);
    if (footprintsOverlap(egoBox, footprint(x, y, yaw, agent.size[0], agent.size[1]))) return true;
  }
  return false;
}

/** Whether two agents' footprints (the first widened like the ego's) touch during the scene, every 0.1 s. */
function agentsMeet(a: Agent, b: Agent, durationS: number): boolean {
  const reach = Math.hypot(a.size[0], a.size[1]) + Math.hypot(b.size[0], b.size[1]) + EGO_MARGIN_M;
  for (let t = -0.5; t <= durationS + 0.5; t += 0.1) {
    const p = agentPose(a, t);
    const q = agentPose(b, t);
    if (Math.hypot(p.x - q.x, p.y - q.y) > reach) continue;
    const boxA = footprint(p.x, p.y, p.yaw, a.size[0] + EGO_MARGIN_M, a.size[1] + EGO_MARGIN_M);
    if (footprintsOverlap(boxA, footprint(q.x, q.y, q.yaw, b.size[0], b.size[1]))) return true;
  }
  return false;
}

/**
 * Whether a vehicle's body stays between the kerbs of the bent roads it drives, every 0.1 s: its centre follows
 * its lane, but on the tighter arcs of a bend the ends of a bus in the outer lane swing out over the kerb.
 */
function keepsOffKerbs(agent: Agent, town: Town, durationS: number): boolean {
  if (!agent.bends || agent.state !== 'moving' || agent.kind === 'pedestrian') return true;
  const half = roadHalfWidth(town);
  for (let t = -0.5; t <= durationS + 0.5; t += 0.1) {
    const { x, y, yaw } = agentPose(agent, t);
    for (const [cx, cy] of footprint(x, y, yaw, agent.size[0], agent.size[1])) {
      for (const bend of agent.bends) {
        const straight = unbendPoint(bend, cx, cy);
        const across = straight && straight[bend.axis === 'x' ? 1 : 0] - bend.centre;
        if (across !== undefined && Math.abs(across) > half) return false;
      }
    }
  }
  return true;
}

function pickLaneVehicle(lane: number, random: Random): AgentKind {
  const roll = random.next();
  if (lane === 0) return roll < 0.82 ? 'car' : roll < 0.92 ? 'truck' : 'bus';
  return roll < 0.6 ? 'car' : roll < 0.72 ? 'truck' : roll < 0.82 ? 'bus' : 'cyclist';
}

/** Whether the agent comes within REACH of the ego at any key-frame-ish instant (checked every 0.5 s). */
function agentNearDrive(agent: Agent, ego: EgoRoute, durationS: number): boolean {
  for (let t = -0.5; t <= durationS + 0.5; t += 0.5) {
    const e = egoPose(ego, t);
    const { x, y } = agentPose(agent, t);
    if (Math.hypot(x - e.x, y - e.y) < REACH) return true;
  }
  return false;
}
