import type { GroundRaster } from './ground.ts';
import * as ground from './ground.ts';
import type { Random } from './random.ts';
import * as rig from './rig.ts';
import type { SceneBoxes } from './scene-boxes.ts';
import * as sceneBoxes from './scene-boxes.ts';

// Bound once here because the per-ray loops read them millions of times: a scene worker loads this module through
// tsx's require hook, whose CommonJS exports are getters (see camera-render.ts).
const { GROUND_RESOLUTION, MATERIAL_LIDAR_INTENSITY } = ground;
const { BOX, BOX_STRIDE, slab } = sceneBoxes;
const {
  LIDAR_AZIMUTH_STEPS,
  LIDAR_BEAMS,
  LIDAR_BOTTOM_ELEVATION_DEG,
  LIDAR_MAX_RANGE,
  LIDAR_TOP_ELEVATION_DEG,
} = rig;

export interface LidarSweep {
  /** nuScenes .pcd.bin layout: x, y, z (LiDAR frame, metres), intensity (0..255), ring index; float32 x5. */
  points: Float32Array;
  /** Points per agent id that landed on the agent. */
  pointsPerAgent: Uint32Array;
}

/** A LiDAR placed in the world: LiDAR -> global rotation (row-major 3x3) and origin, metres. */
export interface PlacedLidar {
  rotation: ArrayLike<number>;
  position: readonly [number, number, number];
}

/**
 * One 360° sweep by ray casting against the ground plane and the world's boxes, from the LiDAR's pose at the
 * sweep's timestamp (motion during the 50 ms turn is ignored: nuScenes points are expressed in the LiDAR frame of
 * the sweep's timestamp too). Ranges get ±1 cm noise, as a real sensor's.
 */
export function scanLidar(
  lidar: PlacedLidar,
  boxes: SceneBoxes,
  ground: GroundRaster,
  agentCount: number,
  random: Random,
): LidarSweep {
  const R = lidar.rotation;
  const [ox, oy, oz] = lidar.position;
  const data = boxes.data;
  const bins = azimuthBins(boxes, lidar.position);
  const elevations = new Float64Array(LIDAR_BEAMS);
  for (let k = 0; k < LIDAR_BEAMS; k++) {
    const deg =
      LIDAR_TOP_ELEVATION_DEG -
      ((LIDAR_TOP_ELEVATION_DEG - LIDAR_BOTTOM_ELEVATION_DEG) * k) / (LIDAR_BEAMS - 1);
    elevations[k] = (deg * Math.PI) / 180;
  }
  const out = new Float32Array(LIDAR_AZIMUTH_STEPS * LIDAR_BEAMS * 5);
  const pointsPerAgent = new Uint32Array(agentCount);
  const face = new Uint8Array(1);
  let count = 0;
  for (let a = 0; a < LIDAR_AZIMUTH_STEPS; a++) {
    const azimuth = (2 * Math.PI * a) / LIDAR_AZIMUTH_STEPS;
    const ca = Math.cos(azimuth);
    const sa = Math.sin(azimuth);
    // Direction of this column at zero elevation, global frame, to find the candidate boxes.
    const gx = R[0] * ca + R[1] * sa;
    const gy = R[3] * ca + R[4] * sa;
    const worldAzimuth = Math.atan2(gy, gx);
    const bin = bins[binOf(worldAzimuth)];
    for (let k = 0; k < LIDAR_BEAMS; k++) {
      const ce = Math.cos(elevations[k]);
      const lx = ca * ce;
      const ly = sa * ce;
      const lz = Math.sin(elevations[k]);
      const dx = R[0] * lx + R[1] * ly + R[2] * lz;
      const dy = R[3] * lx + R[4] * ly + R[5] * lz;
      const dz = R[6] * lx + R[7] * ly + R[8] * lz;
      let best = dz < 0 ? -oz / dz : Infinity;
      let bestBox = -1;
      for (let j = 0; j < bin.boxes.length; j++) {
        // Boxes come nearest first: once one cannot be nearer than the best hit, none after it can.
        if (bin.nearest[j] >= best) break;
        const o = bin.boxes[j] * BOX_STRIDE;
        const c = data[o + BOX.cos];
        const s = data[o + BOX.sin];
        const ex = ox - data[o + BOX.cx];
        const ey = oy - data[o + BOX.cy];
        const t = slab(
          ex * c + ey * s,
          -ex * s + ey * c,
          oz - data[o + BOX.cz],
          dx * c + dy * s,
          -dx * s + dy * c,
          dz,
          data[o + BOX.hx],
          data[o + BOX.hy],
          data[o + BOX.hz],
          face,
        );
        if (t < best) {
          best = t;
          bestBox = bin.boxes[j];
        }
      }
      if (!(best <= LIDAR_MAX_RANGE) || best < 1) continue;
      const range = best + (random.next() - 0.5) * 0.02;
      let intensity: number;
      if (bestBox >= 0) {
        const o = bestBox * BOX_STRIDE;
        intensity = data[o + BOX.intensity];
        const owner = data[o + BOX.owner];
        if (owner >= 0) pointsPerAgent[owner]++;
      } else {
        const col = Math.floor((ox + best * dx) / GROUND_RESOLUTION);
        const row = Math.floor((oy + best * dy) / GROUND_RESOLUTION);
        const cells = ground.cells;
        const material =
          col >= 0 && row >= 0 && col < cells && row < cells ? ground.data[row * cells + col] : 0;
        intensity = MATERIAL_LIDAR_INTENSITY[material];
      }
      const q = count * 5;
      out[q] = range * lx;
      out[q + 1] = range * ly;
      out[q + 2] = range * lz;
      out[q + 3] = intensity;
      out[q + 4] = k;
      count++;
    }
  }
  return { points: out.slice(0, count * 5), pointsPerAgent };
}

