import type {
  ArclinePath,
  CarparkAreaRecord,
  LaneConnectorRecord,
  LaneDividerRecord,
  LaneDividerSegment,
  LaneRecord,
  MapExpansionJson,
  PedCrossingRecord,
  RoadBlockRecord,
  RoadDividerRecord,
  RoadSegmentRecord,
  StopLineRecord,
  WalkwayRecord,
} from '../map/expansion-types.ts';
import { cornerWalkway, junctionOutline, KERB_ARC_PIECES, kerbCorners } from './kerbs.ts';
import { MapGeometry, type Point, rectRing, roundMm } from './map-geometry.ts';
import { type PlanarPose, type QuarterTurn, quarterTurnPose } from './quarter-turn.ts';
import { bendJoints, bendPolyline, bendPose, type RoadBend } from './road-bends.ts';
import type { TokenFactory } from './tokens.ts';
import {
  acrossTurnSign,
  crossingCentre,
  headingOf,
  junctionEdge,
  laneExtent,
  laneOffset,
  type Rect,
  type RoadSegment,
  roadHalfWidth,
  type Town,
  travelSideSign,
  turnExitDirection,
  turnLaneStart,
} from './town.ts';

/**
 * The town as a nuScenes map expansion v1.3 file: geometry in node / line / polygon records and the semantic
 * layers pointing at them (drivable area, road segments and blocks, lanes with their centreline arclines and
 * connectivity, lane connectors through the junctions, dividers, ped crossings, stop lines, walkways, carparks).
 * A lane on a straight segment has a single straight arcline piece, one on a bent segment (road-bends.ts) a
 * straight piece, an arc per arc of the bend and a straight piece again; the connectors turning at junctions are
 * quarter circles and the kerbs at the junctions' corners arcs (kerbs.ts). On the approaches with a turn lane
 * (town.ts) the inner lane is two records, the lane and the turn lane it runs into, and the line beside the turn
 * lane is solid.
 */
export function buildMapExpansion(town: Town, token: TokenFactory): MapExpansionJson {
  const map = new ExpansionBuilder(town, token);
  addIntersections(map);
  for (const segment of town.segments) addRoad(map, segment);
  linkLanesThroughJunctions(map);
  addCrossingsAndStopLines(map);
  addWalkways(map);
  addCarparks(map);
  return map.toJson();
}

type Direction = 1 | -1;

/** The records built so far and the lookups later steps need to point at earlier records. */
class ExpansionBuilder {
  readonly geometry: MapGeometry;
  readonly half: number;
  readonly drivableAreaToken: string;
  readonly drivablePolygons: string[] = [];
  readonly road_segment: RoadSegmentRecord[] = [];
  readonly road_block: RoadBlockRecord[] = [];
  readonly lane: LaneRecord[] = [];
  readonly road_divider: RoadDividerRecord[] = [];
  readonly lane_divider: LaneDividerRecord[] = [];
  readonly ped_crossing: PedCrossingRecord[] = [];
  readonly stop_line: StopLineRecord[] = [];
  readonly walkway: WalkwayRecord[] = [];
  readonly carpark_area: CarparkAreaRecord[] = [];
  readonly lane_connector: LaneConnectorRecord[] = [];
  readonly arcline_path_3: Record<string, ArclinePath[]> = {};
  readonly connectivity: Record<string, { incoming: string[]; outgoing: string[] }> = {};
  /** Road segment id -> its road_segment token. */
  readonly segmentTokens: string[] = [];
  /** `${segment id}/${direction}` -> road_block token. */
  readonly roadBlockOf = new Map<string, string>();
  /** `${segment id}/${direction}/${lane}` -> token of the lane record where the lane starts. */
  readonly laneTokens = new Map<string, string>();
  /** `${segment id}/${direction}/${lane}` -> token of the lane record where it ends: its turn lane if it has one. */
  readonly laneEndTokens = new Map<string, string>();

  constructor(
    readonly town: Town,
    readonly token: TokenFactory,
  ) {
    this.geometry = new MapGeometry(token, town.location, town.bends);
    this.half = roadHalfWidth(town);
    this.drivableAreaToken = this.tokenOf('drivable_area', 0);
  }

