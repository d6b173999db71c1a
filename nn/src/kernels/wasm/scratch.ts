/**
 * Cap on temporary buffers (patch matrices) in float32 elements; work beyond it is split into chunks so memory stays
 * bounded whatever the batch. 16 Mi floats = 64 MiB by default.
 */
let maxScratchFloats = 16 * 1024 * 1024;

export function getMaxScratchFloats(): number {
  return maxScratchFloats;
}

/** Lowers (or raises) the cap; returns the previous value so a caller can restore it. */
export function setMaxScratchFloats(floats: number): number {
  if (!Number.isInteger(floats) || floats < 1) {
    throw new Error(`setMaxScratchFloats: expected a positive integer, got ${floats}`);
  }
  const previous = maxScratchFloats;
  maxScratchFloats = floats;
  return previous;
}
