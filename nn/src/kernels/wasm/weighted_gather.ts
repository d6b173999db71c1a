import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  WEIGHTED_GATHER,
  WEIGHTED_ROW_DOT,
  WEIGHTED_SCATTER,
  type WeightedScatterAttrs,
} from '../../runtime/weighted-gather.ts';
import { heapOffset, simdKernels } from './simd/simd_module.ts';

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
  const bad = simdKernels(backend).firstOutside(heapOffset(indices, backend), k * n, rows);
  if (bad >= 0) {
    const id = (backend.typedArrayFromHeap(indices) as Int32Array)[bad];
    fail(`indices[${bad}] = ${id} is not a row of a ${rows}-row table`);
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
  const at = (info: TensorInfo) => heapOffset(info, backend);
  simdKernels(backend).weightedGather(at(table), at(indices), at(weights), at(out), k, n, cols);
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
  const at = (info: TensorInfo) => heapOffset(info, backend);
  simdKernels(backend).weightedScatter(at(values), at(indices), at(weights), at(out), k, n, cols, tableRows);
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
  const at = (info: TensorInfo) => heapOffset(info, backend);
  simdKernels(backend).weightedRowDot(at(table), at(indices), at(values), at(out), k, n, cols);
  return out;
}

export const weightedGatherConfigs: readonly KernelConfig[] = [
  { kernelName: WEIGHTED_GATHER, backendName: 'wasm', kernelFunc: gather as unknown as KernelFunc },
  { kernelName: WEIGHTED_SCATTER, backendName: 'wasm', kernelFunc: scatter as unknown as KernelFunc },
  { kernelName: WEIGHTED_ROW_DOT, backendName: 'wasm', kernelFunc: rowDot as unknown as KernelFunc },
];