  tokenOf(layer: string, ...identity: readonly (string | number)[]): string {
    return this.token('map', this.town.location, layer, ...identity);
  }

  toJson(): MapExpansionJson {
    const { town, geometry } = this;
    return {
      version: '1.3',
      canvas_edge: [town.size, town.size],
      node: geometry.node,
      line: geometry.line,
      polygon: geometry.polygon,
      drivable_area: [{ token: this.drivableAreaToken, polygon_tokens: this.drivablePolygons }],
      road_segment: this.road_segment,
      road_block: this.road_block,
      lane: this.lane,
      ped_crossing: this.ped_crossing,
      walkway: this.walkway,
      stop_line: this.stop_line,
      carpark_area: this.carpark_area,
      road_divider: this.road_divider,
      lane_divider: this.lane_divider,
      traffic_light: [],
      lane_connector: this.lane_connector,
      arcline_path_3: this.arcline_path_3,
      connectivity: this.connectivity,
    };
  }
}

/** Global (x, y) of a point `along` a road on `axis` and `across` it. */
const xy = (axis: 'x' | 'y', along: number, across: number): Point =>
  axis === 'x' ? [along, across] : [across, along];

/** The rectangle spanning [a0, a1] along a road on `axis` and [c0, c1] across it (either order). */
function spanRect(axis: 'x' | 'y', a0: number, a1: number, c0: number, c1: number): Rect {
  const [x0, y0] = xy(axis, Math.min(a0, a1), Math.min(c0, c1));
  const [x1, y1] = xy(axis, Math.max(a0, a1), Math.max(c0, c1));
  return { x0, y0, x1, y1 };
}

/** Each intersection is a drivable road segment of its own, with rounded kerbs at its corners. */
function addIntersections(map: ExpansionBuilder): void {
  for (const [i, r] of map.town.intersections.entries()) {
    const p = map.geometry.addPolygon(junctionOutline(map.town, r, map.town.arms[i]));
    map.drivablePolygons.push(p);
    map.road_segment.push({
      token: map.tokenOf('road_segment', 'intersection', map.road_segment.length),
      polygon_token: p,
      is_intersection: true,
      drivable_area_token: map.drivableAreaToken,
    });
  }
}

/** A road segment with its centre divider, and per direction of travel its road block and lanes. */
function addRoad(map: ExpansionBuilder, s: RoadSegment): void {
  const p = map.geometry.addRect(s.rect);
  map.drivablePolygons.push(p);
  const segmentToken = map.tokenOf('road_segment', s.id);
  map.segmentTokens.push(segmentToken);
  map.road_segment.push({
    token: segmentToken,
    polygon_token: p,
    is_intersection: false,
    drivable_area_token: map.drivableAreaToken,
  });
  const divider = map.geometry.addLine([xy(s.axis, s.from, s.centre), xy(s.axis, s.to, s.centre)]);
  map.road_divider.push({
    token: map.tokenOf('road_divider', s.id),
    line_token: divider.token,
    road_segment_token: segmentToken,
  });
  for (const direction of [1, -1] as const) {
    addRoadBlock(map, s, direction, segmentToken);
    for (let k = 0; k < map.town.lanesPerDirection; k++) addLane(map, s, direction, k);
  }
}

/** Where lanes travelling `direction` along the segment start and end, and which side of the centre they keep to. */
function travel(map: ExpansionBuilder, s: RoadSegment, direction: Direction) {
  return {
    side: travelSideSign(s.axis, direction, map.town.driveSide),
    start: direction > 0 ? s.from : s.to,
    end: junctionEdge(s, direction),
  };
}

/** The half of a segment whose lanes travel `direction`, between its two edge lines. */
function addRoadBlock(
  map: ExpansionBuilder,
  s: RoadSegment,
  direction: Direction,
  segmentToken: string,
): void {
  const { side, start, end } = travel(map, s, direction);
  const edge = (along: number) =>
    map.geometry.addLine([xy(s.axis, along, s.centre), xy(s.axis, along, s.centre + side * map.half)]);
  const fromEdge = edge(start);
  const toEdge = edge(end);
  const blockToken = map.tokenOf('road_block', s.id, direction);
  map.roadBlockOf.set(`${s.id}/${direction}`, blockToken);
  map.road_block.push({
    token: blockToken,
    polygon_token: map.geometry.addRect(spanRect(s.axis, start, end, s.centre, s.centre + side * map.half)),
    from_edge_line_token: fromEdge.token,
    to_edge_line_token: toEdge.token,
    road_segment_token: segmentToken,
  });
}

