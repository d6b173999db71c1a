import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  BatchMatMul,
  type BatchMatMulAttrs,
  backend_util,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { callWasmKernel } from './call_kernel.ts';
import { heapOffset, simdKernels } from './simd/simd_module.ts';

const UNTRANSPOSED = Symbol('mim4d matmul without transposed operands or batches');

/** `x` with its last two axes swapped, in a buffer of its own. */
function swapLastAxes(x: TensorInfo, backend: BackendWasm): TensorInfo {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return callWasmKernel('Transpose', { x }, backend, { perm });
}

const size = (x: TensorInfo) => x.shape.reduce((a, b) => a * b, 1);

/** Widest side of the product our a^T b kernel computes four columns at a time: beyond it XNNPACK's is the faster. */
const THIN = 64;

/**
 * a^T b for a [rows, m] and b [rows, n] (leading axes of size 1 allowed) by our SIMD kernel, when n <= THIN is a
 * multiple of 4 (or m is: then as (b^T a)^T); null for anything else. A layer's weight gradient x^T dy over many
 * samples (a linear layer's; a convolution's, x the patches) is this shape: XNNPACK takes it only after a
 * transpose of the whole of one operand and a packing of the other, and then runs it at a third of our kernel's
 * rate (a 16 x 16 product over 36864 rows: 2 ms + 1 ms for the transpose, against 0.6 ms; [12288, 864]^T
 * [12288, 16], a 3x3x3 convolution's: 40 ms, against 17). Same sums in the same order, so the same bits.
 */
function thinTransposedProduct(a: TensorInfo, b: TensorInfo, backend: BackendWasm): TensorInfo | null {
  const rows = a.shape[a.shape.length - 2];
  const m = a.shape[a.shape.length - 1];
  const n = b.shape[b.shape.length - 1];
  const batchOfOne = (x: TensorInfo) => size(x) === x.shape[x.shape.length - 2] * x.shape[x.shape.length - 1];
  const fourWide = (side: number) => side <= THIN && side % 4 === 0;
  if (
    !batchOfOne(a) ||
    !batchOfOne(b) ||
    b.shape[b.shape.length - 2] !== rows ||
    !(fourWide(n) || fourWide(m))
  )
    return null;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const product = (left: TensorInfo, right: TensorInfo, cols: number) => {
    const outer = left.shape[left.shape.length - 1];
    const out = backend.makeOutput([...a.shape.slice(0, -2), outer, cols], 'float32');
    simdKernels(backend).matmulTransposedA(
      heapOffset(left, backend),
      heapOffset(right, backend),
      heapOffset(out, backend),
      rows,
      outer,
      cols,
    );
    return out;
  };
  if (fourWide(n)) return product(a, b, n);
  const flipped = product(b, a, m);
  try {
    return swapLastAxes(flipped, backend);
  } finally {
    backend.disposeData(flipped.dataId);
  }
}

/**
 * tfjs-backend-wasm 4.22 runs a matmul through XNNPACK only when neither operand is transposed; a transposed one
 * goes to a scalar loop about ten times slower. Every linear layer's backward pass has one (dy W^T for the input
 * gradient, x^T dy for the weight's), so this rewrites the product with explicit transposes, moving as few values
 * as it can: a b^T transposes b; a^T b computes (b^T a)^T when the product is no larger than b or than a less b
 * (a weight gradient summed over many rows), else transposes a; a^T b^T is (b a)^T.
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
      if (!attrs.transposeB) {
        const thin = thinTransposedProduct(a, b, backend);
        if (thin !== null) return thin;
      }
      const cols = attrs.transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
      const outSize = (size(a) / a.shape[a.shape.length - 2]) * cols;
      // Also whenever the product is no larger than b (a weight gradient a^T dy): XNNPACK packs its right-hand
      // operand per buffer at ~4 ns a float (2.5 ms for [36864, 16]), four times a transpose, and caches the
      // packing while the buffer lives. Flipped, that operand is a, the layer's input, packed once for every
      // product it meets (six injection layers read the same features), where a fresh dy was packed each time.
      if (attrs.transposeB || outSize <= size(b) || size(b) + outSize <= size(a)) {
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

/** Block `i` ([rows, cols], row-major) of a stack of them, in a buffer of its own. */
function block(x: TensorInfo, i: number, rows: number, cols: number, backend: BackendWasm): TensorInfo {
  const out = backend.makeOutput([rows, cols], x.dtype);
  const n = rows * cols;
  // Views after makeOutput: a heap growth there detaches views taken before.
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(x).subarray(i * n, (i + 1) * n));
  return out;
}

/**
 * tfjs-backend-wasm 4.22 hands XNNPACK only single products: a batched one ([heads, queries, dim] attention, say)
 * goes to the scalar loop, about ten times slower than the products one by one. This runs one product per batch
 * entry (an operand with batch 1 is shared by all) and copies each into the output. Batches broadcast in other
 * ways go to the backend as they came.
 */
function unbatched(inner: KernelFunc): KernelFunc {
  return (args) => {
    const attrs = args.attrs as unknown as BatchMatMulAttrs;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    if (attrs.transposeA || attrs.transposeB || a.shape.length < 3 || b.shape.length < 3) return inner(args);
    const [m, k] = a.shape.slice(-2);
    const n = b.shape[b.shape.length - 1];
    const batchA = size(a) / (m * k);
    const batchB = size(b) / (k * n);
    const batch = Math.max(batchA, batchB);
    if (batch === 1 || (batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) {
      return inner(args);
    }
    const backend = args.backend as BackendWasm;
    const outBatch = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const out = backend.makeOutput([...outBatch, m, n], 'float32');
    for (let i = 0; i < batch; i++) {
      const ai = batchA === 1 ? a : block(a, i, m, k, backend);
      const bi = batchB === 1 ? b : block(b, i, k, n, backend);
      try {
        const ci = inner({ ...args, inputs: { a: ai, b: bi } }) as TensorInfo;
        backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(ci), i * m * n);
        backend.disposeData(ci.dataId);
      } finally {
        if (ai !== a) backend.disposeData(ai.dataId);
        if (bi !== b) backend.disposeData(bi.dataId);
      }
    }
    return out;
  };
}

/** Re-registers wasm BatchMatMul so that transposed operands and batched products take the fast path; idempotent. */
export function untransposeMatMul(): void {
  const config = getKernel(BatchMatMul, 'wasm') as (KernelConfig & { [UNTRANSPOSED]?: true }) | undefined;
  if (config === undefined || config[UNTRANSPOSED]) return;
  unregisterKernel(BatchMatMul, 'wasm');
  registerKernel({
    ...config,
    kernelFunc: untransposed(unbatched(config.kernelFunc)),
    [UNTRANSPOSED]: true,
  } as KernelConfig);
}
