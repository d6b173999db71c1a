import type { SeededRandom } from '@mim4d/nn';
import { hsvToRgb, rgbToHsv } from './hsv.ts';
import { checkImages } from './image-batch.ts';

/** mmdet's PhotoMetricDistortion settings, converted from 0..255 pixel units to RGB in [0, 1]. */
export const PHOTOMETRIC_RANGES = {
  brightness: 32 / 255,
  contrast: [0.5, 1.5],
  saturation: [0.5, 1.5],
  hueDegrees: 18,
} as const;

/** The random choices for one image; null = that step is skipped. */
export interface PhotometricDraw {
  /** Added to every channel. */
  brightness: number | null;
  /** Contrast before the HSV steps (upstream mode 1) or after them (mode 0). */
  contrastFirst: boolean;
  contrast: number | null;
  saturation: number | null;
  hueDegrees: number | null;
  /** Output channel c takes input channel permutation[c]. */
  permutation: Int32Array | null;
}

const coin = (rng: SeededRandom): boolean => rng.int(2) === 1;
const uniform = (rng: SeededRandom, lo: number, hi: number): number => lo + (hi - lo) * rng.next();

/** Draws one image's choices in upstream's order (`PhotoMetricDistortionMultiViewImage.__call__`). */
export function drawPhotometric(rng: SeededRandom): PhotometricDraw {
  const { brightness: b, contrast, saturation, hueDegrees: hue } = PHOTOMETRIC_RANGES;
  const brightness = coin(rng) ? uniform(rng, -b, b) : null;
  const contrastFirst = coin(rng);
  let contrastFactor: number | null = null;
  if (contrastFirst && coin(rng)) contrastFactor = uniform(rng, contrast[0], contrast[1]);
  const saturationFactor = coin(rng) ? uniform(rng, saturation[0], saturation[1]) : null;
  const hueDegrees = coin(rng) ? uniform(rng, -hue, hue) : null;
  if (!contrastFirst && coin(rng)) contrastFactor = uniform(rng, contrast[0], contrast[1]);
  const permutation = coin(rng) ? rng.permutation(3) : null;
  return {
    brightness,
    contrastFirst,
    contrast: contrastFactor,
    saturation: saturationFactor,
    hueDegrees,
    permutation,
  };
}

/**
 * Applies one draw to the H·W RGB pixels of `image` in place. The image always goes through HSV and back, even
 * when no HSV step is drawn, because upstream converts unconditionally (a near-identity in [0, 1], not exactly
 * one for pixels pushed below zero). Nothing is clipped, as upstream.
 */
export function applyPhotometric(image: Float32Array, draw: PhotometricDraw): void {
  const hsv = new Float64Array(3);
  const rgb = new Float64Array(3);
  const contrastBefore = draw.contrastFirst && draw.contrast !== null ? draw.contrast : 1;
  const contrastAfter = !draw.contrastFirst && draw.contrast !== null ? draw.contrast : 1;
  const delta = draw.brightness ?? 0;
  const saturation = draw.saturation ?? 1;
  const hueShift = draw.hueDegrees ?? 0;
  const perm = draw.permutation ?? [0, 1, 2];
  for (let p = 0; p < image.length; p += 3) {
    const r = (image[p] + delta) * contrastBefore;
    const g = (image[p + 1] + delta) * contrastBefore;
    const b = (image[p + 2] + delta) * contrastBefore;
    rgbToHsv(r, g, b, hsv);
    let h = hsv[0] + hueShift;
    if (h > 360) h -= 360;
    if (h < 0) h += 360;
    hsvToRgb(h, hsv[1] * saturation, hsv[2], rgb);
    for (let c = 0; c < 3; c++) image[p + c] = rgb[perm[c]] * contrastAfter;
  }
}

/**
 * mmdet's PhotoMetricDistortion on each of `views` [H, W, 3] RGB images in [0, 1] (in place), each with its own
 * draw: brightness, contrast before or after, saturation, hue, channel permutation, each with probability 0.5.
 */
export function photometricDistortion(
  images: Float32Array,
  views: number,
  H: number,
  W: number,
  rng: SeededRandom,
): PhotometricDraw[] {
  checkImages(images, views, H, W, 'photometricDistortion');
  const size = H * W * 3;
  const draws: PhotometricDraw[] = [];
  for (let v = 0; v < views; v++) {
    const draw = drawPhotometric(rng);
    applyPhotometric(images.subarray(v * size, (v + 1) * size), draw);
    draws.push(draw);
  }
  return draws;
}