/**
 * Lane `k` (0 next to the centre) of a segment's direction, and the dashed divider inside it: one lane record,
 * or for the inner lane of an approach with a turn lane, the lane and then its turn lane.
 */
function addLane(map: ExpansionBuilder, s: RoadSegment, direction: Direction, k: number): void {
  const { town } = map;
  const { side } = travel(map, s, direction);
  const [from, to] = laneExtent(town, s);
  const [start, end] = direction > 0 ? [from, to] : [to, from];
  const key = `${s.id}/${direction}/${k}`;
  const laneToken = map.tokenOf('lane', s.id, direction, k);
  map.laneTokens.set(key, laneToken);
  const turnStart = k === 0 ? turnLaneStart(town, s, direction) : undefined;
  if (turnStart === undefined) {
    addLaneRecord(map, s, direction, k, [start, end], laneToken);
    map.laneEndTokens.set(key, laneToken);
  } else {
    const turnToken = map.tokenOf('lane', s.id, direction, k, 'turn');
    addLaneRecord(map, s, direction, k, [start, turnStart], laneToken);
    addLaneRecord(map, s, direction, k, [turnStart, end], turnToken);
    map.laneEndTokens.set(key, turnToken);
    map.connectivity[laneToken].outgoing.push(turnToken);
    map.connectivity[turnToken].incoming.push(laneToken);
  }
  if (k > 0) {
    // The painted line runs the whole segment, over the crossings too.
    const [a, b] = direction > 0 ? [s.from, s.to] : [s.to, s.from];
    const d = markedLine(map, s, direction, s.centre + side * k * town.laneWidth, a, b);
    map.lane_divider.push({
      token: map.tokenOf('lane_divider', s.id, direction, k),
      line_token: d.token,
      lane_divider_segments: d.segments,
    });
  }
}

/** A lane record from `start` to `end` along lane `k`: its polygon, side markings and arcline. */
function addLaneRecord(
  map: ExpansionBuilder,
  s: RoadSegment,
  direction: Direction,
  k: number,
  [start, end]: readonly [number, number],
  token: string,
): void {
  const { town, geometry } = map;
  const { side } = travel(map, s, direction);
  const inner = s.centre + side * k * town.laneWidth;
  const outer = s.centre + side * (k + 1) * town.laneWidth;
  const centre = (inner + outer) / 2;
  // Left of travel is the inner boundary under right-hand traffic and the outer one under left-hand traffic.
  const [left, right] = town.driveSide === 'right' ? [inner, outer] : [outer, inner];
  const polygon_token = geometry.addRect(spanRect(s.axis, start, end, inner, outer));
  const from_edge_line_token = geometry.addLine([xy(s.axis, start, inner), xy(s.axis, start, outer)]).token;
  const to_edge_line_token = geometry.addLine([xy(s.axis, end, inner), xy(s.axis, end, outer)]).token;
  const left_lane_divider_segments = markedLine(map, s, direction, left, start, end).segments;
  const right_lane_divider_segments = markedLine(map, s, direction, right, start, end).segments;
  map.lane.push({
    token,
    polygon_token,
    lane_type: 'CAR',
    from_edge_line_token,
    to_edge_line_token,
    left_lane_divider_segments,
    right_lane_divider_segments,
  });
  const bend = town.bends.find((b) => b.segmentId === s.id);
  map.arcline_path_3[token] = bend
    ? bentArclines(bend, s, start, end, centre)
    : [straightArcline(xy(s.axis, start, centre), xy(s.axis, end, centre))];
  map.connectivity[token] = { incoming: [], outgoing: [] };
}

