/** Pictures inside figures: raster images (camera frames, rendered views, BEV maps) placed as Vega-Lite views. */
import sharp from 'sharp';
import type { VegaLiteSpec } from './render.ts';

/** 8-bit RGB of an image whose values are in [0, 1] (clamped), [h, w, 3] row-major. */
export function unitRgbToBytes(rgb: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(rgb.length);
  for (let k = 0; k < rgb.length; k++) bytes[k] = Math.round(255 * Math.min(1, Math.max(0, rgb[k])));
  return bytes;
}

/** A PNG data URL of 8-bit RGB pixels, each shown as a `scale` x `scale` block (no smoothing). */
export async function rgbDataUrl(rgb: Uint8Array, width: number, height: number, scale = 1): Promise<string> {
  let image = sharp(rgb, { raw: { width, height, channels: 3 } });
  if (scale > 1) image = image.resize(width * scale, height * scale, { kernel: 'nearest' });
  return `data:image/png;base64,${(await image.png().toBuffer()).toString('base64')}`;
}

/** A view showing one image at `width` x `height` CSS pixels under a small title; compose them with h/vconcat. */
export function imageView(url: string, width: number, height: number, title: string): VegaLiteSpec {
  return {
    title: { text: title, fontSize: 11, fontWeight: 'normal' },
    width,
    height,
    data: { values: [{ url }] },
    mark: { type: 'image', width, height, aspect: false, align: 'left', baseline: 'top' },
    encoding: { x: { value: 0 }, y: { value: 0 }, url: { field: 'url', type: 'nominal' } },
  } as VegaLiteSpec;
}
