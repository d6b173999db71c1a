/** A typed-array view into the wasm heap (typedArrayFromHeap's), of any numeric dtype. */
export type HeapView = Float32Array | Int32Array | Uint8Array;

/** The heap as copies see it: 32-bit values (float32 or int32 alike, moved as bits) or bytes (bool). */
export type HeapWords = Int32Array | Uint8Array;

/**
 * The whole heap under `view`, in words of its element size, and the index of `view`'s first element in it: runs
 * between two tensors then move by copyWithin on that one array, a memmove, with no subarray view made per run.
 * Float32 and int32 share the Int32Array, so the element loop of short runs sees two array kinds, not three.
 * Take it after the last allocation of the kernel, as any heap view: a heap growth detaches it.
 */
export function wholeHeap(view: HeapView): { heap: HeapWords; at: number } {
  const heap = view.BYTES_PER_ELEMENT === 4 ? new Int32Array(view.buffer) : new Uint8Array(view.buffer);
  return { heap, at: view.byteOffset / view.BYTES_PER_ELEMENT };
}

/** Runs shorter than this are copied element by element: copyWithin's call costs about as much as eight moves. */
const SHORT_RUN = 8;

/**
 * Copies `count` runs of `run` elements within `heap`, the i-th from src + i * srcStride to dst + i * dstStride.
 * copyWithin moves bytes, ~10x an element loop on the 96-value runs of a 3x3x3 filter over 32 channels and ~2x on
 * 16-value rows; short runs (a column slice moves millions of single values a step) stay in this loop, with no call
 * per run.
 */
export function copyRuns(
  heap: HeapWords,
  dst: number,
  dstStride: number,
  src: number,
  srcStride: number,
  run: number,
  count: number,
): void {
  if (run < SHORT_RUN) {
    for (let i = 0; i < count; i++, dst += dstStride, src += srcStride) {
      for (let k = 0; k < run; k++) heap[dst + k] = heap[src + k];
    }
  } else {
    for (let i = 0; i < count; i++, dst += dstStride, src += srcStride) heap.copyWithin(dst, src, src + run);
  }
}

/** Copies rows of `run` elements within `heap`: row rows[i] of the table at `src` to row i of the one at `dst`. */
export function copyRows(heap: HeapWords, dst: number, src: number, rows: Int32Array, run: number): void {
  if (run < SHORT_RUN) {
    for (let i = 0, d = dst; i < rows.length; i++) {
      for (let k = 0, s = src + rows[i] * run; k < run; k++) heap[d++] = heap[s + k];
    }
  } else {
    for (let i = 0; i < rows.length; i++) {
      const s = src + rows[i] * run;
      heap.copyWithin(dst + i * run, s, s + run);
    }
  }
}
