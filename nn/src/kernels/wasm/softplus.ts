import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type KernelFunc, Softplus, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { heapOffset, simdKernels } from './simd/simd_module.ts';
import { wrapWasmKernel } from './wrap_kernel.ts';

/**
 * Float32 softplus by our kernel: the backend's own formula and maths functions (softplus.wat says which, and why the
 * log may differ once in about 2^29 values), four values at a time where the backend takes one through a function
 * pointer: [36864, 16] values in [-6, 6] 9.7 -> 5.5 ms, in [-600, 600] 10.2 -> 2.0 ms (the SDF field's activations
 * run it 40 times a step). Other dtypes go to the backend.
 */
function softplus(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype !== 'float32') return fallback(args);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(x.shape, 'float32');
    simdKernels(backend).softplus(
      heapOffset(x, backend),
      heapOffset(out, backend),
      util.sizeFromShape(x.shape),
    );
    return out;
  };
}

/** Wraps the registered wasm Softplus so that float32 takes our kernel; idempotent. */
export function registerSoftplus(): void {
  wrapWasmKernel(Softplus, softplus);
}
