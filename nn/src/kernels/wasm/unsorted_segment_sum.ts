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

/**
 * out[s, ...] = Σ of x[i, ...] over the leading indices i whose segment id is s; gather's gradient. Ids are checked
 * before anything is written: negative ids drop their rows (as in TensorFlow), ids ≥ numSegments are an error.
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
  const xView = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const outView = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  outView.fill(0);
  for (let i = 0; i < idView.length; i++) {
    const s = idView[i];
    if (s < 0) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) outView[dst + j] += xView[src + j];
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
