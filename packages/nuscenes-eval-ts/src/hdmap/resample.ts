import type { LidarPolylineM } from './data-classes.ts';

/**
 * Resamples a polyline to `n` points evenly spaced along its length, as MapTR does with
 * `np.linspace(0, line.length, n)` and shapely's `interpolate` (GEOS LengthIndexedLine), eval-protocols.md B4.
 * The arithmetic is kept in the reference's order so that every point is bit-identical.
 */
export function resamplePolyline(line: LidarPolylineM, n: number): LidarPolylineM {
  const numPts = line.length / 2;
  if (numPts < 2) throw new Error(`cannot resample a polyline of ${numPts} point(s): it needs at least 2`);
  const segLen = new Float64Array(numPts - 1);
  let length = 0;
  for (let s = 0; s < numPts - 1; s++) {
    const dx = line[2 * s + 2] - line[2 * s];
    const dy = line[2 * s + 3] - line[2 * s + 1];
    segLen[s] = Math.sqrt(dx * dx + dy * dy);
    length += segLen[s];
  }
  const out = new Float64Array(2 * n) as LidarPolylineM;
  const step = length / (n - 1);
  // GEOS walks from the first segment for every distance; the distances only grow, so resuming from the
  // segment found last visits the same segments with the same running totals and lands where GEOS does.
  let seg = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = i === n - 1 ? length : i * step;
    const at = 2 * i;
    if (d <= 0) {
      out[at] = line[0];
      out[at + 1] = line[1];
      continue;
    }
    while (seg < numPts - 1 && !(total + segLen[seg] > d)) {
      total += segLen[seg];
      seg++;
    }
    if (seg === numPts - 1) {
      out[at] = line[line.length - 2];
      out[at + 1] = line[line.length - 1];
      continue;
    }
    const frac = (d - total) / segLen[seg];
    const x0 = line[2 * seg];
    const y0 = line[2 * seg + 1];
    const x1 = line[2 * seg + 2];
    const y1 = line[2 * seg + 3];
    if (frac <= 0) {
      out[at] = x0;
      out[at + 1] = y0;
    } else if (frac >= 1) {
      out[at] = x1;
      out[at + 1] = y1;
    } else {
      out[at] = (x1 - x0) * frac + x0;
      out[at + 1] = (y1 - y0) * frac + y0;
    }
  }
  return out;
}
