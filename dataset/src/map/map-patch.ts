import type { Mat4 } from '../geometry/matrix.ts';
import type { MapExpansion } from './map-expansion.ts';
import {
  box,
  type Geometry,
  type InFrame,
  intersection,
  isValid,
  type Polygon,
  parts,
  rotateDegrees,
  translate,
} from './planar.ts';
import { atan2Rounded } from './rounded-trig.ts';

/**
 * A rectangle of the map around a sensor: centre (global frame, metres), size along its own y (`height`) and x
 * (`width`), turned by `angleDeg` counter-clockwise (the devkit's `patch_box` and `patch_angle`).
 */
export interface MapPatch {
  readonly x: number;
  readonly y: number;
  readonly height: number;
  readonly width: number;
  readonly angleDeg: number;
}

/** Map layers the patch extraction knows how to read. */
export type PatchPolygonLayer =
  | 'drivable_area'
  | 'road_segment'
  | 'road_block'
  | 'lane'
  | 'ped_crossing'
  | 'walkway'
  | 'stop_line'
  | 'carpark_area';
export type PatchLineLayer = 'road_divider' | 'lane_divider';

/**
 * The patch of `height` x `width` metres centred at the lidar and turned by the yaw of its x axis, as BEVFusion
 * takes it from `ego2global · lidar2ego` (MapTR's variant is `mapTrPatch`). Map geometry cut by it lands in the
 * lidar frame up to pitch and roll, which both methods ignore.
 */
export function lidarPatch(lidarToGlobal: Mat4<'lidar', 'global'>, height: number, width: number): MapPatch {
  const m = lidarToGlobal;
  const yaw = atan2Rounded(m[4], m[0]);
  return { x: m[3], y: m[7], height, width, angleDeg: (yaw / Math.PI) * 180 };
}

/** The devkit's `get_patch_coord`: the axis-aligned box turned about its centre. */
export function patchPolygon(p: MapPatch): InFrame<Polygon, 'global'> {
  const b = box<'global'>(
    p.x - p.width / 2.0,
    p.y - p.height / 2.0,
    p.x + p.width / 2.0,
    p.y + p.height / 2.0,
  );
  return rotateDegrees<'global', 'global'>(b, p.angleDeg, p.x, p.y) as InFrame<Polygon, 'global'>;
}

/** Turns global geometry by −angle about the patch centre and moves the centre to the origin. */
function toLidar(g: InFrame<Geometry, 'global'>, p: MapPatch): InFrame<Geometry, 'lidar'> {
  const turned = rotateDegrees<'global', 'global'>(g, -p.angleDeg, p.x, p.y);
  return translate<'global', 'lidar'>(turned, -p.x, -p.y);
}

function keepDimension<F extends string>(g: InFrame<Geometry, F>, dimension: 1 | 2): InFrame<Geometry, F>[] {
  return parts(g).filter((part) => part.getDimension() === dimension && !part.isEmpty());
}

/**
 * The devkit's `_get_layer_polygon` (and MapTR's copies of it): each record's polygon cut by the patch and moved
 * into the patch frame, one entry per record that reaches the patch, as its list of polygons. Invalid polygons
 * are skipped except in `drivable_area`, as there.
 */
export function polygonLayerInPatch(
  map: MapExpansion,
  layer: PatchPolygonLayer,
  p: MapPatch,
): InFrame<Polygon, 'lidar'>[][] {
  const patch = patchPolygon(p);
  const cut = (poly: InFrame<Polygon, 'global'>) => {
    const inside = keepDimension(intersection<'global'>(poly, patch), 2);
    return inside.map((g) => toLidar(g, p) as InFrame<Polygon, 'lidar'>);
  };
  const out: InFrame<Polygon, 'lidar'>[][] = [];
  if (layer === 'drivable_area') {
    for (const rec of map.records.drivable_area) {
      for (const token of rec.polygon_tokens) {
        const polys = cut(map.polygon(token));
        if (polys.length > 0) out.push(polys);
      }
    }
    return out;
  }
  for (const rec of map.records[layer]) {
    const poly = map.polygon(rec.polygon_token);
    if (!isValid(poly)) continue;
    const polys = cut(poly);
    if (polys.length > 0) out.push(polys);
  }
  return out;
}

/** The devkit's `_get_layer_line`: each record's line cut by the patch, in the patch frame, as its pieces. */
export function lineLayerInPatch(
  map: MapExpansion,
  layer: PatchLineLayer,
  p: MapPatch,
): InFrame<Geometry, 'lidar'>[][] {
  const patch = patchPolygon(p);
  const out: InFrame<Geometry, 'lidar'>[][] = [];
  for (const rec of map.records[layer]) {
    const line = map.line(rec.line_token);
    if (line.isEmpty()) continue;
    const pieces = keepDimension(intersection<'global'>(line, patch), 1);
    if (pieces.length > 0) out.push(pieces.map((g) => toLidar(g, p)));
  }
  return out;
}
