import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  GatherV2,
  type GatherV2Attrs,
  type GatherV2Inputs,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { heapOffset, simdKernels } from './simd/simd_module.ts';
import { wrapWasmKernel } from './wrap_kernel.ts';

/**
 * Row gather along axis 0 with batchDims 0 (embedding and grid-sample lookups): out[i, ...] = x[indices[i], ...].
 * tfjs-backend-wasm's Gather computes a strided offset per element and asserts each index through a closure, about
 * 30 ns an element: 75 ms for the 147k corner rows of one trilinear lookup. This copies whole rows. Other axes and
 * batch dimensions go to the backend's own kernel.
 */
function gatherV2(
  fallback: KernelFunc,
): (args: { inputs: GatherV2Inputs; backend: BackendWasm; attrs: GatherV2Attrs }) => TensorInfo {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    const indices = inputs.indices as TensorInfo;
    const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
    const simple =
      axis === 0 &&
      (attrs.batchDims ?? 0) === 0 &&
      indices.dtype === 'int32' &&
      (x.dtype === 'float32' || x.dtype === 'int32');
    if (!simple) return fallback(args as never) as TensorInfo;
    const rows = x.shape[0];
    const kernels = simdKernels(backend);
    const bad = kernels.firstOutside(heapOffset(indices, backend), util.sizeFromShape(indices.shape), rows);
    if (bad >= 0) {
      const value = (backend.typedArrayFromHeap(indices) as Int32Array)[bad];
      throw new Error(`GatherV2: indices[${bad}] = ${value} is not in [0, ${rows - 1}]`);
    }
    const inner = util.sizeFromShape(x.shape.slice(1));
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const at = (info: TensorInfo) => heapOffset(info, backend);
    kernels.copyRows(at(out), at(x), at(indices), util.sizeFromShape(indices.shape), inner * 4);
    return out;
  };
}

/** Replaces the registered wasm GatherV2 by this one wrapping it (kept for the cases rows do not cover); idempotent. */
export function registerRowGather(): void {
  wrapWasmKernel(GatherV2, (existing) => gatherV2(existing) as unknown as KernelFunc);
}
