import type { MapLocation } from '../map/expansion-types.ts';
import { bendProfile } from './clothoid-bend.ts';
import type { Random } from './random.ts';
import { bendSwing, type RoadBend } from './road-bends.ts';

/**
 * The procedural town of one map location: a grid of two-way roads with two lanes per direction, sidewalks,
 * zebra crossings with stop lines at every intersection approach, and city blocks holding buildings, carparks or
 * parks. It is laid out axis-aligned in the global (map) frame, in metres, with the origin at the map's south-west
 * corner as in nuScenes; then the kerbs at the junctions' corners are rounded (kerbs.ts) and some roads bend
 * between their junctions (road-bends.ts: everything on those stretches, lanes, sidewalks and traffic, follows).
 */
export interface Town {
  location: MapLocation;
  /** Which side vehicles keep to (Singapore drives on the left). */
  driveSide: 'left' | 'right';
  /** The map is the square [0, size]² metres. */
  size: number;
  /** Road centrelines: vertical roads at x = c, horizontal roads at y = c, for every c here (ascending). */
  roadCentres: readonly number[];
  laneWidth: number;
  lanesPerDirection: number;
  walkwayWidth: number;
  /** Radius of the kerb arcs at the junctions' corners (see kerbs.ts), at most walkwayWidth. */
  kerbRadius: number;
  segments: readonly RoadSegment[];
  intersections: readonly Rect[];
  /** Which roads leave each intersection (same order as `intersections`): all four at an X junction, three at a T. */
  arms: readonly JunctionArms[];
  /** The sidewalks along the road segments; the corner walkways at the junctions follow from kerbs.ts. */
  walkways: readonly Rect[];
  crossings: readonly Crossing[];
  /** The road segments that bend between their junctions; the rectangles above are the town before it bends. */
  bends: readonly RoadBend[];
  /** The approaches whose inner lane ends in a lane for the turn across the oncoming traffic (see turnLaneStart). */
  turnLanes: readonly TurnLane[];
  blocks: readonly Block[];
}

/**
 * The lanes of a segment that travel `direction` (+1 / -1 along its axis) towards the junction at that end, where
 * their inner lane ends in a turn lane.
 */
export interface TurnLane {
  segmentId: number;
  direction: 1 | -1;
  /** Length of the turn lane up to its lane's end, metres: the divider from the lane beside it is solid along it. */
  lengthM: number;
}

/** The roads leaving an intersection, by the side they leave it on. */
export interface JunctionArms {
  east: boolean;
  north: boolean;
  west: boolean;
  south: boolean;
}

/** Axis-aligned rectangle in the global frame, metres. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The part of a road between two intersections (or an intersection and the map edge). */
export interface RoadSegment {
  id: number;
  /** 'x': the road runs along x (a horizontal road at y = centre); 'y': along y at x = centre. */
  axis: 'x' | 'y';
  centre: number;
  /** Extent along the axis, metres. */
  from: number;
  to: number;
  rect: Rect;
}

/** A zebra crossing across a segment next to an intersection, and the stop line before it. */
export interface Crossing {
  segmentId: number;
  rect: Rect;
  /** Stop line across the lanes that drive towards the intersection. */
  stopLine: Rect;
  /** The travel direction (+1 / -1 along the segment's axis) of the lanes the stop line belongs to. */
  stopDirection: 1 | -1;
}

export type BlockKind = 'buildings' | 'carpark' | 'park';

export interface Block {
  rect: Rect;
  kind: BlockKind;
  /** Buildings standing on the block (empty unless kind is 'buildings'); heights in metres. */
  buildings: readonly { rect: Rect; height: number; colour: readonly [number, number, number] }[];
  /** For carparks: the area vehicles park in and the bay orientation along x (true) or y (false). */
  carpark?: { rect: Rect; baysAlongX: boolean };
}

export const TOWN_LANE_WIDTH = 3.5;
export const TOWN_LANES_PER_DIRECTION = 2;
export const TOWN_WALKWAY_WIDTH = 3.5;
/** A city corner's kerb radius, as wide as the sidewalk so the arc fills the corner walkway's square. */
export const TOWN_KERB_RADIUS = 3.5;
const ROAD_COUNT = 4;
/** Depth of a zebra crossing along its road, metres; it lies in the road segment next to the intersection. */
export const TOWN_CROSSING_DEPTH = 4;
const STOP_LINE_DEPTH = 0.6;

