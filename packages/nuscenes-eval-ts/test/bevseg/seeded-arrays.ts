/**
 * Deterministic BEV probabilities and masks from a counter hash (lowbias32), bit-identical to the
 * numpy generator that produced the expected values of bevfusion_mapseg_seeded.json with BEVFusion's
 * own evaluate_map. Storing a seed instead of arrays keeps a 440-sample split out of the repository.
 */

const THRESHOLDS = [0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65];

function lowbias32(v: number): number {
  let x = v >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

export function seededSample(
  seed: number,
  index: number,
  shape: readonly number[],
  dtype: 'float32' | 'float64',
): { probabilities: Float32Array | Float64Array; masks: Uint8Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  const perClass = n / shape[0];
  // Counters are taken mod 2^32, as the numpy twin does; `>>> 0` does that for integers below 2^53.
  const base = seed * 0x9e3779b1 + index * 2 * n;
  const values = new Float64Array(n);
  const masks = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const h1 = lowbias32(base + 2 * i);
    const h2 = lowbias32(base + 2 * i + 1);
    let p = (h1 >>> 8) * 2 ** -24;
    // The first class is mostly confident and positive, so its TP count passes 2^24 over a split.
    const first = i < perClass;
    if (first) p = 0.5 + p * 0.5;
    if (h2 % 61 === 0) {
      // Values exactly at a threshold: its float32 rounding, or for float64 arrays the decimal itself.
      const t = THRESHOLDS[h1 % 7];
      p = dtype === 'float32' ? Math.fround(t) : t;
    }
    if (dtype === 'float32') p = Math.fround(p);
    values[i] = p;
    const u = (h2 >>> 8) * 2 ** -24;
    masks[i] = (first ? u < 0.97 : u < Math.min(Math.max(p * 1.2 - 0.1, 0), 1)) ? 1 : 0;
  }
  return { probabilities: dtype === 'float32' ? Float32Array.from(values) : values, masks };
}
