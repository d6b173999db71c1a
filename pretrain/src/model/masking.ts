import type { SeededRandom } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';

/**
 * MAE/SparK patch masking: per image, a random `ratio` of the patches is dropped. `keep` is 1 for visible
 * patches, [images, gridH, gridW].
 */
export class PatchMask {
  constructor(
    readonly keep: Float32Array,
    readonly images: number,
    readonly gridH: number,
    readonly gridW: number,
    readonly patchSize: number,
  ) {}

  static random(
    rng: SeededRandom,
    images: number,
    height: number,
    width: number,
    patch: number,
    ratio: number,
  ) {
    const gh = height / patch;
    const gw = width / patch;
    const cells = gh * gw;
    const visible = Math.round(cells * (1 - ratio));
    const keep = new Float32Array(images * cells);
    for (let i = 0; i < images; i++) {
      const order = rng.permutation(cells);
      for (let j = 0; j < visible; j++) keep[i * cells + order[j]] = 1;
    }
    return new PatchMask(keep, images, gh, gw, patch);
  }

  /** Every patch visible (evaluation and export). */
  static none(images: number, height: number, width: number, patch: number) {
    return new PatchMask(
      new Float32Array(images * (height / patch) * (width / patch)).fill(1),
      images,
      height / patch,
      width / patch,
      patch,
    );
  }

  /** Keep-mask at a feature stride, [images, H/stride, W/stride, 1] (nearest upsampling of the patch grid). */
  atStride(stride: number): tf.Tensor4D {
    const f = this.patchSize / stride;
    if (!Number.isInteger(f) || f < 1)
      throw new Error(`PatchMask: stride ${stride} does not divide patch ${this.patchSize}`);
    const h = this.gridH * f;
    const w = this.gridW * f;
    const out = new Float32Array(this.images * h * w);
    for (let i = 0; i < this.images; i++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          out[(i * h + y) * w + x] =
            this.keep[(i * this.gridH + Math.floor(y / f)) * this.gridW + Math.floor(x / f)];
        }
      }
    }
    return tf.tensor4d(out, [this.images, h, w, 1]);
  }
}