export function roadHalfWidth(town: Pick<Town, 'laneWidth' | 'lanesPerDirection'>): number {
  return town.laneWidth * town.lanesPerDirection;
}

export function buildTown(location: MapLocation, random: Random): Town {
  const laneWidth = TOWN_LANE_WIDTH;
  const lanesPerDirection = TOWN_LANES_PER_DIRECTION;
  const walkwayWidth = TOWN_WALKWAY_WIDTH;
  const half = laneWidth * lanesPerDirection;
  const roadCentres: number[] = [];
  let c = random.uniform(45, 60);
  for (let i = 0; i < ROAD_COUNT; i++) {
    roadCentres.push(Math.round(c * 10) / 10);
    c += random.uniform(85, 115);
  }
  const size = Math.round(c - 85 + random.uniform(45, 60));

  // Breakpoints along either axis: map edge, intersection edges, map edge.
  const stops = [0, ...roadCentres.flatMap((rc) => [rc - half, rc + half]), size];
  const grid: Omit<RoadSegment, 'id'>[] = [];
  for (const axis of ['x', 'y'] as const) {
    for (const centre of roadCentres) {
      for (let k = 0; k + 1 < stops.length; k += 2) {
        const from = stops[k];
        const to = stops[k + 1];
        const rect =
          axis === 'x'
            ? { x0: from, y0: centre - half, x1: to, y1: centre + half }
            : { x0: centre - half, y0: from, x1: centre + half, y1: to };
        grid.push({ axis, centre, from, to, rect });
      }
    }
  }
  const segments = dropEndArms(grid, roadCentres, size, random).map((s, id) => ({ ...s, id }));
  const intersections = roadCentres.flatMap((cx) =>
    roadCentres.map((cy) => ({ x0: cx - half, y0: cy - half, x1: cx + half, y1: cy + half })),
  );
  const arms = intersections.map((r) => junctionArms(segments, r));

  const walkways: Rect[] = [];
  for (const s of segments) {
    const [from, to] = walkwayExtent({ size, walkwayWidth }, s);
    for (const side of [-1, 1]) {
      const near = side * half;
      const far = side * (half + walkwayWidth);
      const lo = s.centre + Math.min(near, far);
      const hi = s.centre + Math.max(near, far);
      walkways.push(
        s.axis === 'x' ? { x0: from, y0: lo, x1: to, y1: hi } : { x0: lo, y0: from, x1: hi, y1: to },
      );
    }
  }
  // Across a T junction's closed side the sidewalk runs on, joining the crossing road's sidewalks.
  intersections.forEach((r, i) => {
    const w = walkwayWidth;
    if (!arms[i].east) walkways.push({ x0: r.x1, y0: r.y0 - w, x1: r.x1 + w, y1: r.y1 + w });
    if (!arms[i].west) walkways.push({ x0: r.x0 - w, y0: r.y0 - w, x1: r.x0, y1: r.y1 + w });
    if (!arms[i].north) walkways.push({ x0: r.x0 - w, y0: r.y1, x1: r.x1 + w, y1: r.y1 + w });
    if (!arms[i].south) walkways.push({ x0: r.x0 - w, y0: r.y0 - w, x1: r.x1 + w, y1: r.y0 });
  });
  const crossings: Crossing[] = [];
  const driveSide = location.startsWith('singapore') ? 'left' : 'right';
  for (const s of segments) {
    for (const end of [-1, 1] as const) {
      const edge = end < 0 ? s.from : s.to;
      if (edge === 0 || edge === size) continue;
      // Lanes heading towards this end travel in direction `end`; their side of the centreline follows driveSide.
      const laneSide = travelSideSign(s.axis, end, driveSide);
      const a0 = end > 0 ? edge - TOWN_CROSSING_DEPTH : edge;
      const a1 = end > 0 ? edge : edge + TOWN_CROSSING_DEPTH;
      const stopA0 = end > 0 ? a0 - STOP_LINE_DEPTH - 0.4 : a1 + 0.4;
      const stopA1 = stopA0 + STOP_LINE_DEPTH;
      const cross0 = s.centre + Math.min(0, laneSide * half);
      const cross1 = s.centre + Math.max(0, laneSide * half);
      const rect =
        s.axis === 'x'
          ? { x0: a0, y0: s.centre - half, x1: a1, y1: s.centre + half }
          : { x0: s.centre - half, y0: a0, x1: s.centre + half, y1: a1 };
      const stopLine =
        s.axis === 'x'
          ? { x0: stopA0, y0: cross0, x1: stopA1, y1: cross1 }
          : { x0: cross0, y0: stopA0, x1: cross1, y1: stopA1 };
      crossings.push({ segmentId: s.id, rect, stopLine, stopDirection: end });
    }
  }

  const inner = half + walkwayWidth;
  const bends = planBends(segments, size, inner, random.fork('bends'));
  const turnLanes = planTurnLanes(
    segments,
    size,
    half,
    intersections,
    arms,
    driveSide,
    random.fork('turn-lanes'),
  );
  const blockEdges = [0, ...roadCentres.flatMap((rc) => [rc - inner, rc + inner]), size];
  const blocks: Block[] = [];
  for (let i = 0; i + 1 < blockEdges.length; i += 2) {
    for (let j = 0; j + 1 < blockEdges.length; j += 2) {
      const rect = clearOfBends(
        { x0: blockEdges[i], y0: blockEdges[j], x1: blockEdges[i + 1], y1: blockEdges[j + 1] },
        bends,
      );
      const roll = random.next();
      const kind: BlockKind = roll < 0.6 ? 'buildings' : roll < 0.85 ? 'carpark' : 'park';
      blocks.push(makeBlock(rect, kind, random));
    }
  }

  return {
    location,
    driveSide,
    size,
    roadCentres,
    laneWidth,
    lanesPerDirection,
    walkwayWidth,
    kerbRadius: TOWN_KERB_RADIUS,
    segments,
    intersections,
    arms,
    walkways,
    crossings,
    bends,
    turnLanes,
    blocks,
  };
}

