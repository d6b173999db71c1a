/**
 * A picture per scene to see what a dataroot holds: its map layers from above around the ego's route, the route
 * itself (start marked) and, in the title, how far and how much the ego turned.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type VegaLiteSpec, vegaLitePng } from '@mim4d/plots';
import { MapExpansion } from '../map/map-expansion.ts';
import { NuScenes } from '../nuscenes/database.ts';
import { routeLengthM, type SceneRoute, sceneRoutes, yawChange } from './ego-route.ts';
import { type Bounds, mapLayerFeatures, PREVIEW_LINE_LAYERS, PREVIEW_POLYGON_LAYERS } from './map-layers.ts';

/** Map shown around the route, metres. */
const MARGIN_M = 40;
const SIZE_PX = 520;

const LAYER_COLOURS: Record<
  (typeof PREVIEW_POLYGON_LAYERS)[number] | (typeof PREVIEW_LINE_LAYERS)[number],
  string
> = {
  drivable_area: '#d9d9d9',
  carpark_area: '#b7d3ea',
  walkway: '#e8d3a9',
  ped_crossing: '#f4a259',
  stop_line: '#d62728',
  road_divider: '#f2c200',
  lane_divider: '#8c8c8c',
};

function routeBounds(route: SceneRoute): Bounds {
  const xs = route.poses.map((p) => p.x);
  const ys = route.poses.map((p) => p.y);
  const [cx, cy] = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  // Square, so the identity projection fits the same metres per pixel on both axes.
  const half = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) / 2 + MARGIN_M;
  return { minX: cx - half, minY: cy - half, maxX: cx + half, maxY: cy + half };
}

/** Lines of at most `width` characters, broken between words; none for an empty text. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** The scene's picture: the map's layers within the route's box, the route and its start, its description. */
export function scenePreviewSpec(route: SceneRoute, map: MapExpansion): VegaLiteSpec {
  const b = routeBounds(route);
  const features = mapLayerFeatures(map, b);
  const turn = yawChange(route.poses);
  const frame = {
    type: 'Feature',
    properties: {},
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [b.minX, b.minY],
          [b.maxX, b.minY],
          [b.maxX, b.maxY],
          [b.minX, b.maxY],
          [b.minX, b.minY],
        ],
      ],
    },
  };
  const polygonLayers = PREVIEW_POLYGON_LAYERS as readonly string[];
  const line = (coordinates: [number, number][]) => ({
    type: 'Feature',
    properties: {},
    geometry: { type: 'LineString', coordinates },
  });
  const [first] = route.poses;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${route.name} (${route.location})`,
      subtitle: [
        `ego drove ${routeLengthM(route.poses).toFixed(0)} m in ${route.poses.at(-1)?.timeS.toFixed(1) ?? 0} s; heading change ${turn.netDeg.toFixed(0)} deg net, ${turn.totalDeg.toFixed(0)} deg turned in all; ${(b.maxX - b.minX).toFixed(0)} m across`,
        // The conditions and scenery the map cannot show (light, traffic, buildings, trees), wrapped to the width.
        ...wrapWords(route.description, 95),
      ],
    },
    width: SIZE_PX,
    height: SIZE_PX,
    // Fitted to the route's box, not to whatever map the layers bring around it.
    projection: { type: 'identity', reflectY: true, fit: frame },
    layer: [
      { data: { values: [frame] }, mark: { type: 'geoshape', fill: '#f7f7f7', stroke: '#999999' } },
      {
        data: { values: features.filter((f) => polygonLayers.includes(f.properties.layer)) },
        mark: { type: 'geoshape', clip: true, strokeWidth: 0.3, stroke: '#ffffff' },
        encoding: {
          color: {
            field: 'properties.layer',
            type: 'nominal',
            title: 'map layer',
            legend: { orient: 'bottom', columns: 4 },
            scale: {
              domain: [...PREVIEW_POLYGON_LAYERS, ...PREVIEW_LINE_LAYERS, 'ego route'],
              range: [...PREVIEW_POLYGON_LAYERS, ...PREVIEW_LINE_LAYERS]
                .map((l) => LAYER_COLOURS[l])
                .concat('#1f3a93'),
            },
          },
        },
      },
      {
        data: { values: features.filter((f) => !polygonLayers.includes(f.properties.layer)) },
        mark: { type: 'geoshape', filled: false, clip: true, strokeWidth: 1.2 },
        // The polygons' colour scale, whose legend lists the lines too.
        encoding: { color: { field: 'properties.layer', type: 'nominal' } },
      },
      {
        data: { values: [line(route.poses.map((p) => [p.x, p.y]))] },
        mark: { type: 'geoshape', filled: false, stroke: '#1f3a93', strokeWidth: 3 },
      },
      ...(first
        ? [
            {
              data: { values: [{ x: first.x, y: first.y, label: 'start' }] },
              mark: { type: 'circle', color: '#1f3a93', size: 90 },
              encoding: {
                longitude: { field: 'x', type: 'quantitative' },
                latitude: { field: 'y', type: 'quantitative' },
              },
            },
          ]
        : []),
    ],
  } as VegaLiteSpec;
}

/** Writes `<outDir>/<scene name>.png` for every scene of the dataroot's version; returns the paths. */
export async function writeScenePreviews(
  dataroot: string,
  version: string,
  outDir: string,
): Promise<string[]> {
  const nusc = await NuScenes.open(dataroot, version);
  const maps = new Map<string, MapExpansion>();
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const route of sceneRoutes(nusc)) {
    if (route.poses.length === 0) continue;
    let map = maps.get(route.location);
    if (map === undefined) {
      map = await MapExpansion.load(dataroot, route.location);
      maps.set(route.location, map);
    }
    const path = join(outDir, `${route.name}.png`);
    await writeFile(path, await vegaLitePng(scenePreviewSpec(route, map)));
    paths.push(path);
  }
  return paths;
}
