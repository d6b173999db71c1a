import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  getKernel,
  type KernelFunc,
  registerKernel,
  Sum,
  type SumAttrs,
  type TensorInfo,
  unregisterKernel,
  util,
} from '@tensorflow/tfjs-core';

/**
 * Sum over leading axes (a bias gradient sums dy over its rows; a sampler's corners are summed over axis 0).
 * tfjs-backend-wasm reduces only the innermost axis, so it first transposes the reduced axes inward: a full copy
 * of the input through its slow Transpose. This adds rows into the output directly, in float32 and in row order,
 * as the backend's own loop over the transposed input does. Other reductions go to the backend's kernel.
 */
function sumLeading(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    const attrs = args.attrs as unknown as SumAttrs;
    const axes = util.parseAxisParam(attrs.axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.every((a, i) => a === i) && axes.length < x.shape.length;
    if (!leading || x.dtype !== 'float32') return fallback(args);
    const backend = args.backend as BackendWasm;
    const kept = x.shape.slice(axes.length);
    const shape = attrs.keepDims ? [...axes.map(() => 1), ...kept] : kept;
    const out = backend.makeOutput(shape, 'float32');
    const inner = util.sizeFromShape(kept);
    const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    dst.fill(0);
    for (let r = 0, o = 0; r < rows; r++) {
      for (let j = 0; j < inner; j++, o++) dst[j] += src[o];
    }
    return out;
  };
}

const ours = new WeakSet<KernelFunc>();

/** Wraps the registered wasm Sum so leading-axis sums skip the transpose; idempotent. */
export function registerLeadingSum(): void {
  const existing = getKernel(Sum, 'wasm');
  if (existing === undefined || ours.has(existing.kernelFunc)) return;
  const kernelFunc = sumLeading(existing.kernelFunc);
  ours.add(kernelFunc);
  unregisterKernel(Sum, 'wasm');
  registerKernel({ ...existing, kernelFunc });
}
