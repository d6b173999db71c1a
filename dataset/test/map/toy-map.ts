/**
 * A small hand-made map expansion exercising what the map layer must reproduce: overlapping road segments and
 * lanes (union), a road ring with a hole, ped crossings that overlap, sit wholly inside or straddle a patch
 * edge, an invalid (bow-tie) crossing that the devkit skips, a carpark with a hole, dividers that leave and
 * re-enter the patch, and an empty line. `fixtures/` holds the reference outputs computed from this map.
 */
import type { MapExpansionJson } from '../../src/map/expansion-types.ts';

type XY = readonly [number, number];

export const TOY_LOCATION = 'boston-seaport';

/**
 * Lidar poses around which fixtures were computed: lidar -> ego and ego -> global, nuScenes record layout, at
 * nuScenes-like map coordinates and arbitrary headings.
 */
export const TOY_POSES = [
  {
    lidar2ego: {
      translation: [0.943713, 0.0, 1.84023],
      rotation: [0.7077955119163518, -0.006492242056004365, 0.010646214713995808, -0.7063073142877817],
    },
    ego2global: {
      translation: [601.3, 1601.7, 0.0],
      rotation: [0.9659258262890683, 0.0, 0.0, 0.25881904510252074],
    },
  },
  {
    lidar2ego: {
      translation: [0.985, 0.0, 1.84],
      rotation: [Math.SQRT1_2, 0.0, 0.0, -Math.SQRT1_2],
    },
    ego2global: {
      translation: [612.25, 1622.5, 0.3],
      rotation: [0.6427876096865394, 0.0, 0.0, -0.766044443118978],
    },
  },
  {
    lidar2ego: {
      translation: [0.9, 0.02, 1.8],
      rotation: [Math.SQRT1_2, 0.0, 0.0, -Math.SQRT1_2],
    },
    ego2global: {
      translation: [641.8, 1644.1, 0.0],
      rotation: [-0.17364817766693033, 0.003, -0.002, 0.984807753012208],
    },
  },
  // Turning and rotated poses: every quadrant, the axes exactly (the first is a lidar yaw of exactly +90°, where
  // quaternion composition gave a patch angle of 90.00000000000001), some with pitch and roll.
  {
    lidar2ego: {
      translation: [0.985, 0.0, 1.84],
      rotation: [Math.SQRT1_2, 0.0, 0.0, -Math.SQRT1_2],
    },
    ego2global: {
      translation: [604.1, 1598.3, 0.25],
      rotation: [6.123233995736766e-17, 0.0, 0.0, 1.0],
    },
  },
  {
    lidar2ego: {
      translation: [0.943713, 0.0, 1.84023],
      rotation: [0.7077955119163518, -0.006492242056004365, 0.010646214713995808, -0.7063073142877817],
    },
    ego2global: {
      translation: [601.7, 1603.2, 0.0],
      rotation: [Math.SQRT1_2, 0.0, 0.0, 0.7071067811865475],
    },
  },
  {
    lidar2ego: {
      translation: [0.985, 0.0, 1.84],
      rotation: [Math.SQRT1_2, 0.0, 0.0, -Math.SQRT1_2],
    },
    ego2global: {
      translation: [606.4, 1621.9, 0.0],
      rotation: [0.7070979425175075, -0.0039999500009374805, -0.00299996250070311, -0.7070979425175073],
    },
  },
  {
    lidar2ego: {
      translation: [0.943713, 0.0, 1.84023],
      rotation: [0.7077955119163518, -0.006492242056004365, 0.010646214713995808, -0.7063073142877817],
    },
    ego2global: {
      translation: [580.2, 1603.4, 0.0],
      rotation: [1.0, 0.0, 0.0, 0.0],
    },
  },
  {
    lidar2ego: {
      translation: [0.985, 0.0, 1.84],
      rotation: [Math.SQRT1_2, 0.0, 0.0, -Math.SQRT1_2],
    },
    ego2global: {
      translation: [611.0, 1580.5, 0.25],
      rotation: [0.9238795325112867, 0.0, 0.0, 0.3826834323650898],
    },
  },
  {
    lidar2ego: {
      translation: [0.943713, 0.0, 1.84023],
      rotation: [0.7077955119163518, -0.006492242056004365, 0.010646214713995808, -0.7063073142877817],
    },
    ego2global: {
      translation: [633.9, 1612.2, 0.0],
      rotation: [0.3931347486400894, 0.0039999500009374805, -0.00299996250070311, 0.9194672751309195],
    },
  },
  {
    lidar2ego: {
      translation: [0.985, 0.0, 1.84],
      rotation: [Math.SQRT1_2, 0.0, 0.0, -Math.SQRT1_2],
    },
    ego2global: {
      translation: [594.4, 1650.8, 0.0],
      rotation: [0.8131007610470277, 0.0, 0.0, -0.5821229701572894],
    },
  },
  {
    lidar2ego: {
      translation: [0.943713, 0.0, 1.84023],
      rotation: [0.7077955119163518, -0.006492242056004365, 0.010646214713995808, -0.7063073142877817],
    },
    ego2global: {
      translation: [566.3, 1596.0, 0.0],
      rotation: [0.1830935077692692, 0.0, 0.0, -0.98309550269175],
    },
  },
  {
    lidar2ego: {
      translation: [0.985, 0.0, 1.84],
      rotation: [Math.SQRT1_2, 0.0, 0.0, -Math.SQRT1_2],
    },
    ego2global: {
      translation: [645.2, 1641.7, 0.25],
      rotation: [-0.5828250274154733, -0.0039999500009374805, -0.00299996250070311, 0.8125822961664481],
    },
  },
  {
    lidar2ego: {
      translation: [0.943713, 0.0, 1.84023],
      rotation: [0.7077955119163518, -0.006492242056004365, 0.010646214713995808, -0.7063073142877817],
    },
    ego2global: {
      translation: [623.5, 1597.6, 0.0],
      rotation: [0.9936702657801585, 0.0, 0.0, 0.11233611576153554],
    },
  },
  {
    lidar2ego: {
      translation: [0.985, 0.0, 1.84],
      rotation: [Math.SQRT1_2, 0.0, 0.0, -Math.SQRT1_2],
    },
    ego2global: {
      translation: [599.8, 1545.2, 0.0],
      rotation: [0.49697396102755526, 0.0, 0.0, -0.8677654533689285],
    },
  },
  {
    lidar2ego: {
      translation: [0.943713, 0.0, 1.84023],
      rotation: [0.7077955119163518, -0.006492242056004365, 0.010646214713995808, -0.7063073142877817],
    },
    ego2global: {
      translation: [672.6, 1603.1, 0.0],
      rotation: [0.6626117656204331, 0.0039999500009374805, -0.00299996250070311, 0.748946359018025],
    },
  },
] as const;

