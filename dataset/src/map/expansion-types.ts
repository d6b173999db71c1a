/**
 * Record types of the nuScenes map expansion v1.3 JSON (`maps/expansion/<location>.json`), field for field as
 * the devkit's `NuScenesMap` reads them. Coordinates are metres in the global (map) frame of the location.
 *
 * Geometric layers (`node`, `line`, `polygon`) hold the coordinates; every other layer points at them by token.
 */

/** The four nuScenes map locations; a log's `location` names one of them. */
export const MAP_LOCATIONS = [
  'boston-seaport',
  'singapore-onenorth',
  'singapore-hollandvillage',
  'singapore-queenstown',
] as const;
export type MapLocation = (typeof MAP_LOCATIONS)[number];

/** The oldest map version the devkit accepts; older files lack layers this reader needs. */
export const MIN_MAP_VERSION = '1.3';

export type Token = string;

export interface MapNode {
  readonly token: Token;
  /** Metres, global frame. */
  readonly x: number;
  /** Metres, global frame. */
  readonly y: number;
}

export interface MapLine {
  readonly token: Token;
  readonly node_tokens: readonly Token[];
}

export interface MapPolygonHole {
  readonly node_tokens: readonly Token[];
}

export interface MapPolygon {
  readonly token: Token;
  readonly exterior_node_tokens: readonly Token[];
  readonly holes: readonly MapPolygonHole[];
}

/** A drivable area is the only polygon layer made of several polygons. */
export interface DrivableAreaRecord {
  readonly token: Token;
  readonly polygon_tokens: readonly Token[];
}

export interface RoadSegmentRecord {
  readonly token: Token;
  readonly polygon_token: Token;
  readonly is_intersection: boolean;
  readonly drivable_area_token: Token;
}

export interface RoadBlockRecord {
  readonly token: Token;
  readonly polygon_token: Token;
  readonly from_edge_line_token: Token;
  readonly to_edge_line_token: Token;
  readonly road_segment_token: Token;
}

/** One piece of a lane's side marking: the marking type holds from this node on. */
export interface LaneDividerSegment {
  readonly node_token: Token;
  readonly segment_type: string;
}

export interface LaneRecord {
  readonly token: Token;
  readonly polygon_token: Token;
  /** 'CAR' or 'BIKE' in the released maps. */
  readonly lane_type: string;
  readonly from_edge_line_token: Token;
  readonly to_edge_line_token: Token;
  readonly left_lane_divider_segments: readonly LaneDividerSegment[];
  readonly right_lane_divider_segments: readonly LaneDividerSegment[];
}

export interface PedCrossingRecord {
  readonly token: Token;
  readonly polygon_token: Token;
  readonly road_segment_token: Token;
}

export interface WalkwayRecord {
  readonly token: Token;
  readonly polygon_token: Token;
}

/** The devkit resolves a stop line's cue by its type: ped crossings, traffic lights, or none. */
export const STOP_LINE_TYPES = ['PED_CROSSING', 'TURN_STOP', 'STOP_SIGN', 'YIELD', 'TRAFFIC_LIGHT'] as const;
export type StopLineType = (typeof STOP_LINE_TYPES)[number];

export interface StopLineRecord {
  readonly token: Token;
  readonly polygon_token: Token;
  readonly stop_line_type: StopLineType;
  readonly ped_crossing_tokens: readonly Token[];
  readonly traffic_light_tokens: readonly Token[];
  readonly road_block_token: Token;
}

export interface CarparkAreaRecord {
  readonly token: Token;
  readonly polygon_token: Token;
  /** Radians, global frame. */
  readonly orientation: number;
  readonly road_block_token: Token;
}

export interface RoadDividerRecord {
  readonly token: Token;
  readonly line_token: Token;
  readonly road_segment_token: Token;
}

export interface LaneDividerRecord {
  readonly token: Token;
  readonly line_token: Token;
  readonly lane_divider_segments: readonly LaneDividerSegment[];
}

/** Translation in metres and rotation in radians; `pose` is global, `rel_pos` relative to the light's pose. */
export interface TrafficLightPose {
  readonly tx: number;
  readonly ty: number;
  readonly tz: number;
  readonly rx: number;
  readonly ry: number;
  readonly rz: number;
}

export interface TrafficLightItem {
  readonly color: string;
  readonly shape: string;
  readonly rel_pos: TrafficLightPose;
  readonly to_road_block_tokens: readonly Token[];
}

export interface TrafficLightRecord {
  readonly token: Token;
  readonly line_token: Token;
  readonly traffic_light_type: string;
  readonly from_road_block_token: Token;
  readonly items: readonly TrafficLightItem[];
  readonly pose: TrafficLightPose;
}

export interface LaneConnectorRecord {
  readonly token: Token;
  readonly polygon_token: Token;
}

/** Pose along a lane centreline: metres and radians, global frame. */
export type ArclinePose = readonly [x: number, y: number, yaw: number];

/** Three-part Dubins-style path (left / straight / right arcs) describing a lane's centreline. */
export interface ArclinePath {
  readonly start_pose: ArclinePose;
  readonly end_pose: ArclinePose;
  /** Three letters from L, S, R, e.g. 'LSR'. */
  readonly shape: string;
  /** Metres. */
  readonly radius: number;
  /** Metres, one per part. */
  readonly segment_length: readonly [number, number, number];
}

export interface LaneConnectivity {
  readonly incoming: readonly Token[];
  readonly outgoing: readonly Token[];
}

/** Layers that hold one polygon per record through `polygon_token`. */
export const POLYGON_TOKEN_LAYERS = [
  'road_segment',
  'road_block',
  'lane',
  'ped_crossing',
  'walkway',
  'stop_line',
  'carpark_area',
  'lane_connector',
] as const;
export type PolygonTokenLayer = (typeof POLYGON_TOKEN_LAYERS)[number];

/** Layers whose records hold one line through `line_token`. */
export const LINE_LAYERS = ['road_divider', 'lane_divider', 'traffic_light'] as const;
export type LineLayer = (typeof LINE_LAYERS)[number];

/** Whole-file layout of a map expansion JSON. */
export interface MapExpansionJson {
  /** '1.3' or later; the devkit treats a missing version as '1.0'. */
  readonly version: string;
  /** Map extent [width, height] in metres. */
  readonly canvas_edge: readonly [number, number];
  readonly node: readonly MapNode[];
  readonly line: readonly MapLine[];
  readonly polygon: readonly MapPolygon[];
  readonly drivable_area: readonly DrivableAreaRecord[];
  readonly road_segment: readonly RoadSegmentRecord[];
  readonly road_block: readonly RoadBlockRecord[];
  readonly lane: readonly LaneRecord[];
  readonly ped_crossing: readonly PedCrossingRecord[];
  readonly walkway: readonly WalkwayRecord[];
  readonly stop_line: readonly StopLineRecord[];
  readonly carpark_area: readonly CarparkAreaRecord[];
  readonly road_divider: readonly RoadDividerRecord[];
  readonly lane_divider: readonly LaneDividerRecord[];
  readonly traffic_light: readonly TrafficLightRecord[];
  readonly lane_connector: readonly LaneConnectorRecord[];
  /** Lane or lane-connector token -> centreline pieces. */
  readonly arcline_path_3: Readonly<Record<Token, readonly ArclinePath[]>>;
  /** Lane or lane-connector token -> neighbours. */
  readonly connectivity: Readonly<Record<Token, LaneConnectivity>>;
}

/** The path of a location's map inside a nuScenes data root. */
export function mapExpansionPath(location: MapLocation): string {
  return `maps/expansion/${location}.json`;
}
