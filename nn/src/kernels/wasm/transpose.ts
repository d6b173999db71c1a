import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type KernelFunc,
  type TensorInfo,
  Transpose,
  type TransposeAttrs,
  util,
} from '@tensorflow/tfjs-core';
import { wrapWasmKernel } from './wrap_kernel.ts';

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
    if (cols <= NARROW && src.BYTES_PER_ELEMENT === 4) {
      narrowTranspose(asInt32(src), asInt32(dst), batch, rows, cols);
      return out;
    }
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

/** Widest rows the narrow copy takes: a linear layer's activations ([rows, 16]) before their weight gradient. */
const NARROW = 64;
/** Source rows per block of the narrow copy: a block stays in cache while each of its columns is written out. */
const NARROW_BLOCK = 4096;

/** The same bytes as 32-bit integers: the copy then moves bits, never converting float32 to double and back. */
function asInt32(a: ArrayBufferView): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.byteLength / 4);
}

/**
 * Tall, narrow matrices ([36864, 16] activations: the tiled copy spends ~2.7 ns an element on them, its inner loop
 * only `cols` long and every store in another output row). Here a block of source rows is read eight columns at a
 * time, each written as a sequential run of its output row: about 5x faster.
 */
function narrowTranspose(src: Int32Array, dst: Int32Array, batch: number, rows: number, cols: number): void {
  for (let b = 0, base = 0; b < batch; b++, base += rows * cols) {
    for (let i0 = 0; i0 < rows; i0 += NARROW_BLOCK) {
      const i1 = Math.min(i0 + NARROW_BLOCK, rows);
      let j = 0;
      for (; j + 8 <= cols; j += 8) {
        const d0 = base + j * rows;
        const d1 = d0 + rows;
        const d2 = d1 + rows;
        const d3 = d2 + rows;
        const d4 = d3 + rows;
        const d5 = d4 + rows;
        const d6 = d5 + rows;
        const d7 = d6 + rows;
        for (let i = i0, s = base + i0 * cols + j; i < i1; i++, s += cols) {
          dst[d0 + i] = src[s];
          dst[d1 + i] = src[s + 1];
          dst[d2 + i] = src[s + 2];
          dst[d3 + i] = src[s + 3];
          dst[d4 + i] = src[s + 4];
          dst[d5 + i] = src[s + 5];
          dst[d6 + i] = src[s + 6];
          dst[d7 + i] = src[s + 7];
        }
      }
      for (; j < cols; j++) {
        for (let i = i0, s = base + i0 * cols + j, d = base + j * rows + i0; i < i1; i++, s += cols, d++) {
          dst[d] = src[s];
        }
      }
    }
  }
}

/** Wraps the registered wasm Transpose so last-two-axes swaps take the tiled copy; idempotent. */
export function registerTiledTranspose(): void {
  wrapWasmKernel(Transpose, transpose);
}
