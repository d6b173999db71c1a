import { MAPTR_CLASSES, type MapTrGtVector } from '@mim4d/dataset';
import type { SeededRandom } from '@mim4d/nn';
import { lidarPolyline, resamplePolyline } from 'nuscenes-eval-ts';
import type { HdMapConfig } from '../config.ts';

/**
 * One GT instance's permutation-equivalent point orders (MapTR's `shift_fixed_num_sampled_points_v2`, heads.md
 * 3.1): an open polyline gives {forward, reversed}; a closed ring (first vertex = last) one orientation starting at
 * each original vertex, in np.roll order. Each order is resampled to `points` points equally spaced by length and
 * clamped to the patch. Coordinates are lidar metres, [order][point·2 + axis].
 */
export interface GtInstance {
  label: number;
  orders: Float64Array[];
}

/** The patch half-extents the points are clamped to: |x| <= halfX, |y| <= halfY. */
export interface PatchHalf {
  halfX: number;
  halfY: number;
}

export function patchHalf(head: HdMapConfig['head']): PatchHalf {
  return { halfX: head.xBound[1], halfY: head.yBound[1] };
}

export function gtInstance(vector: MapTrGtVector, points: number, patch: PatchHalf): GtInstance {
  const label = MAPTR_CLASSES.indexOf(vector.cls_name);
  if (label < 0) throw new Error(`MapTR GT: unknown class ${JSON.stringify(vector.cls_name)}`);
  const pts = vector.pts;
  if (pts.length < 2)
    throw new Error(`MapTR GT: a ${vector.cls_name} with ${pts.length} vertex cannot be resampled`);
  const resampled = (coords: [number, number][]) => {
    const out = resamplePolyline(lidarPolyline(Float64Array.from(coords.flat())), points);
    for (let i = 0; i < points; i++) {
      out[2 * i] = Math.min(Math.max(out[2 * i], -patch.halfX), patch.halfX);
      out[2 * i + 1] = Math.min(Math.max(out[2 * i + 1], -patch.halfY), patch.halfY);
    }
    return Float64Array.from(out);
  };
  const [first, last] = [pts[0], pts[pts.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    const forward = resampled(pts);
    const reversed = new Float64Array(2 * points);
    for (let i = 0; i < points; i++) {
      reversed[2 * i] = forward[2 * (points - 1 - i)];
      reversed[2 * i + 1] = forward[2 * (points - 1 - i) + 1];
    }
    return { label, orders: [forward, reversed] };
  }
  const ring = pts.slice(0, -1);
  const n = ring.length;
  // np.roll(ring, k)[i] = ring[(i - k) mod n]: shift k starts at vertex (n - k) mod n.
  const orders = Array.from({ length: n }, (_, k) => {
    const rolled = Array.from({ length: n }, (_, i) => ring[(((i - k) % n) + n) % n]);
    return resampled([...rolled, rolled[0]]);
  });
  return { label, orders };
}

/**
 * One step's targets: each instance's orders, at most `maxOrders` of them (MapTR draws the subset with an unseeded
 * `np.random.choice`, bug T1; here the run's generator draws it), normalised to the patch: u = (x - xmin) / width,
 * v = (y - ymin) / height. `pts` is [G, maxOrders, P, 2] with unused orders NaN (MapTR pads with -10000; these
 * never enter the order minimum, `orderCounts` says how many are real).
 */
export interface MapTrTargets {
  count: number;
  labels: Int32Array;
  orderCounts: Int32Array;
  maxOrders: number;
  points: number;
  pts: Float32Array;
}

export function drawTargets(
  instances: readonly GtInstance[],
  head: HdMapConfig['head'],
  rng: SeededRandom,
): MapTrTargets {
  const P = head.points;
  const maxOrders = P - 1;
  const G = instances.length;
  const pts = new Float32Array(G * maxOrders * P * 2).fill(Number.NaN);
  const labels = new Int32Array(G);
  const orderCounts = new Int32Array(G);
  const [xmin, ymin] = [head.xBound[0], head.yBound[0]];
  const width = head.xBound[1] - xmin;
  const height = head.yBound[1] - ymin;
  instances.forEach((instance, g) => {
    labels[g] = instance.label;
    let chosen = instance.orders;
    if (chosen.length > maxOrders) {
      const permutation = rng.permutation(chosen.length);
      chosen = Array.from(permutation.subarray(0, maxOrders), (k) => instance.orders[k]);
    }
    orderCounts[g] = chosen.length;
    chosen.forEach((order, o) => {
      const at = (g * maxOrders + o) * P * 2;
      for (let i = 0; i < P; i++) {
        pts[at + 2 * i] = (order[2 * i] - xmin) / width;
        pts[at + 2 * i + 1] = (order[2 * i + 1] - ymin) / height;
      }
    });
  });
  return { count: G, labels, orderCounts, maxOrders, points: P, pts };
}
