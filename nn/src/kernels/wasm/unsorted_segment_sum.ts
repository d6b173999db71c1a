import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  UnsortedSegmentSum,
  type UnsortedSegmentSumAttrs,
  type UnsortedSegmentSumInputs,
  util,
} from '@tensorflow/tfjs-core';
import { heapOffset, simdKernels } from './simd/simd_module.ts';

/**
 * out[s, ...] = Σ of x[i, ...] over the leading indices i whose segment id is s; gather's gradient. Ids are checked
 * before anything is written: negative ids drop their rows (as in TensorFlow), ids ≥ numSegments are an error.
 * Rows are added by our SIMD kernel, in order, so float32 sums are those of a loop over the rows.
 */
function unsortedSegmentSum(args: {
  inputs: UnsortedSegmentSumInputs;
  backend: BackendWasm;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const ids = inputs.segmentIds as TensorInfo;
  const { numSegments } = attrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum on wasm: x has dtype ${x.dtype}; expected float32 or int32`);
  }
  if (ids.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum on wasm: segmentIds has dtype ${ids.dtype}; expected int32`);
  }
  const prefixOk = ids.shape.length <= x.shape.length && ids.shape.every((d, i) => d === x.shape[i]);
  if (!prefixOk) {
    throw new Error(
      `UnsortedSegmentSum: segmentIds shape [${ids.shape}] is not a prefix of x shape [${x.shape}]`,
    );
  }
  const inner = util.sizeFromShape(x.shape.slice(ids.shape.length));
  const outShape = [numSegments, ...x.shape.slice(ids.shape.length)];
  const out = backend.makeOutput(outShape, x.dtype);
  const idView = backend.typedArrayFromHeap(ids) as Int32Array;
  for (let i = 0; i < idView.length; i++) {
    if (idView[i] >= numSegments) {
      backend.disposeData(out.dataId);
      throw new Error(
        `UnsortedSegmentSum: segmentIds[${i}] = ${idView[i]} is not below numSegments ${numSegments}`,
      );
    }
  }
  const at = (info: TensorInfo) => heapOffset(info, backend);
  const integers = x.dtype === 'int32' ? 1 : 0;
  simdKernels(backend).segmentSum(at(x), at(ids), at(out), idView.length, inner, numSegments, integers);
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
