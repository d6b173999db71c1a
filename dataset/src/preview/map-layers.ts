import type { Token } from '../map/expansion-types.ts';
import type { MapExpansion } from '../map/map-expansion.ts';

/** An axis-aligned box in the global frame, metres. */
export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** The map layers a preview draws, bottom to top. */
export const PREVIEW_POLYGON_LAYERS = [
  'drivable_area',
  'carpark_area',
  'walkway',
  'ped_crossing',
  'stop_line',
] as const;
export const PREVIEW_LINE_LAYERS = ['road_divider', 'lane_divider'] as const;
export type PreviewLayer = (typeof PREVIEW_POLYGON_LAYERS)[number] | (typeof PREVIEW_LINE_LAYERS)[number];

type Ring = [number, number][];

/** A GeoJSON feature in the map's own metres (drawn with an identity projection, so no degrees are implied). */
export interface LayerFeature {
  type: 'Feature';
  properties: { layer: PreviewLayer };
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'LineString'; coordinates: Ring };
}

function overlaps(ring: Ring, b: Bounds): boolean {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of ring)
    [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
  return minX <= b.maxX && maxX >= b.minX && minY <= b.maxY && maxY >= b.minY;
}

/** The map's drawn layers as GeoJSON, keeping the geometries that reach into `bounds`. */
export function mapLayerFeatures(map: MapExpansion, bounds: Bounds): LayerFeature[] {
  const ring = (nodes: readonly Token[]): Ring =>
    nodes.map((t) => {
      const n = map.get('node', t);
      return [n.x, n.y];
    });
  const features: LayerFeature[] = [];
  const addPolygon = (layer: PreviewLayer, polygonToken: Token) => {
    const rec = map.get('polygon', polygonToken);
    const exterior = ring(rec.exterior_node_tokens);
    if (exterior.length < 3 || !overlaps(exterior, bounds)) return;
    const holes = rec.holes.filter((h) => h.node_tokens.length >= 3).map((h) => ring(h.node_tokens));
    // GeoJSON rings are closed.
    const closed = [exterior, ...holes].map((r) => [...r, r[0]]);
    features.push({
      type: 'Feature',
      properties: { layer },
      geometry: { type: 'Polygon', coordinates: closed },
    });
  };
  for (const layer of PREVIEW_POLYGON_LAYERS) {
    if (layer === 'drivable_area') {
      for (const rec of map.records.drivable_area) for (const p of rec.polygon_tokens) addPolygon(layer, p);
    } else {
      for (const rec of map.records[layer]) addPolygon(layer, rec.polygon_token);
    }
  }
  for (const layer of PREVIEW_LINE_LAYERS) {
    for (const rec of map.records[layer]) {
      const line = ring(map.get('line', rec.line_token).node_tokens);
      if (line.length >= 2 && overlaps(line, bounds)) {
        features.push({
          type: 'Feature',
          properties: { layer },
          geometry: { type: 'LineString', coordinates: line },
        });
      }
    }
  }
  return features;
}
