import { getKernel, type KernelFunc, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';

const wrapped = new WeakSet<KernelFunc>();

/**
 * Replaces the registered wasm kernel `kernelName` by `wrap(existing)`: ours for the cases it covers, the backend's
 * for the rest. Idempotent: a kernel already wrapped here stays as it is.
 */
export function wrapWasmKernel(kernelName: string, wrap: (existing: KernelFunc) => KernelFunc): void {
  const existing = getKernel(kernelName, 'wasm');
  if (existing === undefined || wrapped.has(existing.kernelFunc)) return;
  const kernelFunc = wrap(existing.kernelFunc);
  wrapped.add(kernelFunc);
  unregisterKernel(kernelName, 'wasm');
  registerKernel({ ...existing, kernelFunc });
}
