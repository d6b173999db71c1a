import {
  type ArclinePath,
  type LaneConnectivity,
  type LaneDividerSegment,
  type MapExpansionJson,
  MIN_MAP_VERSION,
  STOP_LINE_TYPES,
  type StopLineType,
  type Token,
  type TrafficLightItem,
  type TrafficLightPose,
} from './expansion-types.ts';

/** A map expansion file that does not hold what the devkit would read from it. */
export class MapExpansionError extends Error {
  override name = 'MapExpansionError';
}

type Json = Record<string, unknown>;

/** Reads typed fields of one JSON object and names the file, record and field in every complaint. */
class FieldReader {
  constructor(
    private readonly obj: Json,
    private readonly where: string,
  ) {}

  fail(field: string, problem: string): never {
    throw new MapExpansionError(`${this.where}: field '${field}' ${problem}`);
  }

  private raw(field: string): unknown {
    if (!Object.hasOwn(this.obj, field)) this.fail(field, 'is missing');
    return this.obj[field];
  }

  string(field: string): string {
    const v = this.raw(field);
    if (typeof v !== 'string') this.fail(field, `must be a string, got ${JSON.stringify(v)}`);
    return v;
  }

  number(field: string): number {
    const v = this.raw(field);
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(field, `must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  }

  boolean(field: string): boolean {
    const v = this.raw(field);
    if (typeof v !== 'boolean') this.fail(field, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  strings(field: string): string[] {
    const v = this.raw(field);
    if (!Array.isArray(v)) this.fail(field, 'must be a list of tokens');
    v.forEach((t, i) => {
      if (typeof t !== 'string') this.fail(`${field}[${i}]`, `must be a string, got ${JSON.stringify(t)}`);
    });
    return v as string[];
  }

  numbers(field: string, length: number): number[] {
    const v = this.raw(field);
    if (
      !Array.isArray(v) ||
      v.length !== length ||
      !v.every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      this.fail(field, `must be ${length} finite numbers, got ${JSON.stringify(v)}`);
    }
    return v as number[];
  }

  objects(field: string): FieldReader[] {
    const v = this.raw(field);
    if (!Array.isArray(v)) this.fail(field, 'must be a list of objects');
    return v.map((o, i) => {
      if (!isObject(o)) this.fail(`${field}[${i}]`, 'must be an object');
      return new FieldReader(o, `${this.where}.${field}[${i}]`);
    });
  }

  object(field: string): FieldReader {
    const v = this.raw(field);
    if (!isObject(v)) this.fail(field, 'must be an object');
    return new FieldReader(v, `${this.where}.${field}`);
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The records of one list layer, each with a unique string token; `read` builds the typed record. */
function readLayer<T>(
  file: string,
  root: Json,
  layer: string,
  read: (f: FieldReader, token: Token) => T,
): (T & { token: Token })[] {
  if (!Object.hasOwn(root, layer)) throw new MapExpansionError(`${file}: layer '${layer}' is missing`);
  const list = root[layer];
  if (!Array.isArray(list))
    throw new MapExpansionError(`${file}: layer '${layer}' must be a list of records`);
  const seen = new Set<Token>();
  return list.map((rec, i) => {
    if (!isObject(rec)) throw new MapExpansionError(`${file}: ${layer}[${i}] must be an object`);
    const token = new FieldReader(rec, `${file}: ${layer}[${i}]`).string('token');
    if (seen.has(token)) throw new MapExpansionError(`${file}: ${layer} record ${token}: duplicate token`);
    seen.add(token);
    return { token, ...read(new FieldReader(rec, `${file}: ${layer} record ${token}`), token) };
  });
}

function readDividerSegments(f: FieldReader, field: string): LaneDividerSegment[] {
  return f
    .objects(field)
    .map((s) => ({ node_token: s.string('node_token'), segment_type: s.string('segment_type') }));
}

function readPose(f: FieldReader): TrafficLightPose {
  return {
    tx: f.number('tx'),
    ty: f.number('ty'),
    tz: f.number('tz'),
    rx: f.number('rx'),
    ry: f.number('ry'),
    rz: f.number('rz'),
  };
}

function readTokenMap<V>(file: string, root: Json, layer: string, read: (v: unknown, where: string) => V) {
  if (!Object.hasOwn(root, layer)) throw new MapExpansionError(`${file}: layer '${layer}' is missing`);
  const m = root[layer];
  if (!isObject(m))
    throw new MapExpansionError(`${file}: layer '${layer}' must be an object keyed by lane token`);
  const out: Record<Token, V> = {};
  for (const [token, v] of Object.entries(m)) out[token] = read(v, `${file}: ${layer} entry ${token}`);
  return out;
}

/** Devkit versions compare as strings; a file without `version` is the deprecated 1.0. */
function readVersion(file: string, root: Json): string {
  const version = Object.hasOwn(root, 'version') ? root.version : '1.0';
  if (typeof version !== 'string') throw new MapExpansionError(`${file}: field 'version' must be a string`);
  if (version < MIN_MAP_VERSION) {
    throw new MapExpansionError(
      `${file}: map version ${version} is older than ${MIN_MAP_VERSION}; download the map expansion v${MIN_MAP_VERSION}`,
    );
  }
  return version;
}

/**
 * Checks a parsed map expansion file field by field and resolves every geometric reference (node, line and
 * polygon tokens, stop-line cues): a dangling token is an error, because the devkit would fail on it later.
 * `file` names the source in errors.
 */
export function validateMapExpansion(json: unknown, file: string): MapExpansionJson {
  if (!isObject(json)) throw new MapExpansionError(`${file}: a map expansion must be a JSON object`);
  const root = json;
  const top = new FieldReader(root, file);
  const version = readVersion(file, root);
  const canvasEdge = top.numbers('canvas_edge', 2) as [number, number];

  const node = readLayer(file, root, 'node', (f) => ({ x: f.number('x'), y: f.number('y') }));
  const nodeTokens = new Set(node.map((n) => n.token));
  const refs = (f: FieldReader, field: string, tokens: readonly Token[], known: Set<Token>, kind: string) => {
    tokens.forEach((t, i) => {
      if (!known.has(t)) f.fail(`${field}[${i}]`, `names ${kind} ${t}, which does not exist`);
    });
    return tokens;
  };
  const ref = (f: FieldReader, field: string, known: Set<Token>, kind: string) => {
    const t = f.string(field);
    if (!known.has(t)) f.fail(field, `names ${kind} ${t}, which does not exist`);
    return t;
  };

  const line = readLayer(file, root, 'line', (f) => {
    const tokens = refs(f, 'node_tokens', f.strings('node_tokens'), nodeTokens, 'node');
    // shapely cannot build a one-point LineString; an empty one is skipped by the devkit.
    if (tokens.length === 1) f.fail('node_tokens', 'has 1 node; a line needs none or at least 2');
    return { node_tokens: tokens };
  });
  const polygon = readLayer(file, root, 'polygon', (f) => {
    const exterior = refs(f, 'exterior_node_tokens', f.strings('exterior_node_tokens'), nodeTokens, 'node');
    if (exterior.length < 3)
      f.fail('exterior_node_tokens', `has ${exterior.length} nodes; a polygon needs at least 3`);
    const holes = f.objects('holes').map((h) => ({
      node_tokens: refs(h, 'node_tokens', h.strings('node_tokens'), nodeTokens, 'node'),
    }));
    holes.forEach((h, i) => {
      if (h.node_tokens.length > 0 && h.node_tokens.length < 3) {
        f.fail(
          `holes[${i}].node_tokens`,
          `has ${h.node_tokens.length} nodes; a hole needs none or at least 3`,
        );
      }
    });
    return { exterior_node_tokens: exterior, holes };
  });
  const lineTokens = new Set(line.map((l) => l.token));
  const polygonTokens = new Set(polygon.map((p) => p.token));
  const poly = (f: FieldReader) => ref(f, 'polygon_token', polygonTokens, 'polygon');
  const lineRef = (f: FieldReader) => ref(f, 'line_token', lineTokens, 'line');

  const drivable_area = readLayer(file, root, 'drivable_area', (f) => ({
    polygon_tokens: refs(f, 'polygon_tokens', f.strings('polygon_tokens'), polygonTokens, 'polygon'),
  }));
  const road_segment = readLayer(file, root, 'road_segment', (f) => ({
    polygon_token: poly(f),
    is_intersection: f.boolean('is_intersection'),
    drivable_area_token: f.string('drivable_area_token'),
  }));
  const road_block = readLayer(file, root, 'road_block', (f) => ({
    polygon_token: poly(f),
    from_edge_line_token: f.string('from_edge_line_token'),
    to_edge_line_token: f.string('to_edge_line_token'),
    road_segment_token: f.string('road_segment_token'),
  }));
  const lane = readLayer(file, root, 'lane', (f) => {
    const left = readDividerSegments(f, 'left_lane_divider_segments');
    const right = readDividerSegments(f, 'right_lane_divider_segments');
    for (const [field, segs] of [
      ['left_lane_divider_segments', left],
      ['right_lane_divider_segments', right],
    ] as const) {
      segs.forEach((s, i) => {
        if (!nodeTokens.has(s.node_token))
          f.fail(`${field}[${i}].node_token`, `names node ${s.node_token}, which does not exist`);
      });
    }
    return {
      polygon_token: poly(f),
      lane_type: f.string('lane_type'),
      from_edge_line_token: f.string('from_edge_line_token'),
      to_edge_line_token: f.string('to_edge_line_token'),
      left_lane_divider_segments: left,
      right_lane_divider_segments: right,
    };
  });
  const ped_crossing = readLayer(file, root, 'ped_crossing', (f) => ({
    polygon_token: poly(f),
    road_segment_token: f.string('road_segment_token'),
  }));
  const walkway = readLayer(file, root, 'walkway', (f) => ({ polygon_token: poly(f) }));
  const carpark_area = readLayer(file, root, 'carpark_area', (f) => ({
    polygon_token: poly(f),
    orientation: f.number('orientation'),
    road_block_token: f.string('road_block_token'),
  }));
  const road_divider = readLayer(file, root, 'road_divider', (f) => ({
    line_token: lineRef(f),
    road_segment_token: f.string('road_segment_token'),
  }));
  const lane_divider = readLayer(file, root, 'lane_divider', (f) => ({
    line_token: lineRef(f),
    lane_divider_segments: readDividerSegments(f, 'lane_divider_segments'),
  }));
  const traffic_light = readLayer(file, root, 'traffic_light', (f) => ({
    line_token: lineRef(f),
    traffic_light_type: f.string('traffic_light_type'),
    from_road_block_token: f.string('from_road_block_token'),
    items: f.objects('items').map(
      (it): TrafficLightItem => ({
        color: it.string('color'),
        shape: it.string('shape'),
        rel_pos: readPose(it.object('rel_pos')),
        to_road_block_tokens: it.strings('to_road_block_tokens'),
      }),
    ),
    pose: readPose(f.object('pose')),
  }));
  const pedTokens = new Set(ped_crossing.map((p) => p.token));
  const lightTokens = new Set(traffic_light.map((t) => t.token));
  const stop_line = readLayer(file, root, 'stop_line', (f) => {
    const type = f.string('stop_line_type');
    if (!(STOP_LINE_TYPES as readonly string[]).includes(type)) {
      f.fail('stop_line_type', `must be one of ${STOP_LINE_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
    }
    const ped = f.strings('ped_crossing_tokens');
    const lights = f.strings('traffic_light_tokens');
    // The devkit resolves only the cue list that the type selects.
    if (type === 'PED_CROSSING' || type === 'TURN_STOP')
      refs(f, 'ped_crossing_tokens', ped, pedTokens, 'ped_crossing');
    if (type === 'TRAFFIC_LIGHT') refs(f, 'traffic_light_tokens', lights, lightTokens, 'traffic_light');
    return {
      polygon_token: poly(f),
      stop_line_type: type as StopLineType,
      ped_crossing_tokens: ped,
      traffic_light_tokens: lights,
      road_block_token: f.string('road_block_token'),
    };
  });
  const lane_connector = readLayer(file, root, 'lane_connector', (f) => ({ polygon_token: poly(f) }));

