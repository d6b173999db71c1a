import * as tf from '@tensorflow/tfjs-core';

/**
 * Weighted row gathers, the interpolation step of grid sampling, as three kernels that are each other's gradients:
 *
 *   gather  (table [R, C], indices [K, N], weights [K, N]) -> [N, C]: out[n] = sum_k weights[k, n] table[indices[k, n]]
 *   scatter (rows [N, C],  indices [K, N], weights [K, N]) -> [R, C]: out[indices[k, n]] += weights[k, n] rows[n]
 *   rowDot  (table [R, C], indices [K, N], rows [N, C])    -> [K, N]: out[k, n] = table[indices[k, n]] . rows[n]
 *
 * The unfused graph (gather [K * N, C], multiply, sum over K) holds K copies of the sampled rows in every pass, and
 * the SDF normals' double backward runs it forward, backward and backward again; these touch each sampled row once.
 * Sums run in float32 in the order the unfused graph's kernels add (k, then n, then the channel), so forward
 * values and first-order gradients are the unfused graph's bit for bit. Backends without the kernels (only wasm
 * has them) keep the unfused graph: `hasWeightedGather`.
 */
export const WEIGHTED_GATHER = 'Mim4dWeightedGather';
export const WEIGHTED_SCATTER = 'Mim4dWeightedScatter';
export const WEIGHTED_ROW_DOT = 'Mim4dWeightedRowDot';

export interface WeightedScatterAttrs {
  /** R, the rows of the output table. */
  rows: number;
}

export function hasWeightedGather(): boolean {
  const backend = tf.getBackend();
  return [WEIGHTED_GATHER, WEIGHTED_SCATTER, WEIGHTED_ROW_DOT].every(
    (name) => tf.getKernel(name, backend) !== undefined,
  );
}

function run(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs) as tf.Tensor;
}

export function weightedGather(table: tf.Tensor2D, indices: tf.Tensor2D, weights: tf.Tensor2D): tf.Tensor2D {
  return run(WEIGHTED_GATHER, { table, indices, weights }) as tf.Tensor2D;
}

export function weightedScatter(
  rows: tf.Tensor2D,
  indices: tf.Tensor2D,
  weights: tf.Tensor2D,
  tableRows: number,
): tf.Tensor2D {
  return run(WEIGHTED_SCATTER, { rows, indices, weights }, { rows: tableRows }) as tf.Tensor2D;
}

export function weightedRowDot(table: tf.Tensor2D, indices: tf.Tensor2D, rows: tf.Tensor2D): tf.Tensor2D {
  return run(WEIGHTED_ROW_DOT, { table, indices, rows }) as tf.Tensor2D;
}

/** Each kernel's gradient is built from the three kernels, so gradients of gradients (SDF normals) work too. */
export function registerWeightedGatherGradients(): void {
  if (tf.getGradient(WEIGHTED_GATHER) !== undefined) return;
  tf.registerGradient({
    kernelName: WEIGHTED_GATHER,
    inputsToSave: ['table', 'indices', 'weights'],
    gradFunc: (dy, saved) => {
      const [table, indices, weights] = saved as tf.Tensor2D[];
      const d = dy as tf.Tensor2D;
      return {
        table: () => weightedScatter(d, indices, weights, table.shape[0]),
        indices: () => tf.zerosLike(indices),
        weights: () => weightedRowDot(table, indices, d),
      };
    },
  });
  tf.registerGradient({
    kernelName: WEIGHTED_SCATTER,
    inputsToSave: ['rows', 'indices', 'weights'],
    gradFunc: (dy, saved) => {
      const [rows, indices, weights] = saved as tf.Tensor2D[];
      const d = dy as tf.Tensor2D;
      return {
        rows: () => weightedGather(d, indices, weights),
        indices: () => tf.zerosLike(indices),
        weights: () => weightedRowDot(d, indices, rows),
      };
    },
  });
  tf.registerGradient({
    kernelName: WEIGHTED_ROW_DOT,
    inputsToSave: ['table', 'indices', 'rows'],
    gradFunc: (dy, saved) => {
      const [table, indices, rows] = saved as tf.Tensor2D[];
      const d = dy as tf.Tensor2D;
      return {
        table: () => weightedScatter(rows, indices, d, table.shape[0]),
        indices: () => tf.zerosLike(indices),
        rows: () => weightedGather(table, indices, d),
      };
    },
  });
}
