import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  WEIGHTED_GATHER,
  WEIGHTED_ROW_DOT,
  WEIGHTED_SCATTER,
  type WeightedScatterAttrs,
} from '../../runtime/weighted-gather.ts';

const f32 = Math.fround;

/** Checks shapes and dtypes (naming the kernel and input) and that every index is a row of the table. */
function check(
  kernel: string,
  table: { name: string; info: TensorInfo } | { name: string; rows: number; cols: number },
  indices: TensorInfo,
  perPoint: { name: string; info: TensorInfo; cols: number },
  backend: BackendWasm,
): { k: number; n: number; rows: number; cols: number } {
  const fail = (what: string) => {
    throw new Error(`${kernel}: ${what}`);
  };
  if (indices.dtype !== 'int32' || indices.shape.length !== 2) {
    fail(`indices must be int32 [K, N], got ${indices.dtype} [${indices.shape}]`);
  }
  const [k, n] = indices.shape;
  const rows = 'info' in table ? table.info.shape[0] : table.rows;
  const cols = 'info' in table ? table.info.shape[1] : table.cols;
  if ('info' in table && (table.info.dtype !== 'float32' || table.info.shape.length !== 2)) {
    fail(`${table.name} must be float32 [R, C], got ${table.info.dtype} [${table.info.shape}]`);
  }
  const p = perPoint.info;
  const expected = perPoint.cols === 0 ? [k, n] : [n, cols];
  if (
    p.dtype !== 'float32' ||
    p.shape.length !== 2 ||
    p.shape[0] !== expected[0] ||
    p.shape[1] !== expected[1]
  ) {
    fail(`${perPoint.name} must be float32 [${expected}], got ${p.dtype} [${p.shape}]`);
  }
  const ids = backend.typedArrayFromHeap(indices) as Int32Array;
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < rows))
      fail(`indices[${i}] = ${ids[i]} is not a row of a ${rows}-row table`);
  }
  return { k, n, rows, cols };
}

function gather(args: { inputs: Record<string, TensorInfo>; backend: BackendWasm }): TensorInfo {
  const { table, indices, weights } = args.inputs;
  const backend = args.backend;
  const { k, n, cols } = check(
    WEIGHTED_GATHER,
    { name: 'table', info: table },
    indices,
    { name: 'weights', info: weights, cols: 0 },
    backend,
  );
  const out = backend.makeOutput([n, cols], 'float32');
  // Views after makeOutput: a heap growth there detaches views taken before.
  const t = backend.typedArrayFromHeap(table) as Float32Array;
  const ids = backend.typedArrayFromHeap(indices) as Int32Array;
  const w = backend.typedArrayFromHeap(weights) as Float32Array;
  const o = backend.typedArrayFromHeap(out) as Float32Array;
  for (let p = 0; p < n; p++) {
    const dst = p * cols;
    let j = 0;
    // Eight channels at a time in float32 locals (3x faster than adding into the output in place): each product
    // rounded to float32, then added in float32 over the corners in order, as the unfused multiply and sum do.
    for (; j + 8 <= cols; j += 8) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let s4 = 0;
      let s5 = 0;
      let s6 = 0;
      let s7 = 0;
      for (let c = 0, q = p; c < k; c++, q += n) {
        const wc = w[q];
        const src = ids[q] * cols + j;
        s0 = f32(s0 + f32(t[src] * wc));
        s1 = f32(s1 + f32(t[src + 1] * wc));
        s2 = f32(s2 + f32(t[src + 2] * wc));
        s3 = f32(s3 + f32(t[src + 3] * wc));
        s4 = f32(s4 + f32(t[src + 4] * wc));
        s5 = f32(s5 + f32(t[src + 5] * wc));
        s6 = f32(s6 + f32(t[src + 6] * wc));
        s7 = f32(s7 + f32(t[src + 7] * wc));
      }
      o[dst + j] = s0;
      o[dst + j + 1] = s1;
      o[dst + j + 2] = s2;
      o[dst + j + 3] = s3;
      o[dst + j + 4] = s4;
      o[dst + j + 5] = s5;
      o[dst + j + 6] = s6;
      o[dst + j + 7] = s7;
    }
    for (; j < cols; j++) {
      let s = 0;
      for (let c = 0, q = p; c < k; c++, q += n) s = f32(s + f32(t[ids[q] * cols + j] * w[q]));
      o[dst + j] = s;
    }
  }
  return out;
}