/**
 * A painted line `across` a segment from `a` to `b` beside lanes travelling `direction`, with each node's
 * marking (that of the piece from it to the next node): solid along a turn lane, as markingOf says elsewhere.
 */
function markedLine(
  map: ExpansionBuilder,
  s: RoadSegment,
  direction: Direction,
  across: number,
  a: number,
  b: number,
): { token: string; segments: LaneDividerSegment[] } {
  const marking = markingOf(map, s, across);
  const turnStart = turnLaneStart(map.town, s, direction);
  const besideTurnLane =
    turnStart !== undefined &&
    Math.abs(across - (s.centre + travel(map, s, direction).side * map.town.laneWidth)) < 1e-6;
  const points = (
    besideTurnLane && (turnStart - a) * direction > 0 && (b - turnStart) * direction > 0
      ? [a, turnStart, b]
      : [a, b]
  ).map((along) => xy(s.axis, along, across));
  const line = map.geometry.addLine(points);
  // Bending adds nodes between the points given; the solid piece starts at the node of the turn lane's start.
  const solidFrom = !besideTurnLane
    ? Number.POSITIVE_INFINITY
    : points.length === 3
      ? bendPolyline(map.town.bends, points.slice(0, 2), false).length - 1
      : (a - turnStart) * direction >= 0
        ? 0
        : Number.POSITIVE_INFINITY;
  return {
    token: line.token,
    segments: line.nodes.map((node_token, i) => ({
      node_token,
      segment_type: i >= solidFrom ? 'SINGLE_SOLID_WHITE' : marking,
    })),
  };
}

/** The paint of a lane boundary `across` a segment: the centre divider, the kerb edge, or a dashed lane line. */
function markingOf(map: ExpansionBuilder, s: RoadSegment, across: number): string {
  const offset = Math.abs(across - s.centre);
  if (offset < 1e-6) return map.town.driveSide === 'right' ? 'DOUBLE_SOLID_YELLOW' : 'DOUBLE_SOLID_WHITE';
  return Math.abs(offset - map.half) < 1e-6 ? 'SINGLE_SOLID_WHITE' : 'SINGLE_DASHED_WHITE';
}

/** A lane centreline that is one straight piece from `a` to `b` (the devkit's 'LSR' with only the S part). */
function straightArcline([sx, sy]: Point, [ex, ey]: Point): ArclinePath {
  const yaw = Math.atan2(ey - sy, ex - sx);
  return {
    start_pose: [roundMm(sx), roundMm(sy), roundMm(yaw)],
    end_pose: [roundMm(ex), roundMm(ey), roundMm(yaw)],
    shape: 'LSR',
    radius: 999,
    segment_length: [0, roundMm(Math.hypot(ex - sx, ey - sy)), 0],
  };
}

/**
 * A lane centreline `across` a bent segment from `start` to `end` (along-axis, straight town): straight to the
 * bend, one arc per arc of the bend (an offset of an arc is an arc about the same centre, its radius longer or
 * shorter by the offset), straight after it.
 */
function bentArclines(
  bend: RoadBend,
  s: RoadSegment,
  start: number,
  end: number,
  across: number,
): ArclinePath[] {
  const direction = Math.sign(end - start);
  const inside = bendJoints(bend).filter((a) => (a - start) * direction > 0 && (end - a) * direction > 0);
  const stops = [start, ...(direction > 0 ? inside : inside.reverse()), end];
  const yaw = headingOf(s.axis, direction as Direction);
  const poseAt = (along: number) => {
    const [x, y] = xy(s.axis, along, across);
    return bendPose([bend], { x, y, yaw });
  };
  return stops.slice(1).map((b, i) => {
    const a = stops[i];
    const [p, q] = [poseAt(a), poseAt(b)];
    const mid = (a + b) / 2;
    if (mid <= bend.from || mid >= bend.to) return straightArcline([p.x, p.y], [q.x, q.y]);
    const turn = Math.atan2(Math.sin(q.yaw - p.yaw), Math.cos(q.yaw - p.yaw));
    // The chord of an arc turning by `turn` is 2 r sin(turn / 2).
    const radius = Math.hypot(q.x - p.x, q.y - p.y) / (2 * Math.sin(Math.abs(turn) / 2));
    return {
      start_pose: [roundMm(p.x), roundMm(p.y), roundMm(Math.atan2(Math.sin(p.yaw), Math.cos(p.yaw)))],
      end_pose: [roundMm(q.x), roundMm(q.y), roundMm(Math.atan2(Math.sin(q.yaw), Math.cos(q.yaw)))],
      shape: turn > 0 ? 'LSR' : 'RSL',
      radius: roundMm(radius),
      segment_length: [roundMm(radius * Math.abs(turn)), 0, 0],
    };
  });
}

