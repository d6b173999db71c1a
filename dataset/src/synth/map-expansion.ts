import type {
  ArclinePath,
  CarparkAreaRecord,
  LaneConnectivity,
  LaneDividerRecord,
  LaneRecord,
  MapExpansionJson,
  MapLine,
  MapNode,
  MapPolygon,
  PedCrossingRecord,
  RoadBlockRecord,
  RoadDividerRecord,
  RoadSegmentRecord,
  StopLineRecord,
  WalkwayRecord,
} from '../map/expansion-types.ts';
import type { TokenFactory } from './tokens.ts';
import { type Rect, roadHalfWidth, type Town, travelSideSign } from './town.ts';

/**
 * The town as a nuScenes map expansion v1.3 file: geometry in node / line / polygon records and the semantic
 * layers pointing at them (drivable area, road segments and blocks, lanes with their centreline arclines and
 * connectivity, dividers, ped crossings, stop lines, walkways, carparks). Straight roads only, so every lane's
 * arcline path is a single straight piece.
 */
export function buildMapExpansion(town: Town, token: TokenFactory): MapExpansionJson {
  const node: MapNode[] = [];
  const line: MapLine[] = [];
  const polygon: MapPolygon[] = [];
  const addNode = (x: number, y: number): string => {
    const t = token('map', town.location, 'node', node.length);
    node.push({ token: t, x: round(x), y: round(y) });
    return t;
  };
  const addPolygon = (r: Rect): string => {
    const t = token('map', town.location, 'polygon', polygon.length);
    const exterior = [addNode(r.x0, r.y0), addNode(r.x1, r.y0), addNode(r.x1, r.y1), addNode(r.x0, r.y1)];
    polygon.push({ token: t, exterior_node_tokens: exterior, holes: [] });
    return t;
  };
  const addLine = (points: readonly (readonly [number, number])[]): { token: string; nodes: string[] } => {
    const t = token('map', town.location, 'line', line.length);
    const nodes = points.map(([x, y]) => addNode(x, y));
    line.push({ token: t, node_tokens: nodes });
    return { token: t, nodes };
  };
  const xy = (axis: 'x' | 'y', along: number, across: number): [number, number] =>
    axis === 'x' ? [along, across] : [across, along];
  const spanRect = (axis: 'x' | 'y', a0: number, a1: number, c0: number, c1: number): Rect => {
    const [x0, y0] = xy(axis, Math.min(a0, a1), Math.min(c0, c1));
    const [x1, y1] = xy(axis, Math.max(a0, a1), Math.max(c0, c1));
    return { x0, y0, x1, y1 };
  };

  const drivableAreaToken = token('map', town.location, 'drivable_area', 0);
  const drivablePolygons: string[] = [];
  const road_segment: RoadSegmentRecord[] = [];
  const road_block: RoadBlockRecord[] = [];
  const lane: LaneRecord[] = [];
  const road_divider: RoadDividerRecord[] = [];
  const lane_divider: LaneDividerRecord[] = [];
  const arcline_path_3: Record<string, ArclinePath[]> = {};
  const half = roadHalfWidth(town);
  // (segment id, direction, lane) -> lane token, to link lanes across intersections afterwards.
  const laneTokens = new Map<string, string>();
  const roadBlockOf = new Map<string, string>();

  for (const r of town.intersections) {
    const p = addPolygon(r);
    drivablePolygons.push(p);
    road_segment.push({
      token: token('map', town.location, 'road_segment', 'intersection', road_segment.length),
      polygon_token: p,
      is_intersection: true,
      drivable_area_token: drivableAreaToken,
    });
  }
  const segmentTokens: string[] = [];
  for (const s of town.segments) {
    const p = addPolygon(s.rect);
    drivablePolygons.push(p);
    const segmentToken = token('map', town.location, 'road_segment', s.id);
    segmentTokens.push(segmentToken);
    road_segment.push({
      token: segmentToken,
      polygon_token: p,
      is_intersection: false,
      drivable_area_token: drivableAreaToken,
    });
    const divider = addLine([xy(s.axis, s.from, s.centre), xy(s.axis, s.to, s.centre)]);
    road_divider.push({
      token: token('map', town.location, 'road_divider', s.id),
      line_token: divider.token,
      road_segment_token: segmentToken,
    });
    for (const direction of [1, -1] as const) {
      const side = travelSideSign(s.axis, direction, town.driveSide);
      const start = direction > 0 ? s.from : s.to;
      const end = direction > 0 ? s.to : s.from;
      const edge = (along: number) =>
        addLine([xy(s.axis, along, s.centre), xy(s.axis, along, s.centre + side * half)]);
      const fromEdge = edge(start);
      const toEdge = edge(end);
      const blockToken = token('map', town.location, 'road_block', s.id, direction);
      roadBlockOf.set(`${s.id}/${direction}`, blockToken);
      road_block.push({
        token: blockToken,
        polygon_token: addPolygon(spanRect(s.axis, start, end, s.centre, s.centre + side * half)),
        from_edge_line_token: fromEdge.token,
        to_edge_line_token: toEdge.token,
        road_segment_token: segmentToken,
      });
      for (let k = 0; k < town.lanesPerDirection; k++) {
        const inner = s.centre + side * k * town.laneWidth;
        const outer = s.centre + side * (k + 1) * town.laneWidth;
        const centre = (inner + outer) / 2;
        // Left of travel is the inner boundary under right-hand traffic and the outer one under left-hand traffic.
        const [left, right] = town.driveSide === 'right' ? [inner, outer] : [outer, inner];
        const boundary = (across: number, type: string) =>
          addLine([xy(s.axis, start, across), xy(s.axis, end, across)]).nodes.map((n) => ({
            node_token: n,
            segment_type: type,
          }));
        const markingOf = (across: number) =>
          Math.abs(across - s.centre) < 1e-6
            ? town.driveSide === 'right'
              ? 'DOUBLE_SOLID_YELLOW'
              : 'DOUBLE_SOLID_WHITE'
            : Math.abs(Math.abs(across - s.centre) - half) < 1e-6
              ? 'SINGLE_SOLID_WHITE'
              : 'SINGLE_DASHED_WHITE';
        const laneToken = token('map', town.location, 'lane', s.id, direction, k);
        laneTokens.set(`${s.id}/${direction}/${k}`, laneToken);
        lane.push({
          token: laneToken,
          polygon_token: addPolygon(spanRect(s.axis, start, end, inner, outer)),
          lane_type: 'CAR',
          from_edge_line_token: addLine([xy(s.axis, start, inner), xy(s.axis, start, outer)]).token,
          to_edge_line_token: addLine([xy(s.axis, end, inner), xy(s.axis, end, outer)]).token,
          left_lane_divider_segments: boundary(left, markingOf(left)),
          right_lane_divider_segments: boundary(right, markingOf(right)),
        });
        const [sx, sy] = xy(s.axis, start, centre);
        const [ex, ey] = xy(s.axis, end, centre);
        const yaw = Math.atan2(ey - sy, ex - sx);
        arcline_path_3[laneToken] = [
          {
            start_pose: [round(sx), round(sy), round(yaw)],
            end_pose: [round(ex), round(ey), round(yaw)],
            shape: 'LSR',
            radius: 999,
            segment_length: [0, round(Math.abs(end - start)), 0],
          },
        ];
        if (k > 0) {
          const dividerAcross = s.centre + side * k * town.laneWidth;
          const d = addLine([xy(s.axis, start, dividerAcross), xy(s.axis, end, dividerAcross)]);
          lane_divider.push({
            token: token('map', town.location, 'lane_divider', s.id, direction, k),
            line_token: d.token,
            lane_divider_segments: d.nodes.map((n) => ({
              node_token: n,
              segment_type: 'SINGLE_DASHED_WHITE',
            })),
          });
        }
      }
    }
  }

  // Lanes continue straight across intersections: link each lane to the same lane of the next segment.
  const connectivity: Record<string, LaneConnectivity> = {};
  for (const s of town.segments) {
    for (const direction of [1, -1] as const) {
      for (let k = 0; k < town.lanesPerDirection; k++) {
        const next = town.segments.find(
          (o) =>
            o.axis === s.axis &&
            o.centre === s.centre &&
            (direction > 0
              ? Math.abs(o.from - s.to - 2 * half) < 1e-6
              : Math.abs(s.from - o.to - 2 * half) < 1e-6),
        );
        const prev = town.segments.find(
          (o) =>
            o.axis === s.axis &&
            o.centre === s.centre &&
            (direction > 0
              ? Math.abs(s.from - o.to - 2 * half) < 1e-6
              : Math.abs(o.from - s.to - 2 * half) < 1e-6),
        );
        connectivity[laneTokens.get(`${s.id}/${direction}/${k}`) as string] = {
          incoming: prev ? [laneTokens.get(`${prev.id}/${direction}/${k}`) as string] : [],
          outgoing: next ? [laneTokens.get(`${next.id}/${direction}/${k}`) as string] : [],
        };
      }
    }
  }

  const ped_crossing: PedCrossingRecord[] = [];
  const stop_line: StopLineRecord[] = [];
  town.crossings.forEach((c, i) => {
    const crossingToken = token('map', town.location, 'ped_crossing', i);
    ped_crossing.push({
      token: crossingToken,
      polygon_token: addPolygon(c.rect),
      road_segment_token: segmentTokens[c.segmentId],
    });
    stop_line.push({
      token: token('map', town.location, 'stop_line', i),
      polygon_token: addPolygon(c.stopLine),
      stop_line_type: 'PED_CROSSING',
      ped_crossing_tokens: [crossingToken],
      traffic_light_tokens: [],
      road_block_token: roadBlockOf.get(`${c.segmentId}/${c.stopDirection}`) as string,
    });
  });
  const walkway: WalkwayRecord[] = town.walkways.map((w, i) => ({
    token: token('map', town.location, 'walkway', i),
    polygon_token: addPolygon(w),
  }));
  const carpark_area: CarparkAreaRecord[] = [];
  for (const block of town.blocks) {
    if (!block.carpark) continue;
    carpark_area.push({
      token: token('map', town.location, 'carpark_area', carpark_area.length),
      polygon_token: addPolygon(block.carpark.rect),
      orientation: block.carpark.baysAlongX ? round(Math.PI / 2) : 0,
      road_block_token: '',
    });
  }

  return {
    version: '1.3',
    canvas_edge: [town.size, town.size],
    node,
    line,
    polygon,
    drivable_area: [{ token: drivableAreaToken, polygon_tokens: drivablePolygons }],
    road_segment,
    road_block,
    lane,
    ped_crossing,
    walkway,
    stop_line,
    carpark_area,
    road_divider,
    lane_divider,
    traffic_light: [],
    lane_connector: [],
    arcline_path_3,
    connectivity,
  };
}

/** Map coordinates are stored to the millimetre. */
function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
