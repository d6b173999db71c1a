import { BEVFUSION_MAP_CLASSES } from 'nuscenes-eval-ts';
import { type Mat4, mat4 } from '../geometry/matrix.ts';
import type { RigidTransform } from '../geometry/rigid-transform.ts';
import type { MapExpansion } from './map-expansion.ts';
import {
  lidarPatch,
  lineLayerInPatch,
  type MapPatch,
  type PatchLineLayer,
  type PatchPolygonLayer,
  polygonLayerInPatch,
} from './map-patch.ts';
import {
  createRaster,
  drawOpenPolyline,
  fillPolygons,
  type PixelPoint,
  type Raster,
} from './opencv-raster.ts';
import { affine, box, type Geometry, type InFrame, intersection, type Polygon, parts } from './planar.ts';

/** BEVFusion's map-segmentation classes, in channel order: the metric package's, under the dataset's name. */
export const BEV_MAP_CLASSES = BEVFUSION_MAP_CLASSES;
export type BevMapClass = (typeof BEV_MAP_CLASSES)[number];

const CLASS_LAYERS: Record<BevMapClass, readonly (PatchPolygonLayer | PatchLineLayer)[]> = {
  drivable_area: ['drivable_area'],
  ped_crossing: ['ped_crossing'],
  walkway: ['walkway'],
  stop_line: ['stop_line'],
  carpark_area: ['carpark_area'],
  divider: ['road_divider', 'lane_divider'],
};

/** A square BEV grid in the lidar frame: [min, max) metres along x and y, cell size in metres. */
export interface BevGrid {
  readonly xBound: readonly [min: number, max: number, step: number];
  readonly yBound: readonly [min: number, max: number, step: number];
}

/** BEVFusion's grid: x and y in [−50, 50) at 0.5 m, 200 x 200 cells. */
export const BEVFUSION_GRID: BevGrid = { xBound: [-50, 50, 0.5], yBound: [-50, 50, 0.5] };

/** Binary masks `[class][i][j]` flattened, i indexing x and j indexing y (BEVFusion's `gt_masks_bev`). */
export interface BevMasks {
  readonly classes: readonly BevMapClass[];
  /** Cells along x (i). */
  readonly sizeX: number;
  /** Cells along y (j). */
  readonly sizeY: number;
  /** 0 or 1 at `(c * sizeX + i) * sizeY + j`. */
  readonly data: Uint8Array;
}

const isPolygonLayer = (l: PatchPolygonLayer | PatchLineLayer): l is PatchPolygonLayer =>
  l !== 'road_divider' && l !== 'lane_divider';

/** numpy `round` (ties to even), then int32. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The devkit's `map_geom_to_mask` for one layer: each record's geometry cut again by the local patch, moved so
 * the patch corner is the origin and scaled to pixels; polygons filled on rounded vertices (exteriors 1, then
 * holes 0), lines drawn 2 px thick on truncated vertices. The raster is [row = y][col = x].
 */
function layerRaster(
  records: readonly InFrame<Geometry, 'lidar'>[][],
  polygonal: boolean,
  patch: MapPatch,
  canvasH: number,
  canvasW: number,
): Raster {
  const img = createRaster(canvasW, canvasH);
  const local = box<'lidar'>(-patch.width / 2.0, -patch.height / 2.0, patch.width / 2.0, patch.height / 2.0);
  const sx = canvasW / patch.width;
  const sy = canvasH / patch.height;
  const toPixels = (g: InFrame<Geometry, 'lidar'>) => {
    const moved = affine<'lidar', 'lidar'>(g, 1.0, 0.0, patch.width / 2.0, 0.0, 1.0, patch.height / 2.0);
    return affine<'lidar', 'lidar'>(moved, sx, 0.0, 0.0, 0.0, sy, 0.0);
  };
  for (const record of records) {
    const pieces = record.flatMap((g) => parts(intersection(g, local))).filter((g) => !g.isEmpty());
    if (pieces.length === 0) continue;
    const pixels = pieces.map(toPixels);
    if (polygonal) {
      const polys = pixels.filter((g) => g.getGeometryType() === 'Polygon') as InFrame<Polygon, 'lidar'>[];
      const ring = (r: Geometry): PixelPoint[] =>
        r
          .getCoordinates()
          .map((c: { x: number; y: number }) => [roundHalfEven(c.x), roundHalfEven(c.y)] as const);
      fillPolygons(
        img,
        polys.map((p) => ring(p.getExteriorRing())),
        1,
      );
      const holes: PixelPoint[][] = [];
      for (const p of polys)
        for (let k = 0; k < p.getNumInteriorRing(); k++) holes.push(ring(p.getInteriorRingN(k)));
      fillPolygons(img, holes, 0);
    } else {
      for (const line of pixels.filter((g) => g.getDimension() === 1)) {
        const pts = line
          .getCoordinates()
          .map((c: { x: number; y: number }) => [Math.trunc(c.x), Math.trunc(c.y)] as const);
        drawOpenPolyline(img, pts, 1, 2);
      }
    }
  }
  return img;
}