/** The three ways on from a lane at a junction: straight across, or a quarter circle left or right. */
const MANOEUVRES = [
  { name: 'straight', sign: 0 },
  { name: 'left', sign: 1 },
  { name: 'right', sign: -1 },
] as const;

/**
 * Lane connectors through every junction: from the end of each lane that meets one, straight on into the same
 * lane beyond it and round a quarter circle, left and right, into the lane of the same index on the crossing
 * road (lanes end before the crossings, so even the turn round the kerb has a radius of over 5 m). Where an
 * approach has a turn lane, that turn is the turn lane's alone and the other lanes keep the rest. Connectivity
 * runs lane -> connector -> lane (and lane -> turn lane).
 */
function linkLanesThroughJunctions(map: ExpansionBuilder): void {
  const { town } = map;
  const across = acrossTurnSign(town.driveSide);
  for (const s of town.segments) {
    for (const direction of [1, -1] as const) {
      const edge = junctionEdge(s, direction);
      if (edge === 0 || edge === town.size) continue;
      const turnLane = turnLaneStart(town, s, direction) !== undefined;
      for (let k = 0; k < town.lanesPerDirection; k++) {
        // With a turn lane, the turn across the oncoming traffic is its only way on, and no other lane's.
        const ways = MANOEUVRES.filter((m) => !turnLane || (k === 0) === (m.sign === across));
        for (const manoeuvre of ways) {
          const path = junctionPath(town, s, direction, k, manoeuvre.sign);
          if (path)
            addLaneConnector(map, path, map.tokenOf('lane_connector', s.id, direction, k, manoeuvre.name));
        }
      }
    }
  }
}

/** A path through a junction: from the end of one lane (`${segment id}/${direction}/${lane}`) to another's start. */
interface JunctionPath {
  entry: PlanarPose;
  /** A quarter circle from the entry on (atM 0), or none for straight across. */
  turn?: QuarterTurn;
  lengthM: number;
  fromLane: string;
  toLane: string;
}

function junctionPath(
  town: Town,
  s: RoadSegment,
  direction: Direction,
  k: number,
  sign: 0 | 1 | -1,
): JunctionPath | undefined {
  const half = roadHalfWidth(town);
  const laneEnd = laneExtent(town, s)[direction > 0 ? 1 : 0];
  const [x, y] = xy(s.axis, laneEnd, s.centre + laneOffset(town, s.axis, direction, k));
  const entry = { x, y, yaw: headingOf(s.axis, direction) };
  // The junction's centre along the road; the crossing road runs through it.
  const junction = crossingCentre(town, s, direction);
  // The road leaving the junction that way; none where a T junction is closed.
  const startingAt = (axis: 'x' | 'y', centre: number, d: Direction, edge: number) =>
    town.segments.find(
      (o) => o.axis === axis && o.centre === centre && Math.abs((d > 0 ? o.from : o.to) - edge) < 1e-6,
    );
  const fromLane = `${s.id}/${direction}/${k}`;
  if (sign === 0) {
    const next = startingAt(s.axis, s.centre, direction, junction + direction * half);
    if (!next) return undefined;
    const nextStart = laneExtent(town, next)[direction > 0 ? 0 : 1];
    return {
      entry,
      lengthM: direction * (nextStart - laneEnd),
      fromLane,
      toLane: `${next.id}/${direction}/${k}`,
    };
  }
  const exitAxis = s.axis === 'x' ? 'y' : 'x';
  const exitDirection = turnExitDirection(s.axis, direction, sign);
  const exit = startingAt(exitAxis, junction, exitDirection, s.centre + exitDirection * half);
  if (!exit) return undefined;
  // A quarter circle: as far on along the entry heading as the exit lane's centreline is.
  const radiusM = direction * (junction + laneOffset(town, exitAxis, exitDirection, k) - laneEnd);
  return {
    entry,
    turn: { atM: 0, radiusM, sign },
    lengthM: (Math.PI / 2) * radiusM,
    fromLane,
    toLane: `${exit.id}/${exitDirection}/${k}`,
  };
}

