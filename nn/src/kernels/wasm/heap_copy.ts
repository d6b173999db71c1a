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
 * Copies `run` elements from `src` to `dst` within `heap`. copyWithin moves bytes, ~10x an element loop on the
 * 96-value runs of a 3x3x3 filter over 32 channels and ~2x on 16-value rows.
 */
export function copyRun(heap: HeapWords, dst: number, src: number, run: number): void {
  if (run < SHORT_RUN) {
    for (let k = 0; k < run; k++) heap[dst + k] = heap[src + k];
  } else {
    heap.copyWithin(dst, src, src + run);
  }
}
