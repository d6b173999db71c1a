import { type Mat4, mat4Chain } from '../geometry/matrix.ts';
import { Quaternion } from '../geometry/quaternion.ts';
import type { RigidTransform } from '../geometry/rigid-transform.ts';
import type { MapExpansion } from './map-expansion.ts';
import { lineLayerInPatch, type MapPatch, polygonLayerInPatch } from './map-patch.ts';
import {
  box,
  type Geometry,
  type InFrame,
  intersection,
  isCounterClockwise,
  lineMerge,
  type Polygon,
  parts,
  reversedRing,
  unaryUnion,
  xyOf,
} from './planar.ts';
import { atan2Rounded } from './rounded-trig.ts';

/** MapTR's map classes, in label order. */
export const MAPTR_CLASSES = ['divider', 'ped_crossing', 'boundary'] as const;
export type MapTrClass = (typeof MAPTR_CLASSES)[number];

/** One GT polyline as MapTR's GT file holds it: the original vertices, lidar frame, metres. */
export interface MapTrGtVector {
  readonly pts: [x: number, y: number][];
  readonly pts_num: number;
  readonly cls_name: MapTrClass;
  /** Index of `cls_name` in {@link MAPTR_CLASSES}. */
  readonly type: number;
}

/** MapTR's patch: y (longitudinal) ±30 m and x (lateral) ±15 m, from `pc_range` [-15, -30, -2, 15, 30, 2]. */
export const MAPTR_PATCH_SIZE: MapTrPatchSize = { height: 60, width: 30 };

/** A MapTR patch's extent in metres: `height` along lidar y (longitudinal), `width` along lidar x (lateral). */
export interface MapTrPatchSize {
  readonly height: number;
  readonly width: number;
}

/** MapTR drops the artificial clip edges of boundaries by cutting 0.2 m inside the patch, and keeps ped crossings closed by cutting 0.2 m outside. */
const RING_CLIP_MARGIN_M = 0.2;

function vectorsOf(geoms: readonly InFrame<Geometry, 'lidar'>[], cls: MapTrClass): MapTrGtVector[] {
  const out: MapTrGtVector[] = [];
  for (const g of geoms) {
    if (g.isEmpty()) continue;
    const type = g.getGeometryType();
    if (type !== 'LineString' && type !== 'MultiLineString') {
      throw new Error(`MapTR GT: a ${cls} produced a ${type}, which MapTR cannot vectorise`);
    }
    for (const line of parts(g)) {
      const pts = xyOf(line);
      out.push({ pts, pts_num: pts.length, cls_name: cls, type: MAPTR_CLASSES.indexOf(cls) });
    }
  }
  return out;
}

/**
 * The rings of the union of `polygons`, made clockwise (exteriors) and counter-clockwise (holes), each cut by
 * the box |x| <= halfWidth + grow, |y| <= halfHeight + grow and line-merged where the cut split it.
 */
function unionContours(
  polygons: readonly InFrame<Geometry, 'lidar'>[],
  patch: MapPatch,
  grow: number,
): InFrame<Geometry, 'lidar'>[] {
  const union = unaryUnion(polygons);
  const maxX = patch.width / 2;
  const maxY = patch.height / 2;
  const clip = box<'lidar'>(-maxX - grow, -maxY - grow, maxX + grow, maxY + grow);
  const polys = parts(union).filter((g) => g.getGeometryType() === 'Polygon') as InFrame<Polygon, 'lidar'>[];
  const exteriors = polys.map((p) => p.getExteriorRing() as InFrame<Geometry, 'lidar'>);
  const interiors = polys.flatMap((p) => {
    const holes: InFrame<Geometry, 'lidar'>[] = [];
    for (let i = 0; i < p.getNumInteriorRing(); i++)
      holes.push(p.getInteriorRingN(i) as InFrame<Geometry, 'lidar'>);
    return holes;
  });
  const cut = (ring: InFrame<Geometry, 'lidar'>) => {
    const lines = intersection(ring, clip);
    return lines.getGeometryType() === 'MultiLineString' ? lineMerge(lines) : lines;
  };
  return [
    ...exteriors.map((r) => cut(isCounterClockwise(r) ? reversedRing(r) : r)),
    ...interiors.map((r) => cut(isCounterClockwise(r) ? r : reversedRing(r))),
  ];
}

/** MapTR's `VectorizedLocalMap.gen_vectorized_samples` for one patch: dividers, then ped crossings, then boundaries. */
export function mapTrGtVectorsInPatch(map: MapExpansion, patch: MapPatch): MapTrGtVector[] {
  const dividers = (['road_divider', 'lane_divider'] as const).flatMap((layer) =>
    lineLayerInPatch(map, layer, patch).flat(),
  );
  const peds = polygonLayerInPatch(map, 'ped_crossing', patch).flat();
  const roads = unaryUnion(polygonLayerInPatch(map, 'road_segment', patch).flat());
  const lanes = unaryUnion(polygonLayerInPatch(map, 'lane', patch).flat());
  return [
    ...vectorsOf(dividers, 'divider'),
    ...vectorsOf(unionContours(peds, patch, RING_CLIP_MARGIN_M), 'ped_crossing'),
    ...vectorsOf(unionContours([roads, lanes], patch, -RING_CLIP_MARGIN_M), 'boundary'),
  ];
}

/**
 * `ego2global @ lidar2ego` the way MapTR builds it: the product of the two float64 matrices. Composing the
 * quaternions instead (`RigidTransform.andThen`) lands an ulp away often enough to matter: at a lidar yaw of 90°
 * the patch angle came out 90.00000000000001, and 4 of 100 samples of a synthetic seed listed two ped crossings
 * in swapped order.
 */
export function mapTrLidarToGlobal(
  lidarToEgo: RigidTransform<'lidar', 'ego'>,
  egoToGlobal: RigidTransform<'ego', 'global'>,
): Mat4<'lidar', 'global'> {
  return mat4Chain(lidarToEgo.toMatrix(), egoToGlobal.toMatrix());
}

/**
 * MapTR's patch of `size` (MapTR's own by default; a scaled head's smaller one) around a lidar pose. Its
 * `vectormap_pipeline` passes the rotation on as a quaternion (`Quaternion(matrix=lidar2global)`) and
 * `gen_vectorized_samples` takes the yaw of that quaternion's matrix; the round trip moves the angle by an ulp or
 * so from the matrix's own, enough to change which vertices GEOS keeps where crossings meet at the patch edge.
 */
export function mapTrPatch(
  lidarToGlobal: Mat4<'lidar', 'global'>,
  size: MapTrPatchSize = MAPTR_PATCH_SIZE,
): MapPatch {
  const m = lidarToGlobal;
  const q = Quaternion.fromRotationMatrix([m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]]);
  const r = q.rotationMatrix();
  const yaw = atan2Rounded(r[3], r[0]);
  return { x: m[3], y: m[7], height: size.height, width: size.width, angleDeg: (yaw / Math.PI) * 180 };
}

/** MapTR GT vectors in the patch of `size` around a lidar pose (`ego2global · lidar2ego`), in the lidar frame. */
export function mapTrGtVectors(
  map: MapExpansion,
  lidarToGlobal: Mat4<'lidar', 'global'>,
  size: MapTrPatchSize = MAPTR_PATCH_SIZE,
): MapTrGtVector[] {
  return mapTrGtVectorsInPatch(map, mapTrPatch(lidarToGlobal, size));
}
