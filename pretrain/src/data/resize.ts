/**
 * Area (box-filter) resampling of an 8-bit RGB image into the top-left of a zero-padded `outW` x `outH` canvas,
 * keeping the aspect ratio (the reference's x0.5 resize + pad, for any size). Values become [0, 1]. Area averaging
 * keeps strong downscales (1600 -> 112 px) free of aliasing. Returns the canvas and the scale applied.
 */
export function resizeIntoCanvas(
  rgb: Uint8Array,
  width: number,
  height: number,
  outW: number,
  outH: number,
): { image: Float32Array; scale: number } {
  const scale = Math.min(outW / width, outH / height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const image = new Float32Array(outW * outH * 3);
  const fx = width / w;
  const fy = height / h;
  for (let y = 0; y < h; y++) {
    const y0 = y * fy;
    const y1 = y0 + fy;
    for (let x = 0; x < w; x++) {
      const x0 = x * fx;
      const x1 = x0 + fx;
      let r = 0;
      let g = 0;
      let b = 0;
      let area = 0;
      for (let sy = Math.floor(y0); sy < Math.min(Math.ceil(y1), height); sy++) {
        const wy = Math.min(sy + 1, y1) - Math.max(sy, y0);
        for (let sx = Math.floor(x0); sx < Math.min(Math.ceil(x1), width); sx++) {
          const wgt = wy * (Math.min(sx + 1, x1) - Math.max(sx, x0));
          const o = (sy * width + sx) * 3;
          r += wgt * rgb[o];
          g += wgt * rgb[o + 1];
          b += wgt * rgb[o + 2];
          area += wgt;
        }
      }
      const o = (y * outW + x) * 3;
      image[o] = r / area / 255;
      image[o + 1] = g / area / 255;
      image[o + 2] = b / area / 255;
    }
  }
  return { image, scale };
}
