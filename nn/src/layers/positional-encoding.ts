import * as tf from '@tensorflow/tfjs-core';

/**
 * DETR's normalised sine positional encoding for an H x W map, [H * W, dims] (row-major cells): the first half
 * encodes the row, the second the column, interleaving sin and cos, temperature 10000, scale 2 pi.
 */
export function sinePositionalEncoding(height: number, width: number, dims: number): tf.Tensor2D {
  if (dims % 4 !== 0) throw new Error(`sinePositionalEncoding: dims must be a multiple of 4, got ${dims}`);
  const half = dims / 2;
  const out = new Float32Array(height * width * dims);
  const eps = 1e-6;
  const scale = 2 * Math.PI;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = (y * width + x) * dims;
      const ey = ((y + 1) / (height + eps)) * scale;
      const ex = ((x + 1) / (width + eps)) * scale;
      for (let i = 0; i < half; i++) {
        const t = 10000 ** ((2 * Math.floor(i / 2)) / half);
        const trig = i % 2 === 0 ? Math.sin : Math.cos;
        out[base + i] = trig(ey / t);
        out[base + half + i] = trig(ex / t);
      }
    }
  }
  return tf.tensor2d(out, [height * width, dims]);
}
