import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Add, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapOffset, simdKernels } from './simd/simd_module.ts';
import { wrapWasmKernel } from './wrap_kernel.ts';

/** Whether `v` is a float32 vector as long as the last axis of the float32 `x` (rank 2 or more): a bias. */
function isBiasOf(v: TensorInfo, x: TensorInfo): boolean {
  return (
    v.dtype === 'float32' &&
    x.dtype === 'float32' &&
    v.shape.length === 1 &&
    x.shape.length >= 2 &&
    v.shape[0] === x.shape[x.shape.length - 1]
  );
}

/**
 * x + bias over the last axis (every linear layer's forward) by our SIMD kernel: tfjs-backend-wasm's broadcasting
 * Add takes 0.5 ms for [36864, 16] + [16], several times a plain pass over the values. Float32 addition is
 * commutative, so either operand may be the bias; the sums are the backend's bit for bit.
 */
function biasAdd(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const [x, bias] = isBiasOf(b, a) ? [a, b] : isBiasOf(a, b) ? [b, a] : [null, null];
    if (x === null || bias === null) return fallback(args);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(x.shape, 'float32');
    const inner = bias.shape[0];
    const at = (info: TensorInfo) => heapOffset(info, backend);
    simdKernels(backend).addRowVector(
      at(x),
      at(bias),
      at(out),
      x.shape.reduce((p, d) => p * d, 1) / inner,
      inner,
    );
    return out;
  };
}

/** Wraps the registered wasm Add so that bias additions take our kernel; idempotent. */
export function registerBiasAdd(): void {
  wrapWasmKernel(Add, biasAdd);
}
