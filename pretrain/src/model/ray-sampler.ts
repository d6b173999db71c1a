import type { SeededRandom } from '@mim4d/nn';
import type { RayBatch } from './rays.ts';

/** Stratified samples: S equal bins in [near, far] per ray, one jitter per ray. Returns [R * S] distances. */
export function stratifiedSamples(rays: RayBatch, count: number, rng: SeededRandom): Float32Array {
  const t = new Float32Array(rays.count * count);
  for (let r = 0; r < rays.count; r++) {
    const jitter = rng.next();
    const step = (rays.far[r] - rays.near[r]) / count;
    for (let i = 0; i < count; i++) t[r * count + i] = rays.near[r] + (i + jitter) * step;
  }
  return t;
}

/**
 * NeuS up-sampling: alphas from SDF values at the current samples with a fixed inv_s and the clamped min-cos
 * rule, then `extra` deterministic inverse-CDF samples from the resulting weights. Returns the merged, sorted
 * [R * (S + extra)] distances.
 */
export function upsample(
  rays: RayBatch,
  t: Float32Array,
  sdf: Float32Array,
  perRay: number,
  extra: number,
  invS: number,
): Float32Array {
  const total = perRay + extra;
  const out = new Float32Array(rays.count * total);
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  const weights = new Float64Array(perRay - 1);
  // Merged in a typed array sorted numerically, not a plain array through a comparator (a quarter less time for a
  // whole call); depths are positive and finite, so the order is the comparator's (no NaN, no -0).
  const merged = new Float64Array(total);
  for (let r = 0; r < rays.count; r++) {
    const o = r * perRay;
    let transmittance = 1;
    let prevCos = 0;
    for (let i = 0; i < perRay - 1; i++) {
      const s0 = sdf[o + i];
      const s1 = sdf[o + i + 1];
      const dist = t[o + i + 1] - t[o + i];
      const mid = (s0 + s1) / 2;
      let cos = (s1 - s0) / (dist + 1e-5);
      const used = Math.min(Math.max(Math.min(cos, prevCos), -1e3), 0);
      prevCos = cos;
      cos = used;
      const prevCdf = sigmoid((mid - (cos * dist) / 2) * invS);
      const nextCdf = sigmoid((mid + (cos * dist) / 2) * invS);
      const alpha = (prevCdf - nextCdf + 1e-5) / (prevCdf + 1e-5);
      weights[i] = alpha * transmittance + 1e-5;
      transmittance *= 1 - alpha + 1e-7;
    }
    merged.set(t.subarray(o, o + perRay));
    let sum = 0;
    for (const w of weights) sum += w;
    // Inverse CDF over the intervals [t_i, t_i+1] at evenly spaced quantiles.
    let cdf = 0;
    let i = 0;
    for (let j = 0; j < extra; j++) {
      const u = extra === 1 ? 0.5 : j / (extra - 1);
      while (i < perRay - 2 && cdf + weights[i] / sum < u) {
        cdf += weights[i] / sum;
        i++;
      }
      const w = weights[i] / sum;
      const frac = w > 0 ? Math.min(Math.max((u - cdf) / w, 0), 1) : 0;
      merged[perRay + j] = t[o + i] + frac * (t[o + i + 1] - t[o + i]);
    }
    merged.sort();
    out.set(merged, r * total);
  }
  return out;
}