/**
 * Lengths of turn lanes, metres, drawn per approach: a city's turn bays hold two to six cars. The lane beside keeps
 * room before them for a car to change lanes.
 */
const TURN_LANE_LENGTH_M = { min: 20, max: 40 };
/** Of the approaches where the turn across the oncoming traffic leads somewhere, the share given a turn lane. */
const TURN_LANE_CHANCE = 0.5;
/** The shortest stretch of lane left before a turn lane, metres, so short end segments keep a plain lane. */
const TURN_LANE_LEAD_M = 5;

/**
 * Picks the approaches whose inner lane becomes a turn lane: only where the road across the oncoming traffic
 * leaves the junction (a T junction may be closed on that side) and the lane is long enough.
 */
function planTurnLanes(
  segments: readonly RoadSegment[],
  size: number,
  half: number,
  intersections: readonly Rect[],
  arms: readonly JunctionArms[],
  driveSide: Town['driveSide'],
  random: Random,
): TurnLane[] {
  return segments.flatMap((s) =>
    ([1, -1] as const).flatMap((direction): TurnLane[] => {
      const edge = junctionEdge(s, direction);
      if (edge === 0 || edge === size) return [];
      const [from, to] = laneExtent({ size }, s);
      if (to - from < TURN_LANE_LENGTH_M.min + TURN_LANE_LEAD_M) return [];
      const junction = edge + direction * half;
      const [jx, jy] = s.axis === 'x' ? [junction, s.centre] : [s.centre, junction];
      const i = intersections.findIndex(
        (r) => Math.abs((r.x0 + r.x1) / 2 - jx) < 1e-6 && Math.abs((r.y0 + r.y1) / 2 - jy) < 1e-6,
      );
      const exit = turnExitDirection(s.axis, direction, acrossTurnSign(driveSide));
      const arm: keyof JunctionArms =
        s.axis === 'y' ? (exit > 0 ? 'east' : 'west') : exit > 0 ? 'north' : 'south';
      if (!arms[i][arm]) return [];
      if (!random.chance(TURN_LANE_CHANCE)) return [];
      const longest = Math.min(TURN_LANE_LENGTH_M.max, to - from - TURN_LANE_LEAD_M);
      // Whole metres: the split between the lane and its turn lane is then a round number in the map records.
      const lengthM = Math.floor(random.uniform(TURN_LANE_LENGTH_M.min, longest));
      return [{ segmentId: s.id, direction, lengthM }];
    }),
  );
}

/** The turn across the oncoming traffic, as a quarter turn's sign: left under right-hand traffic, right under left. */
export function acrossTurnSign(driveSide: Town['driveSide']): 1 | -1 {
  return driveSide === 'right' ? 1 : -1;
}

