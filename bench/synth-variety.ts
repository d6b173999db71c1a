/**
 * How much variety a dataroot's drives and maps have (issue 17's measurements): per scene, the distance driven
 * and the ego's heading change (net and summed), with their distribution over the scenes; and over every key
 * frame's MapTR GT vectors (dividers, ped crossings, boundaries in the 30 m x 60 m patch), the fraction that are
 * curved. A vector counts as curved when its gentle bends (turns under 30 degrees at a vertex; corners of
 * junctions and crossings turn more) add up to over 10 degrees: straight roads give 0, an arc of a 60 m radius
 * over 20 m about 19 degrees.
 *
 *   npx tsx bench/synth-variety.ts --dataroot /tmp/synth --version v1.0-mini
 */
import {
  lidarFrame,
  MAPTR_CLASSES,
  MapExpansion,
  mapTrGtVectors,
  mapTrLidarToGlobal,
  NuScenes,
  routeLengthM,
  sceneRoutes,
  yawChange,
} from '../dataset/src/index.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const dataroot = arg('--dataroot', '');
const version = arg('--version', 'v1.0-mini');
if (!dataroot) throw new Error('give --dataroot DIR (and --version, default v1.0-mini)');

const GENTLE_TURN_DEG = 30;
const CURVED_TOTAL_DEG = 10;

/** Sum of the gentle turns along a polyline, degrees. */
function gentleTurningDeg(pts: readonly (readonly [number, number])[]): number {
  let total = 0;
  for (let i = 1; i + 1 < pts.length; i++) {
    const [ax, ay] = [pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]];
    const [bx, by] = [pts[i + 1][0] - pts[i][0], pts[i + 1][1] - pts[i][1]];
    if (Math.hypot(ax, ay) < 1e-9 || Math.hypot(bx, by) < 1e-9) continue;
    const turn = Math.abs(Math.atan2(ax * by - ay * bx, ax * bx + ay * by)) * (180 / Math.PI);
    if (turn < GENTLE_TURN_DEG) total += turn;
  }
  return total;
}

function quantiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return `min ${q(0).toFixed(0)}, median ${q(0.5).toFixed(0)}, 90th percentile ${q(0.9).toFixed(0)}, max ${sorted.at(-1)?.toFixed(0)}`;
}

const nusc = await NuScenes.open(dataroot, version);
const routes = sceneRoutes(nusc);
console.log(
  `dataroot ${dataroot} (${version}): ${routes.length} scenes, ${nusc.tables.sample.length} key frames`,
);
console.log('scene        location                  driven   net heading   turned in all');
for (const route of routes) {
  const turn = yawChange(route.poses);
  console.log(
    `${route.name.padEnd(12)} ${route.location.padEnd(25)} ${routeLengthM(route.poses).toFixed(0).padStart(5)} m   ${turn.netDeg.toFixed(0).padStart(6)} deg   ${turn.totalDeg.toFixed(0).padStart(8)} deg`,
  );
}
const turns = routes.map((r) => yawChange(r.poses));
console.log(`|net heading change| per scene, deg: ${quantiles(turns.map((t) => Math.abs(t.netDeg)))}`);
console.log(`heading turned in all per scene, deg: ${quantiles(turns.map((t) => t.totalDeg))}`);
console.log(
  `scenes turning over 30 deg net: ${turns.filter((t) => Math.abs(t.netDeg) > 30).length} of ${turns.length}`,
);

const maps = new Map<string, MapExpansion>();
const counts = MAPTR_CLASSES.map(() => ({ all: 0, curved: 0 }));
for (const sample of nusc.tables.sample) {
  const location = nusc.get('log', nusc.get('scene', sample.scene_token).log_token).location;
  let map = maps.get(location);
  if (!map) {
    map = await MapExpansion.load(dataroot, location);
    maps.set(location, map);
  }
  const lidar = lidarFrame(nusc, sample.token);
  for (const v of mapTrGtVectors(map, mapTrLidarToGlobal(lidar.sensorToEgo, lidar.egoToGlobal))) {
    counts[v.type].all++;
    if (gentleTurningDeg(v.pts) > CURVED_TOTAL_DEG) counts[v.type].curved++;
  }
}
const all = counts.reduce((s, c) => s + c.all, 0);
const curved = counts.reduce((s, c) => s + c.curved, 0);
console.log(
  `curved MapTR GT vectors: ${curved} of ${all} (${((100 * curved) / Math.max(all, 1)).toFixed(1)} %); ` +
    MAPTR_CLASSES.map((name, i) => `${name} ${counts[i].curved}/${counts[i].all}`).join(', '),
);
