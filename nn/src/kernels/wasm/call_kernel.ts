import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  getKernel,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * Runs another wasm kernel (BatchMatMul, Transpose, Sum, ...) on TensorInfos the caller owns; our kernels are built
 * from these so the heavy loops stay in the backend's compiled code. The caller disposes the result with
 * `backend.disposeData` unless it returns it.
 */
export function callWasmKernel(
  kernelName: string,
  inputs: NamedTensorInfoMap,
  backend: BackendWasm,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = getKernel(kernelName, 'wasm');
  if (config === undefined)
    throw new Error(`the wasm backend has no ${kernelName} kernel, which ours build on`);
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out))
    throw new Error(`wasm kernel ${kernelName} returned ${out.length} tensors, expected one`);
  return out;
}

/** Reshapes without copying (the wasm Reshape kernel shares the buffer and bumps its reference count). */
export function reshapeWasm(x: TensorInfo, shape: number[], backend: BackendWasm): TensorInfo {
  return callWasmKernel('Reshape', { x }, backend, { shape });
}

export function assertFloat32(kernelName: string, inputs: Record<string, TensorInfo>): void {
  for (const [name, info] of Object.entries(inputs)) {
    if (info.dtype !== 'float32') {
      throw new Error(
        `${kernelName} on wasm: input ${name} has dtype ${info.dtype}; only float32 is supported`,
      );
    }
  }
}
