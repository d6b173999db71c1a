import type { SeededRandom } from '@mim4d/nn';
import { checkImages } from './image-batch.ts';

/** Stripe width over period, MIM4D's `GridMask(..., ratio=0.5, mode=1)`. */
const RATIO = 0.5;

export interface GridMaskOptions {
  /** Probability that a batch is masked at all (upstream 0.7). */
  prob?: number;
  /** RGB in [0, 1] written into masked pixels: the normalisation mean, so they are 0 after normalising. */
  fill: readonly [number, number, number];
}

/**
 * Draws MIM4D's GridMask for an H x W image (`projects/mmdet3d_plugin/models/utils/grid_mask.py`, mode 1, no
 * rotation): with probability `prob`, a period d ~ U{2..H-1}, stripes of l = round(d/2) rows and columns at
 * random offsets on a 1.5x larger canvas, centre-cropped. Returns 1 for pixels to fill (those in neither a row
 * nor a column stripe: a grid of squares), or null when this draw masks nothing.
 */
export function drawGridMask(H: number, W: number, rng: SeededRandom, prob = 0.7): Uint8Array | null {
  if (!(prob >= 0 && prob <= 1)) throw new Error(`gridMask: prob must be in [0, 1], got ${prob}`);
  if (!Number.isInteger(H) || H < 3) throw new Error(`gridMask: H must be an integer >= 3, got ${H}`);
  if (rng.next() > prob) return null;
  const d = 2 + rng.int(H - 2);
  const l = Math.min(Math.max(Math.floor(d * RATIO + 0.5), 1), d - 1);
  const startRow = rng.int(d);
  const startCol = rng.int(d);
  const rows = stripes(Math.floor(1.5 * H), d, l, startRow);
  const cols = stripes(Math.floor(1.5 * W), d, l, startCol);
  const top = (Math.floor(1.5 * H) - H) >> 1;
  const left = (Math.floor(1.5 * W) - W) >> 1;
  const mask = new Uint8Array(H * W);
  for (let y = 0; y < H; y++) {
    if (rows[top + y]) continue;
    for (let x = 0; x < W; x++) if (!cols[left + x]) mask[y * W + x] = 1;
  }
  return mask;
}

/** 1 on the canvas lines that stripes i = 0 .. floor(n / d) − 1 cover: [d·i + start, d·i + start + l). */
function stripes(n: number, d: number, l: number, start: number): Uint8Array {
  const covered = new Uint8Array(n);
  for (let i = 0; i < Math.floor(n / d); i++) {
    const s = d * i + start;
    covered.fill(1, s, Math.min(s + l, n));
  }
  return covered;
}

/**
 * MIM4D's GridMask on `views` [H, W, 3] RGB images (in place): one mask drawn for all views, as upstream masks
 * the whole B·N batch with one draw. Upstream zeroes normalised images; here masked pixels take `fill`, the
 * colour that normalises to zero. Returns the mask, or null when this draw left the images untouched.
 */
export function gridMask(
  images: Float32Array,
  views: number,
  H: number,
  W: number,
  rng: SeededRandom,
  options: GridMaskOptions,
): Uint8Array | null {
  checkImages(images, views, H, W, 'gridMask');
  const { fill } = options;
  if (fill.length !== 3 || !fill.every(Number.isFinite)) {
    throw new Error(`gridMask: fill must be 3 finite RGB values, got [${fill}]`);
  }
  const mask = drawGridMask(H, W, rng, options.prob ?? 0.7);
  if (mask === null) return null;
  for (let v = 0; v < views; v++) {
    const base = v * H * W * 3;
    for (let i = 0; i < H * W; i++) {
      if (mask[i] === 0) continue;
      images[base + 3 * i] = fill[0];
      images[base + 3 * i + 1] = fill[1];
      images[base + 3 * i + 2] = fill[2];
    }
  }
  return mask;
}