/** Where the turn lane of an approach starts along its segment's axis, or undefined where the approach has none. */
export function turnLaneStart(
  town: Pick<Town, 'size' | 'turnLanes'>,
  s: RoadSegment,
  direction: 1 | -1,
): number | undefined {
  const turnLane = town.turnLanes.find((t) => t.segmentId === s.id && t.direction === direction);
  if (!turnLane) return undefined;
  const laneEnd = laneExtent(town, s)[direction > 0 ? 1 : 0];
  return laneEnd - direction * turnLane.lengthM;
}

/** Of the road segments, the share that bend. */
const BEND_CHANCE = 0.45;
/** A bent segment runs straight for this far from each junction: the crossing, the stop line and a car's length. */
const BEND_STRAIGHT_M = TOWN_CROSSING_DEPTH + 7;
/** An end segment runs straight for this far from the map's edge, which cuts its road square. */
const BEND_EDGE_STRAIGHT_M = 4;
/** The tightest arc of a bent centreline, metres: a bend too short for its angle turns less. */
const BEND_MIN_RADIUS_M = 24;
/** Grass left between a block and the sidewalk of a road that swings towards it, metres. */
const BEND_VERGE_M = 1;

/**
 * Picks the segments that bend, and their S-bends over the stretch between the straight ends: turning up to 12
 * to 22 degrees from the axis (less on the shorter end segments, to keep every arc's radius), 30 to 60 % of that
 * in clothoid spirals, and swinging the road about 3 to 8 metres aside between junctions, 1 to 6.5 on end segments.
 */
function planBends(
  segments: readonly RoadSegment[],
  size: number,
  reach: number,
  random: Random,
): RoadBend[] {
  // Streams of their own, so that the segments between junctions drawn to bend, and their angles, stay as they
  // were before the spirals and the end segments' bends.
  const spirals = random.fork('spirals');
  const ends = random.fork('end-segments');
  return segments.flatMap((s): RoadBend[] => {
    const draw = s.from === 0 || s.to === size ? ends : random;
    if (!draw.chance(BEND_CHANCE)) return [];
    const from = s.from === 0 ? BEND_EDGE_STRAIGHT_M : s.from + BEND_STRAIGHT_M;
    const to = s.to === size ? size - BEND_EDGE_STRAIGHT_M : s.to - BEND_STRAIGHT_M;
    const drawn = (draw.uniform(12, 22) * Math.PI) / 180;
    const side = draw.chance(0.5) ? 1 : -1;
    const spiralShare = spirals.uniform(0.3, 0.6);
    const angleRad = boundedBendAngle(drawn, spiralShare, to - from);
    return [
      { segmentId: s.id, axis: s.axis, centre: s.centre, from, to, angleRad, spiralShare, side, reach },
    ];
  });
}

/**
 * The angle `drawn`, or where a bend over `span` metres would then have an arc tighter than BEND_MIN_RADIUS_M,
 * the largest angle that has none: the peak curvature rises with the angle (a little slower than it), so
 * halving the interval finds it.
 */