/** A lane connector along `path`: its lane-wide polygon, its arcline and its links to the two lanes. */
function addLaneConnector(map: ExpansionBuilder, path: JunctionPath, token: string): void {
  const { entry, turn, lengthM } = path;
  const pieces = turn ? KERB_ARC_PIECES : 1;
  const poses = Array.from({ length: pieces + 1 }, (_, i) =>
    quarterTurnPose(entry.x, entry.y, entry.yaw, turn, (i / pieces) * lengthM),
  );
  const side = (offset: number) =>
    poses.map((p): Point => [p.x - offset * Math.sin(p.yaw), p.y + offset * Math.cos(p.yaw)]);
  // Right side forward, left side back: counter-clockwise.
  const ring = [...side(-map.town.laneWidth / 2), ...side(map.town.laneWidth / 2).reverse()];
  map.lane_connector.push({ token, polygon_token: map.geometry.addPolygon(ring) });
  const [start, end] = [poses[0], poses[pieces]];
  map.arcline_path_3[token] = [
    turn
      ? {
          start_pose: [roundMm(start.x), roundMm(start.y), roundMm(start.yaw)],
          end_pose: [
            roundMm(end.x),
            roundMm(end.y),
            roundMm(Math.atan2(Math.sin(end.yaw), Math.cos(end.yaw))),
          ],
          shape: turn.sign > 0 ? 'LSR' : 'RSL',
          radius: roundMm(turn.radiusM),
          segment_length: [roundMm(lengthM), 0, 0],
        }
      : straightArcline([start.x, start.y], [end.x, end.y]),
  ];
  const fromLane = map.laneEndTokens.get(path.fromLane) as string;
  const toLane = map.laneTokens.get(path.toLane) as string;
  map.connectivity[token] = { incoming: [fromLane], outgoing: [toLane] };
  map.connectivity[fromLane].outgoing.push(token);
  map.connectivity[toLane].incoming.push(token);
}

/** Each zebra crossing, and the stop line of the road block that approaches it. */
function addCrossingsAndStopLines(map: ExpansionBuilder): void {
  map.town.crossings.forEach((c, i) => {
    const crossingToken = map.tokenOf('ped_crossing', i);
    map.ped_crossing.push({
      token: crossingToken,
      polygon_token: map.geometry.addRect(c.rect),
      road_segment_token: map.segmentTokens[c.segmentId],
    });
    map.stop_line.push({
      token: map.tokenOf('stop_line', i),
      polygon_token: map.geometry.addRect(c.stopLine),
      stop_line_type: 'PED_CROSSING',
      ped_crossing_tokens: [crossingToken],
      traffic_light_tokens: [],
      road_block_token: map.roadBlockOf.get(`${c.segmentId}/${c.stopDirection}`) as string,
    });
  });
}

/** The sidewalks along the roads, then the corner walkways round the kerb arcs. */
function addWalkways(map: ExpansionBuilder): void {
  const rings = [
    ...map.town.walkways.map((w) => rectRing(w)),
    ...kerbCorners(map.town).map((c) => cornerWalkway(map.town, c)),
  ];
  rings.forEach((ring, i) => {
    map.walkway.push({ token: map.tokenOf('walkway', i), polygon_token: map.geometry.addPolygon(ring) });
  });
}

function addCarparks(map: ExpansionBuilder): void {
  for (const block of map.town.blocks) {
    if (!block.carpark) continue;
    map.carpark_area.push({
      token: map.tokenOf('carpark_area', map.carpark_area.length),
      polygon_token: map.geometry.addRect(block.carpark.rect),
      orientation: block.carpark.baysAlongX ? roundMm(Math.PI / 2) : 0,
      road_block_token: '',
    });
  }
}
