import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  getKernel,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  Transpose,
  type TransposeAttrs,
  unregisterKernel,
  util,
} from '@tensorflow/tfjs-core';

/** Tile edge of the blocked copy: a tile's source rows and destination rows both stay in cache. */
const TILE = 32;

/**
 * Transpose of the last two axes (a matmul operand, a leading-axis reduction's input), as a tiled copy on the heap
 * views. tfjs-backend-wasm's generic Transpose spends up to 14 ns an element on wide ones (150 ms for 12288 x 864,
 * halved here); other permutations go to it.
 */
function transpose(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    const { perm } = args.attrs as unknown as TransposeAttrs;
    const r = perm.length;
    const swapsLast =
      r >= 2 &&
      perm[r - 2] === r - 1 &&
      perm[r - 1] === r - 2 &&
      perm.slice(0, r - 2).every((p, i) => p === i);
    if (!swapsLast || x.dtype === 'string' || x.dtype === 'complex64') return fallback(args);
    const backend = args.backend as BackendWasm;
    const rows = x.shape[r - 2];
    const cols = x.shape[r - 1];
    const out = backend.makeOutput([...x.shape.slice(0, r - 2), cols, rows], x.dtype);
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const batch = util.sizeFromShape(x.shape.slice(0, r - 2));
    for (let b = 0, base = 0; b < batch; b++, base += rows * cols) {
      for (let i0 = 0; i0 < rows; i0 += TILE) {
        const i1 = Math.min(i0 + TILE, rows);
        for (let j0 = 0; j0 < cols; j0 += TILE) {
          const j1 = Math.min(j0 + TILE, cols);
          for (let i = i0; i < i1; i++) {
            for (
              let j = j0, s = base + i * cols + j0, d = base + j0 * rows + i;
              j < j1;
              j++, s++, d += rows
            ) {
              dst[d] = src[s];
            }
          }
        }
      }
    }
    return out;
  };
}

const ours = new WeakSet<KernelFunc>();

/** Wraps the registered wasm Transpose so last-two-axes swaps take the tiled copy; idempotent. */
export function registerTiledTranspose(): void {
  const existing = getKernel(Transpose, 'wasm');
  if (existing === undefined || ours.has(existing.kernelFunc)) return;
  const kernelFunc = transpose(existing.kernelFunc);
  ours.add(kernelFunc);
  unregisterKernel(Transpose, 'wasm');
  registerKernel({ ...existing, kernelFunc });
}