function boundedBendAngle(drawn: number, spiralShare: number, span: number): number {
  const fits = (angle: number) => bendProfile(angle, spiralShare, span).curvature * BEND_MIN_RADIUS_M <= 1;
  if (fits(drawn)) return drawn;
  let [lo, hi] = [0, drawn];
  while (hi - lo > 1e-9) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * A block's rectangle moved back from the roads that swing towards it, so that neither the road nor its
 * sidewalk reaches into the block.
 */
function clearOfBends(rect: Rect, bends: readonly RoadBend[]): Rect {
  const r = { ...rect };
  for (const b of bends) {
    const swing = bendSwing(b) + BEND_VERGE_M;
    const [lo, hi] = b.axis === 'x' ? [r.x0, r.x1] : [r.y0, r.y1];
    if (hi <= b.from || lo >= b.to) continue;
    const near = b.centre + b.side * b.reach;
    if (b.axis === 'x' && b.side > 0 && Math.abs(r.y0 - near) < 1e-6) r.y0 += swing;
    if (b.axis === 'x' && b.side < 0 && Math.abs(r.y1 - near) < 1e-6) r.y1 -= swing;
    if (b.axis === 'y' && b.side > 0 && Math.abs(r.x0 - near) < 1e-6) r.x0 += swing;
    if (b.axis === 'y' && b.side < 0 && Math.abs(r.x1 - near) < 1e-6) r.x1 -= swing;
  }
  return r;
}

/** Of the roads' end segments (from the map edge to the first junction), the share left out. */
const T_JUNCTION_CHANCE = 0.3;

/**
 * Leaves out some of the roads' end segments, each turning the junction it led to into a T junction; never two of
 * one junction's arms, so every junction keeps three or four.
 */
function dropEndArms(
  grid: readonly Omit<RoadSegment, 'id'>[],
  roadCentres: readonly number[],
  size: number,
  random: Random,
): Omit<RoadSegment, 'id'>[] {
  const closed = new Set<string>();
  return grid.filter((s) => {
    if (s.from !== 0 && s.to !== size) return true;
    // The junction at the segment's inner end: the first or last road crossing this one.
    const other = s.from === 0 ? roadCentres[0] : roadCentres[roadCentres.length - 1];
    const junction = s.axis === 'x' ? `${other}|${s.centre}` : `${s.centre}|${other}`;
    if (closed.has(junction) || !random.chance(T_JUNCTION_CHANCE)) return true;
    closed.add(junction);
    return false;
  });
}

function junctionArms(segments: readonly RoadSegment[], r: Rect): JunctionArms {
  const [cx, cy] = [(r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2];
  const leaves = (axis: 'x' | 'y', centre: number, edge: number, end: 'from' | 'to') =>
    segments.some(
      (s) => s.axis === axis && Math.abs(s.centre - centre) < 1e-6 && Math.abs(s[end] - edge) < 1e-6,
    );
  return {
    east: leaves('x', cy, r.x1, 'from'),
    north: leaves('y', cx, r.y1, 'from'),
    west: leaves('x', cy, r.x0, 'to'),
    south: leaves('y', cx, r.y0, 'to'),
  };
}

/**
 * Sign (+1 / -1) of the cross-axis offset of the lanes that travel in `direction` along `axis`. Right-hand traffic
 * keeps to the right of the travel direction: travelling +x, right is -y; travelling +y, right is +x.
 */
export function travelSideSign(axis: 'x' | 'y', direction: 1 | -1, driveSide: 'left' | 'right'): 1 | -1 {
  const rightOfTravel = axis === 'x' ? -direction : direction;
  return (driveSide === 'right' ? rightOfTravel : -rightOfTravel) as 1 | -1;
}

/**
 * Along-axis extent of the sidewalks beside a segment: the segment minus the corner squares at its intersection
 * ends, which are walkways of their own, so that no two walkway strips overlap.
 */
export function walkwayExtent(
  town: Pick<Town, 'size' | 'walkwayWidth'>,
  segment: Pick<RoadSegment, 'from' | 'to'>,
): [number, number] {
  return [
    segment.from === 0 ? 0 : segment.from + town.walkwayWidth,
    segment.to === town.size ? town.size : segment.to - town.walkwayWidth,
  ];
}

/**
 * Along-axis extent of a segment's lanes: the segment less the crossings at its intersection ends, as lanes end
 * where the nuScenes maps end them; the lane connectors take traffic on across the crossing and the junction.
 */
export function laneExtent(
  town: Pick<Town, 'size'>,
  segment: Pick<RoadSegment, 'from' | 'to'>,
): [number, number] {
  return [
    segment.from === 0 ? 0 : segment.from + TOWN_CROSSING_DEPTH,
    segment.to === town.size ? town.size : segment.to - TOWN_CROSSING_DEPTH,
  ];
}

/**
 * Along-axis extent of the road at `centre` on `axis`, metres: from the map edge, or from a T junction's closed
 * side where its end segment is left out, to the same at its other end.
 */
export function roadExtent(
  town: Pick<Town, 'segments' | 'size' | 'laneWidth' | 'lanesPerDirection'>,
  axis: 'x' | 'y',
  centre: number,
): [number, number] {
  const road = town.segments.filter((s) => s.axis === axis && s.centre === centre);
  const [from, to] = [Math.min(...road.map((s) => s.from)), Math.max(...road.map((s) => s.to))];
  // A road that stops short of the map edge ends across its last junction.
  const junction = 2 * roadHalfWidth(town);
  return [from === 0 ? 0 : from - junction, to === town.size ? town.size : to + junction];
}

/** Where a segment meets the junction (or the map's edge) that its lanes travelling `direction` head for. */
export function junctionEdge(s: Pick<RoadSegment, 'from' | 'to'>, direction: 1 | -1): number {
  return direction > 0 ? s.to : s.from;
}

/** The centreline of the road crossing at the junction a segment's `direction` end leads to (not the map's edge). */
export function crossingCentre(
  town: Pick<Town, 'roadCentres' | 'laneWidth' | 'lanesPerDirection'>,
  s: RoadSegment,
  direction: 1 | -1,
): number {
  const centre = junctionEdge(s, direction) + direction * roadHalfWidth(town);
  // The town's own number, which roads are looked up by, not one rounded differently on the way.
  const found = town.roadCentres.find((c) => Math.abs(c - centre) < 1e-6);
  if (found === undefined) throw new Error(`segment ${s.id} leads to no junction travelling ${direction}`);
  return found;
}

/** Yaw of travel along `axis` in `direction`, radians counter-clockwise from +x. */
export function headingOf(axis: 'x' | 'y', direction: 1 | -1): number {
  return axis === 'x' ? (direction > 0 ? 0 : Math.PI) : direction > 0 ? Math.PI / 2 : -Math.PI / 2;
}

/**
 * The direction along the crossing axis after a quarter turn (sign 1 left, -1 right) from travelling `direction`
 * along `axis`: the heading rotated by sign x 90 degrees (turning left from +x heads +y).
 */
export function turnExitDirection(axis: 'x' | 'y', direction: 1 | -1, sign: 1 | -1): 1 | -1 {
  const exitYaw = headingOf(axis, direction) + (sign * Math.PI) / 2;
  return Math.round(axis === 'x' ? Math.sin(exitYaw) : Math.cos(exitYaw)) as 1 | -1;
}

/** Cross-axis offset from the road centreline of lane `lane` (0 = next to the centreline) travelling `direction`. */
export function laneOffset(town: Town, axis: 'x' | 'y', direction: 1 | -1, lane: number): number {
  return travelSideSign(axis, direction, town.driveSide) * (lane + 0.5) * town.laneWidth;
}

function makeBlock(rect: Rect, kind: BlockKind, random: Random): Block {
  const setback = 2;
  const area = { x0: rect.x0 + setback, y0: rect.y0 + setback, x1: rect.x1 - setback, y1: rect.y1 - setback };
  if (kind === 'carpark') {
    return { rect, kind, buildings: [], carpark: { rect: area, baysAlongX: random.chance(0.5) } };
  }
  if (kind === 'park') return { rect, kind, buildings: [] };
  const buildings: Block['buildings'][number][] = [];
  const w = area.x1 - area.x0;
  const h = area.y1 - area.y0;
  // Buildings line the four sides of the block, leaving a courtyard; each side is cut into frontages.
  for (const side of [0, 1, 2, 3]) {
    const along = side % 2 === 0 ? w : h;
    let s = 0;
    while (s < along - 6) {
      const length = Math.min(random.uniform(12, 32), along - s);
      const depth = Math.min(random.uniform(9, 18), (side % 2 === 0 ? h : w) / 2 - 1);
      const height = random.uniform(5, 28);
      const grey = random.uniform(0.45, 0.85);
      const tint = random.pick([
        [1, 0.95, 0.88],
        [0.92, 0.95, 1],
        [1, 0.9, 0.85],
        [0.95, 1, 0.95],
        [1, 1, 1],
      ] as const);
      const colour = [grey * tint[0], grey * tint[1], grey * tint[2]] as const;
      let b: Rect;
      if (side === 0) b = { x0: area.x0 + s, y0: area.y0, x1: area.x0 + s + length, y1: area.y0 + depth };
      else if (side === 2)
        b = { x0: area.x0 + s, y0: area.y1 - depth, x1: area.x0 + s + length, y1: area.y1 };
      else if (side === 1)
        b = { x0: area.x1 - depth, y0: area.y0 + s, x1: area.x1, y1: area.y0 + s + length };
      else b = { x0: area.x0, y0: area.y0 + s, x1: area.x0 + depth, y1: area.y0 + s + length };
      if (length > 6 && depth > 4) buildings.push({ rect: b, height, colour });
      s += length + random.uniform(1, 6);
    }
  }
  return { rect, kind, buildings };
}