  const arcline_path_3 = readTokenMap(file, root, 'arcline_path_3', (v, where) => {
    if (!Array.isArray(v)) throw new MapExpansionError(`${where}: must be a list of arcline paths`);
    return v.map((p, i): ArclinePath => {
      if (!isObject(p)) throw new MapExpansionError(`${where}[${i}]: must be an object`);
      const f = new FieldReader(p, `${where}[${i}]`);
      return {
        start_pose: f.numbers('start_pose', 3) as unknown as ArclinePath['start_pose'],
        end_pose: f.numbers('end_pose', 3) as unknown as ArclinePath['end_pose'],
        shape: f.string('shape'),
        radius: f.number('radius'),
        segment_length: f.numbers('segment_length', 3) as unknown as ArclinePath['segment_length'],
      };
    });
  });
  const connectivity = readTokenMap(file, root, 'connectivity', (v, where): LaneConnectivity => {
    if (!isObject(v)) throw new MapExpansionError(`${where}: must be an object with incoming and outgoing`);
    const f = new FieldReader(v, where);
    return { incoming: f.strings('incoming'), outgoing: f.strings('outgoing') };
  });

  return {
    version,
    canvas_edge: canvasEdge,
    node,
    line,
    polygon,
    drivable_area,
    road_segment,
    road_block,
    lane,
    ped_crossing,
    walkway,
    stop_line,
    carpark_area,
    road_divider,
    lane_divider,
    traffic_light,
    lane_connector,
    arcline_path_3,
    connectivity,
  };
}