/** BEV map masks for a patch in the lidar frame, as BEVFusion's `LoadBEVSegmentation` builds them. */
export function bevMasksInPatch(
  map: MapExpansion,
  patch: MapPatch,
  canvasH: number,
  canvasW: number,
): BevMasks {
  const rasters = new Map<string, Raster>();
  const rasterOf = (layer: PatchPolygonLayer | PatchLineLayer) => {
    let r = rasters.get(layer);
    if (!r) {
      r = isPolygonLayer(layer)
        ? layerRaster(polygonLayerInPatch(map, layer, patch), true, patch, canvasH, canvasW)
        : layerRaster(lineLayerInPatch(map, layer, patch), false, patch, canvasH, canvasW);
      rasters.set(layer, r);
    }
    return r;
  };
  // Transposed: BEVFusion's i runs along the raster's columns (x), j along its rows (y).
  const sizeX = canvasW;
  const sizeY = canvasH;
  const data = new Uint8Array(BEV_MAP_CLASSES.length * sizeX * sizeY);
  BEV_MAP_CLASSES.forEach((cls, c) => {
    for (const layer of CLASS_LAYERS[cls]) {
      const r = rasterOf(layer);
      for (let row = 0; row < sizeY; row++) {
        for (let col = 0; col < sizeX; col++) {
          if (r.data[row * sizeX + col]) data[(c * sizeX + col) * sizeY + row] = 1;
        }
      }
    }
  });
  return { classes: BEV_MAP_CLASSES, sizeX, sizeY, data };
}

/** BEVFusion's GT map masks around a lidar pose (`ego2global · lidar2ego`), without augmentation. */
export function bevSegmentationMasks(
  map: MapExpansion,
  lidarToGlobal: Mat4<'lidar', 'global'>,
  grid: BevGrid = BEVFUSION_GRID,
): BevMasks {
  const patchH = grid.yBound[1] - grid.yBound[0];
  const patchW = grid.xBound[1] - grid.xBound[0];
  const canvasH = Math.trunc(patchH / grid.yBound[2]);
  const canvasW = Math.trunc(patchW / grid.xBound[2]);
  return bevMasksInPatch(map, lidarPatch(lidarToGlobal, patchH, patchW), canvasH, canvasW);
}

/**
 * `ego2global · lidar2ego` the way BEVFusion builds it: both matrices stored as float32 and multiplied in
 * float32, each product and each partial sum rounded to float32 in turn, as a reference BLAS `sgemm` does. The
 * rounding moves the patch by up to ~1e-4 m at nuScenes map coordinates, enough to shift a truncated line vertex
 * by a pixel, so masks that must match BEVFusion's start from this pose. (OpenBLAS's FMA kernels round each
 * multiply-add once instead, which moved 60-171 divider pixels on 2 of the 15 toy poses: upstream's own masks
 * depend on the BLAS; see dataset/test/map/fixtures/README.md.)
 */
export function bevFusionLidarToGlobal(
  lidarToEgo: RigidTransform<'lidar', 'ego'>,
  egoToGlobal: RigidTransform<'ego', 'global'>,
): Mat4<'lidar', 'global'> {
  const a = Float32Array.from(egoToGlobal.toMatrix());
  const b = Float32Array.from(lidarToEgo.toMatrix());
  const out: number[] = [];
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s = Math.fround(s + Math.fround(a[4 * r + k] * b[4 * k + c]));
      out.push(s);
    }
  }
  return mat4<'lidar', 'global'>(out);
}
