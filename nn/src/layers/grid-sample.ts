import * as tf from '@tensorflow/tfjs-core';
import { hasWeightedGather, weightedGather } from '../runtime/weighted-gather.ts';

/**
 * Interpolated lookups in channels-last grids stored flat as [cells, C] tables, with grid_sample's
 * align_corners=True convention (coordinate 0 is the first cell centre, size-1 the last) and zeros padding:
 * a corner outside the grid contributes nothing.
 *
 * Corner indices are integers and carry no gradient; they are computed from the coordinates' values on the host.
 * The interpolation weights are built with tensor ops from the coordinates, so gradients reach both the table
 * (through gather) and the coordinates (deformable-attention offsets, SDF normals).
 */

/** Grid size per axis, fastest axis first: [width, height] or [width, height, depth]. */
export type GridDims = readonly number[];

interface Corners {
  /** Floor of each coordinate, per axis, as host values. */
  floors: Float32Array[];
  /** For each corner (bit a of the corner number = +1 on axis a): flat cell index (0 when invalid) and validity. */
  index: Int32Array[];
  valid: Float32Array[];
}

function corners(coords: Float32Array[], dims: GridDims, planeOffset: Int32Array | null): Corners {
  const n = coords[0].length;
  const axes = dims.length;
  const strides: number[] = [];
  let size = 1;
  for (const d of dims) {
    strides.push(size);
    size *= d;
  }
  // Per point once: the floors, the lower corner's flat index and, per axis, which of its two cells lie inside
  // (bit 2a: the floor, bit 2a + 1: the floor + 1). A corner then is that index plus its fixed stride offset, valid
  // when the cells it takes are all inside: one pass over the axes instead of one per corner.
  const floors = coords.map(() => new Float32Array(n));
  const base = new Int32Array(n);
  const inside = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let flat = planeOffset === null ? 0 : planeOffset[i] * size;
    let bits = 0;
    for (let a = 0; a < axes; a++) {
      const f = Math.floor(coords[a][i]);
      floors[a][i] = f;
      flat += f * strides[a];
      if (f >= 0 && f < dims[a]) bits |= 1 << (2 * a);
      if (f + 1 >= 0 && f + 1 < dims[a]) bits |= 2 << (2 * a);
    }
    base[i] = flat;
    inside[i] = bits;
  }
  const index: Int32Array[] = [];
  const valid: Float32Array[] = [];
  for (let corner = 0; corner < 1 << axes; corner++) {
    let offset = 0;
    let needs = 0;
    for (let a = 0; a < axes; a++) {
      const up = (corner >> a) & 1;
      offset += up * strides[a];
      needs |= (1 + up) << (2 * a);
    }
    const idx = new Int32Array(n);
    const ok = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if ((inside[i] & needs) === needs) {
        idx[i] = base[i] + offset;
        ok[i] = 1;
      }
    }
    index.push(idx);
    valid.push(ok);
  }
  return { floors, index, valid };
}

/**
 * Samples `table` ([planes * prod(dims), C]) at `coords` (one [N] tensor per axis, fastest axis first, in cell
 * units). `plane` (optional, [N]) selects which stacked grid each point reads, e.g. the attention head or frame.
 */
export function gridSample(
  table: tf.Tensor2D,
  dims: GridDims,
  coords: tf.Tensor1D[],
  plane: Int32Array | null = null,
): tf.Tensor2D {
  if (coords.length !== dims.length) {
    throw new Error(`gridSample: ${coords.length} coordinate axes for a ${dims.length}-D grid`);
  }
  const host = coords.map((c) => c.dataSync() as Float32Array);
  const { floors, index, valid } = corners(host, dims, plane);
  return tf.tidy(() => {
    const frac = coords.map((c, a) => tf.sub(c, tf.tensor1d(floors[a])));
    const n = host[0].length;
    const weights: tf.Tensor1D[] = [];
    for (let corner = 0; corner < index.length; corner++) {
      let w: tf.Tensor1D = tf.tensor1d(valid[corner]);
      for (let a = 0; a < dims.length; a++) {
        w = tf.mul(w, ((corner >> a) & 1) === 1 ? frac[a] : tf.sub(1, frac[a]));
      }
      weights.push(w);
    }
    if (hasWeightedGather()) {
      return weightedGather(
        table,
        tf.tensor2d(concatInt(index), [index.length, n], 'int32'),
        tf.stack(weights) as tf.Tensor2D,
      );
    }
    return unfusedWeightedGather(table, index, weights);
  });
}

/** `weightedGather` as tfjs ops, for backends without the fused kernels (and as the reference tests hold it to). */
export function unfusedWeightedGather(
  table: tf.Tensor2D,
  index: Int32Array[],
  weights: tf.Tensor1D[],
): tf.Tensor2D {
  return tf.tidy(() => {
    const gathered = tf.reshape(tf.gather(table, tf.tensor1d(concatInt(index), 'int32')), [
      index.length,
      index[0].length,
      table.shape[1],
    ]);
    const w = tf.expandDims(tf.stack(weights), 2);
    return tf.sum(tf.mul(gathered, w), 0) as tf.Tensor2D;
  });
}

function concatInt(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A fixed interpolation (coordinates known ahead and not learned, e.g. camera projections or ego-motion warps),
 * stored as K (index, weight) pairs per output row. Applying it is one gather and a weighted sum.
 */
export interface FixedSampler {
  rows: number;
  /** Pairs per row. */
  k: number;
  /** [rows * k] flat table indices. */
  index: Int32Array;
  /** [rows * k] weights (0 for corners outside the grid). */
  weight: Float32Array;
}

/** Builds a fixed sampler from host coordinates (fastest axis first, cell units); zeros padding. */
export function fixedGridSampler(
  coords: Float32Array[],
  dims: GridDims,
  plane: Int32Array | null = null,
): FixedSampler {
  const { floors, index, valid } = corners(coords, dims, plane);
  const rows = coords[0].length;
  const k = index.length;
  const outIndex = new Int32Array(rows * k);
  const outWeight = new Float32Array(rows * k);
  for (let i = 0; i < rows; i++) {
    for (let corner = 0; corner < k; corner++) {
      let w = valid[corner][i];
      for (let a = 0; a < dims.length && w !== 0; a++) {
        const f = coords[a][i] - floors[a][i];
        w *= ((corner >> a) & 1) === 1 ? f : 1 - f;
      }
      outIndex[i * k + corner] = index[corner][i];
      outWeight[i * k + corner] = w;
    }
  }
  return { rows, k, index: outIndex, weight: outWeight };
}

/** Applies a fixed sampler to a [cells, C] table: [rows, C]. */
export function applyFixedSampler(table: tf.Tensor2D, sampler: FixedSampler): tf.Tensor2D {
  return tf.tidy(() => {
    const g = tf.reshape(tf.gather(table, tf.tensor1d(sampler.index, 'int32')), [
      sampler.rows,
      sampler.k,
      table.shape[1],
    ]);
    const w = tf.tensor3d(sampler.weight, [sampler.rows, sampler.k, 1]);
    return tf.sum(tf.mul(g, w), 1) as tf.Tensor2D;
  });
}
