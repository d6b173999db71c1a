/**
 * Cap on temporary buffers (patch matrices, dilated gradients) in float32 elements: 16 Mi floats = 64 MiB. Work
 * beyond it is split into chunks, so memory stays bounded whatever the batch.
 */
export const MAX_SCRATCH_FLOATS = 16 * 1024 * 1024;