const BIN_COUNT = 720;

function binOf(azimuth: number): number {
  const b = Math.floor(((azimuth + Math.PI) / (2 * Math.PI)) * BIN_COUNT);
  return b < 0 ? 0 : b >= BIN_COUNT ? BIN_COUNT - 1 : b;
}

interface AzimuthBin {
  /** Box indices whose angular extent (seen from the LiDAR) overlaps the bin, nearest first. */
  boxes: Int32Array;
  /** Per entry, a lower bound on the distance to the box, metres. */
  nearest: Float64Array;
}

/** Buckets the boxes within range by the global azimuths they span as seen from `origin`. */
function azimuthBins(boxes: SceneBoxes, origin: readonly [number, number, number]): AzimuthBin[] {
  const lists: number[][] = Array.from({ length: BIN_COUNT }, () => []);
  const near = new Float64Array(boxes.count);
  const data = boxes.data;
  for (let b = 0; b < boxes.count; b++) {
    const o = b * BOX_STRIDE;
    near[b] = Math.max(
      0,
      Math.hypot(data[o + BOX.cx] - origin[0], data[o + BOX.cy] - origin[1]) -
        Math.hypot(data[o + BOX.hx], data[o + BOX.hy]),
    );
  }
  // Boxes visited nearest first (ties by index) land in every bin in that order: no bin needs sorting. Sorting
  // each of the 720 bins took more of a sweep than its rays once a town had trees.
  const order = Int32Array.from({ length: boxes.count }, (_, b) => b).sort(
    (a, b) => near[a] - near[b] || a - b,
  );
  const last = new Int32Array(BIN_COUNT).fill(-1);
  for (const b of order) {
    if (near[b] > LIDAR_MAX_RANGE) continue;
    const o = b * BOX_STRIDE;
    const dx = data[o + BOX.cx] - origin[0];
    const dy = data[o + BOX.cy] - origin[1];
    const dist = Math.hypot(dx, dy);
    const radius = Math.hypot(data[o + BOX.hx], data[o + BOX.hy]);
    const centre = Math.atan2(dy, dx);
    const half = dist <= radius ? Math.PI : Math.asin(radius / dist);
    const span = Math.min(BIN_COUNT, Math.ceil((half / Math.PI) * BIN_COUNT) + 2);
    const first = binOf(centre) - Math.floor(span / 2) - 1;
    for (let k = 0; k <= span + 1; k++) {
      const bin = (((first + k) % BIN_COUNT) + BIN_COUNT) % BIN_COUNT;
      // A box as wide as the circle wraps round onto bins it is already in.
      if (last[bin] === b) continue;
      last[bin] = b;
      lists[bin].push(b);
    }
  }
  return lists.map((list) => ({
    boxes: Int32Array.from(list),
    nearest: Float64Array.from(list, (b) => near[b]),
  }));
}
