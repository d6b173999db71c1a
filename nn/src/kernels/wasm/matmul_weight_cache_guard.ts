import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { copyWasm } from './identity.ts';

/**
 * tfjs-backend-wasm 4.22's matmul caches an XNNPACK operator, with b's shape packed in, by b's tensor id. A reshape
 * on wasm shares the id, so the same buffer used as b in a second shape (`matMul(x, reshape(v, [1, 4]))` then
 * `matMul(y, reshape(v, [4, 1]))`) runs the stale operator and writes past its output: heap corruption. We wrap the
 * two matmul kernels so that a buffer meeting b in a second signature is first copied (a fresh id); the common case,
 * a weight always used the same way, pays nothing.
 */
const firstSignature = new WeakMap<object, string>();
const GUARDED = Symbol('mim4d matmul weight-cache guard');

function signature(b: TensorInfo, attrs: NamedAttrMap): string {
  return `${b.shape.join('x')}|${attrs.transposeA === true}|${attrs.transposeB === true}`;
}

function guard(original: KernelFunc): KernelFunc {
  return (args) => {
    const b = args.inputs.b as TensorInfo;
    const sig = signature(b, args.attrs ?? {});
    const first = firstSignature.get(b.dataId);
    if (first === undefined) firstSignature.set(b.dataId, sig);
    if (first === undefined || first === sig) return original(args);
    const backend = args.backend as BackendWasm;
    const copy = copyWasm(b, backend);
    firstSignature.set(copy.dataId, sig);
    try {
      return original({ ...args, inputs: { ...args.inputs, b: copy } });
    } finally {
      backend.disposeData(copy.dataId);
    }
  };
}

/** Re-registers wasm BatchMatMul and _FusedMatMul behind the guard; idempotent. */
export function guardMatMulWeightCache(): void {
  for (const kernelName of ['BatchMatMul', '_FusedMatMul']) {
    const config = getKernel(kernelName, 'wasm') as (KernelConfig & { [GUARDED]?: true }) | undefined;
    if (config === undefined || config[GUARDED]) continue;
    unregisterKernel(kernelName, 'wasm');
    registerKernel({ ...config, kernelFunc: guard(config.kernelFunc), [GUARDED]: true } as KernelConfig);
  }
}
