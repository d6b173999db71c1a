import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  BatchMatMul,
  type BatchMatMulAttrs,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { callWasmKernel } from './call_kernel.ts';

const UNTRANSPOSED = Symbol('mim4d matmul without transposed operands');

/** `x` with its last two axes swapped, in a buffer of its own. */
function swapLastAxes(x: TensorInfo, backend: BackendWasm): TensorInfo {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return callWasmKernel('Transpose', { x }, backend, { perm });
}

const size = (x: TensorInfo) => x.shape.reduce((a, b) => a * b, 1);

/**
 * tfjs-backend-wasm 4.22 runs a matmul through XNNPACK only when neither operand is transposed; a transposed one
 * goes to a scalar loop about ten times slower. Every linear layer's backward pass has one (dy W^T for the input
 * gradient, x^T dy for the weight's), so this rewrites the product with explicit transposes, moving as few values
 * as it can: a b^T transposes b; a^T b transposes a, or computes (b^T a)^T when b and the product are smaller than
 * a (a weight gradient summed over many rows); a^T b^T is (b a)^T.
 */
function untransposed(inner: KernelFunc): KernelFunc {
  return (args) => {
    const attrs = args.attrs as unknown as BatchMatMulAttrs;
    if (!attrs.transposeA && !attrs.transposeB) return inner(args);
    const backend = args.backend as BackendWasm;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const made: TensorInfo[] = [];
    const swapped = (x: TensorInfo) => {
      const t = swapLastAxes(x, backend);
      made.push(t);
      return t;
    };
    const product = (left: TensorInfo, right: TensorInfo) =>
      inner({
        ...args,
        inputs: { a: left, b: right },
        attrs: { ...attrs, transposeA: false, transposeB: false },
      }) as TensorInfo;
    try {
      if (!attrs.transposeA) return product(a, swapped(b));
      const cols = attrs.transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
      const outSize = (size(a) / a.shape[a.shape.length - 2]) * cols;
      if (attrs.transposeB || size(b) + outSize < size(a)) {
        const flipped = attrs.transposeB ? product(b, a) : product(swapped(b), a);
        made.push(flipped);
        return swapLastAxes(flipped, backend);
      }
      return product(swapped(a), b);
    } finally {
      for (const t of made) backend.disposeData(t.dataId);
    }
  };
}

/** Re-registers wasm BatchMatMul so that transposed operands take the fast path; idempotent. */
export function untransposeMatMul(): void {
  const config = getKernel(BatchMatMul, 'wasm') as (KernelConfig & { [UNTRANSPOSED]?: true }) | undefined;
  if (config === undefined || config[UNTRANSPOSED]) return;
  unregisterKernel(BatchMatMul, 'wasm');
  registerKernel({
    ...config,
    kernelFunc: untransposed(config.kernelFunc),
    [UNTRANSPOSED]: true,
  } as KernelConfig);
}