function scatter(args: {
  inputs: Record<string, TensorInfo>;
  backend: BackendWasm;
  attrs: WeightedScatterAttrs;
}): TensorInfo {
  const { rows: values, indices, weights } = args.inputs;
  const backend = args.backend;
  const tableRows = args.attrs.rows;
  if (!(Number.isInteger(tableRows) && tableRows >= 1)) {
    throw new Error(`${WEIGHTED_SCATTER}: attribute rows must be a positive integer, got ${tableRows}`);
  }
  const cols = values.shape[1];
  const { k, n } = check(
    WEIGHTED_SCATTER,
    { name: 'output table', rows: tableRows, cols },
    indices,
    { name: 'weights', info: weights, cols: 0 },
    backend,
  );
  if (values.dtype !== 'float32' || values.shape.length !== 2 || values.shape[0] !== n) {
    throw new Error(
      `${WEIGHTED_SCATTER}: rows must be float32 [${n}, C], got ${values.dtype} [${values.shape}]`,
    );
  }
  const out = backend.makeOutput([tableRows, cols], 'float32');
  const v = backend.typedArrayFromHeap(values) as Float32Array;
  const ids = backend.typedArrayFromHeap(indices) as Int32Array;
  const w = backend.typedArrayFromHeap(weights) as Float32Array;
  const o = backend.typedArrayFromHeap(out) as Float32Array;
  o.fill(0);
  // k then n: the order the unfused gather's gradient (a segment sum over the flattened [K * N] rows) adds in.
  for (let c = 0, i = 0; c < k; c++) {
    for (let p = 0; p < n; p++, i++) {
      const wc = w[i];
      const dst = ids[i] * cols;
      const src = p * cols;
      let j = 0;
      for (; j + 8 <= cols; j += 8) {
        const d = dst + j;
        const e = src + j;
        o[d] += f32(v[e] * wc);
        o[d + 1] += f32(v[e + 1] * wc);
        o[d + 2] += f32(v[e + 2] * wc);
        o[d + 3] += f32(v[e + 3] * wc);
        o[d + 4] += f32(v[e + 4] * wc);
        o[d + 5] += f32(v[e + 5] * wc);
        o[d + 6] += f32(v[e + 6] * wc);
        o[d + 7] += f32(v[e + 7] * wc);
      }
      for (; j < cols; j++) o[dst + j] += f32(v[src + j] * wc);
    }
  }
  return out;
}

function rowDot(args: { inputs: Record<string, TensorInfo>; backend: BackendWasm }): TensorInfo {
  const { table, indices, rows: values } = args.inputs;
  const backend = args.backend;
  const { k, n, cols } = check(
    WEIGHTED_ROW_DOT,
    { name: 'table', info: table },
    indices,
    { name: 'rows', info: values, cols: table.shape[1] },
    backend,
  );
  const out = backend.makeOutput([k, n], 'float32');
  const t = backend.typedArrayFromHeap(table) as Float32Array;
  const ids = backend.typedArrayFromHeap(indices) as Int32Array;
  const v = backend.typedArrayFromHeap(values) as Float32Array;
  const o = backend.typedArrayFromHeap(out) as Float32Array;
  // Four corners' dot products side by side: each still adds its channels in order, but four independent chains
  // of float32 additions overlap instead of waiting on one another.
  for (let p = 0; p < n; p++) {
    const b = p * cols;
    let c = 0;
    for (; c + 4 <= k; c += 4) {
      const i0 = c * n + p;
      const [a0, a1, a2, a3] = [
        ids[i0] * cols,
        ids[i0 + n] * cols,
        ids[i0 + 2 * n] * cols,
        ids[i0 + 3 * n] * cols,
      ];
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let j = 0; j < cols; j++) {
        const vj = v[b + j];
        s0 = f32(s0 + f32(t[a0 + j] * vj));
        s1 = f32(s1 + f32(t[a1 + j] * vj));
        s2 = f32(s2 + f32(t[a2 + j] * vj));
        s3 = f32(s3 + f32(t[a3 + j] * vj));
      }
      o[i0] = s0;
      o[i0 + n] = s1;
      o[i0 + 2 * n] = s2;
      o[i0 + 3 * n] = s3;
    }
    for (; c < k; c++) {
      const a = ids[c * n + p] * cols;
      let s = 0;
      for (let j = 0; j < cols; j++) s = f32(s + f32(t[a + j] * v[b + j]));
      o[c * n + p] = s;
    }
  }
  return out;
}

export const weightedGatherConfigs: readonly KernelConfig[] = [
  { kernelName: WEIGHTED_GATHER, backendName: 'wasm', kernelFunc: gather as unknown as KernelFunc },
  { kernelName: WEIGHTED_SCATTER, backendName: 'wasm', kernelFunc: scatter as unknown as KernelFunc },
  { kernelName: WEIGHTED_ROW_DOT, backendName: 'wasm', kernelFunc: rowDot as unknown as KernelFunc },
];
