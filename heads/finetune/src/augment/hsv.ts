/**
 * OpenCV's float RGB <-> HSV (`cv2.cvtColor` COLOR_BGR2HSV / COLOR_HSV2BGR on float32 images, which mmcv's
 * `bgr2hsv` / `hsv2bgr` call): H in degrees [0, 360), S = (max − min) / |max|, V = max, in the image's own units.
 * Values outside [0, 1] pass through OpenCV's formulas unchanged, as in mmdet's unclipped PhotoMetricDistortion.
 */

/** OpenCV's FLT_EPSILON guard, scaled from upstream's 0..255 pixel units to ours in [0, 1]. */
const EPS = 1.1920928955078125e-7 / 255;

/** Converts one RGB pixel to HSV in `out` ([h, s, v]). */
export function rgbToHsv(r: number, g: number, b: number, out: Float64Array): void {
  const v = Math.max(r, g, b);
  const vmin = Math.min(r, g, b);
  const diff = v - vmin;
  const s = diff / (Math.abs(v) + EPS);
  const k = 60 / (diff + EPS);
  // OpenCV tests red first, then green, so a tie between channels resolves to the earlier one.
  let h = v === r ? (g - b) * k : v === g ? (b - r) * k + 120 : (r - g) * k + 240;
  if (h < 0) h += 360;
  out[0] = h;
  out[1] = s;
  out[2] = v;
}

/** Which of (v, v(1 − s), v(1 − s·f), v(1 − s(1 − f))) each of r, g, b takes, per 60° sector. */
const SECTOR_RGB: readonly (readonly [number, number, number])[] = [
  [0, 3, 1],
  [2, 0, 1],
  [1, 0, 3],
  [1, 2, 0],
  [3, 1, 0],
  [0, 1, 2],
];

/** Scratch for hsvToRgb: it runs once per pixel, and an array per call would dominate its cost. */
const TAB = new Float64Array(4);

/** Converts one HSV pixel (h in degrees) to RGB in `out` ([r, g, b]). */
export function hsvToRgb(h: number, s: number, v: number, out: Float64Array): void {
  if (s === 0) {
    out[0] = v;
    out[1] = v;
    out[2] = v;
    return;
  }
  let x = (h * 6) / 360;
  x %= 6;
  let sector = Math.floor(x);
  x -= sector;
  if (!(sector >= 0 && sector < 6)) {
    sector = 0;
    x = 0;
  }
  const tab = TAB;
  tab[0] = v;
  tab[1] = v * (1 - s);
  tab[2] = v * (1 - s * x);
  tab[3] = v * (1 - s * (1 - x));
  const [ri, gi, bi] = SECTOR_RGB[sector];
  out[0] = tab[ri];
  out[1] = tab[gi];
  out[2] = tab[bi];
}
