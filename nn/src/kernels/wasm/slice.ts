import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Concat,
  type ConcatAttrs,
  type KernelFunc,
  type NamedTensorInfoMap,
  Slice,
  type SliceAttrs,
  SplitV,
  type SplitVAttrs,
  slice_util,
  type TensorInfo,
  Unpack,
  type UnpackAttrs,
  util,
} from '@tensorflow/tfjs-core';
import { heapOffset, type SimdKernels, simdKernels } from './simd/simd_module.ts';
import { wrapWasmKernel } from './wrap_kernel.ts';

/** Bytes per element on the wasm heap: bool is stored as bytes, float32 and int32 as words. */
const elementBytes = (info: TensorInfo) => (info.dtype === 'bool' ? 1 : 4);

/**
 * Copies the box `size` at `srcBegin` of a row-major `srcShape` array into `dstBegin` of a `dstShape` array, both
 * on the wasm heap (byte offsets `src`, `dst`; `bytes` per element), as contiguous runs: the trailing axes the box
 * spans whole, times the box's extent on the next one.
 */
function copyBox(
  kernels: SimdKernels,
  src: number,
  srcShape: number[],
  srcBegin: number[],
  dst: number,
  dstShape: number[],
  dstBegin: number[],
  size: number[],
  bytes: number,
): void {
  const rank = size.length;
  const srcStrides = util.computeStrides(srcShape).map((s) => s * bytes);
  const dstStrides = util.computeStrides(dstShape).map((s) => s * bytes);
  const stride = (strides: number[], a: number) => (a === rank - 1 ? bytes : strides[a]);
  let inner = rank - 1;
  let run = bytes;
  while (inner > 0 && size[inner] === srcShape[inner] && size[inner] === dstShape[inner]) {
    run *= size[inner];
    inner--;
  }
  run *= size[inner];
  let s = src;
  let d = dst;
  for (let a = 0; a < rank; a++) {
    s += srcBegin[a] * stride(srcStrides, a);
    d += dstBegin[a] * stride(dstStrides, a);
  }
  if (inner === 0) {
    kernels.copyRuns(d, 0, s, 0, run, 1);
    return;
  }
  // Strided runs along the last outer axis; an odometer over the axes before it, last fastest.
  const last = inner - 1;
  const outer = size.slice(0, last);
  const count = util.sizeFromShape(outer);
  const index = new Array(last).fill(0);
  for (let n = 0; n < count; n++) {
    kernels.copyRuns(d, dstStrides[last], s, srcStrides[last], run, size[last]);
    for (let a = last - 1; a >= 0; a--) {
      index[a]++;
      s += srcStrides[a];
      d += dstStrides[a];
      if (index[a] < outer[a]) break;
      s -= index[a] * srcStrides[a];
      d -= index[a] * dstStrides[a];
      index[a] = 0;
    }
  }
}

/**
 * Slice on the heap views. tfjs-backend-wasm 4.22's Slice first reads its whole input back into a fresh host array,
 * then copies row by row through a subarray each: 20 ms to take one column of 12k x 17, and Unpack and SplitV slice
 * their input once per output through it.
 */
function sliceBox(x: TensorInfo, begin: number[], size: number[], backend: BackendWasm): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  if (util.sizeFromShape(size) > 0) {
    const at = (info: TensorInfo) => heapOffset(info, backend);
    const zeros = size.map(() => 0);
    copyBox(simdKernels(backend), at(x), x.shape, begin, at(out), size, zeros, size, elementBytes(x));
  }
  return out;
}

function slice(args: { inputs: NamedTensorInfoMap; backend: BackendWasm; attrs: SliceAttrs }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  const [begin, size] = slice_util.parseSliceParams(x as never, args.attrs.begin, args.attrs.size);
  return sliceBox(x, begin, size, args.backend);
}

function splitV(args: {
  inputs: NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: SplitVAttrs;
}): TensorInfo[] {
  const x = args.inputs.x as TensorInfo;
  const axis = util.parseAxisParam(args.attrs.axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x as never, args.attrs.numOrSizeSplits, axis);
  const begin = x.shape.map(() => 0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const part = sliceBox(x, [...begin], size, args.backend);
    begin[axis] += s;
    return part;
  });
}

function unpack(args: {
  inputs: NamedTensorInfoMap;
  backend: BackendWasm;
  attrs: UnpackAttrs;
}): TensorInfo[] {
  const value = args.inputs.value as TensorInfo;
  const axis = util.parseAxisParam(args.attrs.axis, value.shape)[0];
  const outShape = value.shape.filter((_, a) => a !== axis);
  const size = [...value.shape];
  size[axis] = 1;
  return Array.from({ length: value.shape[axis] }, (_, i) => {
    const begin = value.shape.map((_, a) => (a === axis ? i : 0));
    const part = sliceBox(value, begin, size, args.backend);
    return { ...part, shape: outShape };
  });
}

function concat(
  fallback: KernelFunc,
): (args: { inputs: NamedTensorInfoMap; backend: BackendWasm; attrs: ConcatAttrs }) => TensorInfo {
  return (args) => {
    const inputs = Object.values(args.inputs) as TensorInfo[];
    const axis = util.parseAxisParam(args.attrs.axis, inputs[0].shape)[0];
    const parts = inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
    if (parts.length < 2 || parts[0].dtype === 'string') return fallback(args as never) as TensorInfo;
    backend_util.assertParamsConsistent(
      inputs.map((t) => t.shape),
      axis,
    );
    const outShape = backend_util.computeOutShape(
      inputs.map((t) => t.shape),
      axis,
    );
    const backend = args.backend;
    const out = backend.makeOutput(outShape, parts[0].dtype);
    const kernels = simdKernels(backend);
    const dst = heapOffset(out, backend);
    const begin = outShape.map(() => 0);
    for (const part of parts) {
      const zeros = part.shape.map(() => 0);
      const src = heapOffset(part, backend);
      copyBox(kernels, src, part.shape, zeros, dst, outShape, begin, part.shape, elementBytes(part));
      begin[axis] += part.shape[axis];
    }
    return out;
  };
}

/**
 * Replaces wasm Slice, SplitV, Unpack (float32, int32 and bool; strings go to the backend's) and Concat by copies
 * on the heap views; idempotent.
 */
export function registerHeapSlicing(): void {
  const numeric =
    (f: (args: never) => TensorInfo | TensorInfo[], input: string) =>
    (existing: KernelFunc): KernelFunc =>
    (args) =>
      (args.inputs[input] as TensorInfo).dtype === 'string' ? existing(args) : f(args as never);
  wrapWasmKernel(Slice, numeric(slice, 'x'));
  wrapWasmKernel(SplitV, numeric(splitV, 'x'));
  wrapWasmKernel(Unpack, numeric(unpack, 'value'));
  wrapWasmKernel(Concat, (existing) => concat(existing) as unknown as KernelFunc);
}