export function toyMapJson(): MapExpansionJson {
  const node: { token: string; x: number; y: number }[] = [];
  const line: { token: string; node_tokens: string[] }[] = [];
  const polygon: { token: string; exterior_node_tokens: string[]; holes: { node_tokens: string[] }[] }[] = [];
  const nodes = (pts: readonly XY[]) =>
    pts.map(([x, y]) => {
      const token = `n${node.length}`;
      node.push({ token, x, y });
      return token;
    });
  const poly = (ext: readonly XY[], holes: readonly (readonly XY[])[] = []) => {
    const token = `p${polygon.length}`;
    polygon.push({
      token,
      exterior_node_tokens: nodes(ext),
      holes: holes.map((h) => ({ node_tokens: nodes(h) })),
    });
    return token;
  };
  const ln = (pts: readonly XY[]) => {
    const token = `l${line.length}`;
    line.push({ token, node_tokens: nodes(pts) });
    return token;
  };
  const rect = (x0: number, y0: number, x1: number, y1: number): XY[] => [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];

  const roads = [
    poly(rect(540, 1590.5, 690, 1610.25)),
    poly(rect(594.5, 1530, 615.75, 1690)),
    poly(rect(630, 1630, 660, 1660), [rect(640, 1640, 650.5, 1650)]),
    poly([
      [615, 1610],
      [633.3, 1628.1],
      [628.2, 1633.4],
      [611.1, 1614.9],
    ]),
  ];
  const lanes = [
    poly(rect(550, 1600.25, 705, 1606.1)),
    poly([
      [598.2, 1540],
      [603.9, 1540],
      [604.4, 1700],
      [598.7, 1700],
    ]),
    poly([
      [621.37, 1598.2],
      [624.9, 1601.1],
      [619.2, 1608.3],
      [615.6, 1605.2],
    ]),
  ];
  const peds = [
    poly(rect(596, 1611, 614, 1615.5)),
    poly(rect(616.5, 1592, 620.5, 1609.75)),
    poly(rect(618.75, 1594.5, 622.25, 1612.2)),
    poly([
      [583.1, 1589.9],
      [592.3, 1590.4],
      [591.8, 1596.6],
      [582.6, 1596.1],
    ]),
    poly(rect(570, 1586, 576, 1614)),
    poly([
      [606, 1580],
      [610, 1584],
      [610, 1580],
      [606, 1584],
    ]),
    poly(rect(625, 1611, 631, 1619), [rect(627, 1613, 629, 1617)]),
  ];
  const walkways = [
    poly([
      [560, 1611],
      [594, 1611],
      [594, 1625.5],
      [585.3, 1631.2],
      [560, 1619],
    ]),
    poly(rect(617, 1570, 690, 1589.5)),
  ];
  const stopLines = [poly(rect(590.5, 1592, 593.5, 1600)), poly(rect(606.2, 1616, 614.3, 1617.7))];
  const carparks = [
    poly(rect(620, 1660, 660, 1690), [rect(630.5, 1668, 640.25, 1676)]),
    poly(rect(520, 1560, 560, 1585)),
  ];
  const drivable = [
    poly(rect(535, 1588, 695, 1612)),
    poly(rect(592, 1525, 618, 1695)),
    poly(rect(628, 1628, 662, 1662)),
  ];
  const roadDividers = [
    ln([
      [540, 1600.1],
      [580, 1600.3],
      [620, 1599.9],
      [660, 1600.6],
      [690, 1600.2],
    ]),
    ln([
      [605.1, 1530],
      [605.2, 1600],
      [604.8, 1690],
    ]),
    ln([
      [575, 1622],
      [612.5, 1612.5],
      [575, 1603],
      [612.5, 1593.5],
      [575, 1584],
    ]),
  ];
  const laneDividers = [
    ln([
      [550, 1603.2],
      [640.3, 1603.15],
      [705, 1603.4],
    ]),
    ln([
      [601.05, 1540],
      [601.3, 1700],
    ]),
    ln([
      [622.6, 1604.5],
      [624.25, 1607.75],
    ]),
    ln([]),
  ];

  const laneRecord = (p: string, i: number) => ({
    token: `lane${i}`,
    polygon_token: p,
    lane_type: 'CAR',
    from_edge_line_token: '',
    to_edge_line_token: '',
    left_lane_divider_segments: [{ node_token: line[0].node_tokens[i], segment_type: 'DOUBLE_DASHED_WHITE' }],
    right_lane_divider_segments: [],
  });
  const lightLine = ln([
    [600, 1589],
    [600.5, 1589],
  ]);
  return {
    version: '1.3',
    canvas_edge: [2979.5, 2118.1],
    node,
    line,
    polygon,
    drivable_area: [
      { token: 'da0', polygon_tokens: drivable.slice(0, 2) },
      { token: 'da1', polygon_tokens: drivable.slice(2) },
    ],
    road_segment: roads.map((p, i) => ({
      token: `rs${i}`,
      polygon_token: p,
      is_intersection: i === 1,
      drivable_area_token: 'da0',
    })),
    road_block: [
      {
        token: 'rb0',
        polygon_token: roads[0],
        from_edge_line_token: '',
        to_edge_line_token: '',
        road_segment_token: 'rs0',
      },
    ],
    lane: lanes.map(laneRecord),
    ped_crossing: peds.map((p, i) => ({ token: `pc${i}`, polygon_token: p, road_segment_token: 'rs0' })),
    walkway: walkways.map((p, i) => ({ token: `ww${i}`, polygon_token: p })),
    stop_line: [
      {
        token: 'sl0',
        polygon_token: stopLines[0],
        stop_line_type: 'PED_CROSSING',
        ped_crossing_tokens: ['pc3'],
        traffic_light_tokens: [],
        road_block_token: 'rb0',
      },
      {
        token: 'sl1',
        polygon_token: stopLines[1],
        stop_line_type: 'TRAFFIC_LIGHT',
        ped_crossing_tokens: [],
        traffic_light_tokens: ['tl0'],
        road_block_token: '',
      },
    ],
    carpark_area: carparks.map((p, i) => ({
      token: `cp${i}`,
      polygon_token: p,
      orientation: 0.5 * i,
      road_block_token: '',
    })),
    road_divider: roadDividers.map((l, i) => ({ token: `rd${i}`, line_token: l, road_segment_token: 'rs0' })),
    lane_divider: laneDividers.map((l, i) => ({ token: `ld${i}`, line_token: l, lane_divider_segments: [] })),
    traffic_light: [
      {
        token: 'tl0',
        line_token: lightLine,
        traffic_light_type: 'VERTICAL',
        from_road_block_token: 'rb0',
        items: [
          {
            color: 'RED',
            shape: 'CIRCLE',
            rel_pos: { tx: 0, ty: 0, tz: 0.6, rx: 0, ry: 0, rz: 0 },
            to_road_block_tokens: [],
          },
        ],
        pose: { tx: 600.2, ty: 1589, tz: 2.5, rx: 0, ry: 0, rz: 1.5 },
      },
    ],
    lane_connector: [{ token: 'lc0', polygon_token: lanes[2] }],
    arcline_path_3: {
      lane0: [
        {
          start_pose: [550, 1603, 0],
          end_pose: [705, 1603, 0],
          shape: 'LSR',
          radius: 999,
          segment_length: [0, 155, 0],
        },
      ],
    },
    connectivity: { lane0: { incoming: [], outgoing: ['lane1'] } },
  };
}
