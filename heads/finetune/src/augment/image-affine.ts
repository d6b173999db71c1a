import { type Mat4, mat4, mat4Chain } from '@mim4d/dataset';
import type { SeededRandom } from '@mim4d/nn';
import { checkImages } from './image-batch.ts';

/**
 * A 2-D affine of the network-input pixels, row-major [a, b, c, d, e, f]: the content at pixel (u, v) moves to
 * (a·u + b·v + c, d·u + e·v + f). Pixel k sits at coordinate k, the convention of the camera matrices and lifting.
 */
export type ImageAffine = readonly [number, number, number, number, number, number];

export interface ImageAffineRanges {
  /** [min, max] radians, counter-clockwise on the screen. */
  rotation: readonly [number, number];
  /** [min, max] factor relative to the network-input size. */
  zoom: readonly [number, number];
  /** Mirror left-right with probability 0.5. */
  flip: boolean;
}

/**
 * BEVFusion's ImageAug3D as one affine of an H x W input (mmdet3d `pipelines/transforms_3d.py` img_transform):
 * zoom by z about the origin, crop back to H x W keeping the bottom rows and a uniformly drawn horizontal offset,
 * flip, then rotate about the image centre. Draws the zoom, the offset, the flip (when enabled) and the angle, in
 * upstream's order.
 */
export function drawImageAffine(
  rng: SeededRandom,
  ranges: ImageAffineRanges,
  H: number,
  W: number,
): ImageAffine {
  const [z0, z1] = ranges.zoom;
  const [r0, r1] = ranges.rotation;
  if (!(z0 > 0 && Number.isFinite(z1) && z0 <= z1)) {
    throw new Error(
      `drawImageAffine: zoom must be a finite [min, max] with 0 < min <= max, got [${z0}, ${z1}]`,
    );
  }
  if (!(Number.isFinite(r0) && Number.isFinite(r1) && r0 <= r1)) {
    throw new Error(
      `drawImageAffine: rotation must be a finite [min, max] with min <= max, got [${r0}, ${r1}]`,
    );
  }
  const zoom = z0 + (z1 - z0) * rng.next();
  const offsetX = Math.max(0, (zoom - 1) * W) * rng.next();
  const offsetY = (zoom - 1) * H;
  const flip = ranges.flip && rng.next() < 0.5;
  const angle = r0 + (r1 - r0) * rng.next();
  // Zoom and crop: u' = z·u - ox.
  let m: number[] = [zoom, 0, -offsetX, 0, zoom, -offsetY];
  if (flip) m = compose([-1, 0, W - 1, 0, 1, 0], m);
  const [cx, cy] = [(W - 1) / 2, (H - 1) / 2];
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  // Screen rows grow downwards, so a counter-clockwise turn on the screen is -angle in (u, v).
  const rotation = [c, s, cx - c * cx - s * cy, -s, c, cy + s * cx - c * cy];
  return compose(rotation, m) as unknown as ImageAffine;
}

/** second ∘ first. */
function compose(second: readonly number[], first: readonly number[]): number[] {
  const [a, b, c, d, e, f] = second;
  const [p, q, r, s, t, u] = first;
  return [a * p + b * s, a * q + b * t, a * r + b * u + c, d * p + e * s, d * q + e * t, d * r + e * u + f];
}

/** The affine as the 4 x 4 that acts on homogeneous pixels (u·z, v·z, z, 1). */
function affineMatrix(m: ImageAffine): Mat4<'image', 'image'> {
  const [a, b, c, d, e, f] = m;
  return mat4<'image', 'image'>([a, b, c, 0, d, e, f, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
}

/** The camera matrix of the warped image: a point lands where its pixel moved to. */
export function affineEgoToImage(egoToImage: Mat4<'ego', 'image'>, m: ImageAffine): Mat4<'ego', 'image'> {
  return mat4Chain(egoToImage, affineMatrix(m));
}

/**
 * Warps `views` [H, W, 3] images by the affine: each output pixel reads its source position bilinearly, zero
 * outside the input (as upstream's PIL transform fills with black). Returns new images.
 */
export function warpImages(
  images: Float32Array,
  views: number,
  H: number,
  W: number,
  m: ImageAffine,
): Float32Array {
  checkImages(images, views, H, W, 'warpImages');
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (!(Number.isFinite(det) && Math.abs(det) > 1e-12)) {
    throw new Error(`warpImages: the affine [${m.join(', ')}] is not invertible`);
  }
  // Inverse affine: source = M⁻¹ · (output - translation).
  const [ia, ib, id, ie] = [e / det, -b / det, -d / det, a / det];
  const out = new Float32Array(images.length);
  const read = (base: number, x: number, y: number, ch: number) =>
    x >= 0 && x < W && y >= 0 && y < H ? images[base + (y * W + x) * 3 + ch] : 0;
  for (let n = 0; n < views; n++) {
    const base = n * H * W * 3;
    for (let v = 0; v < H; v++) {
      for (let u = 0; u < W; u++) {
        const su = ia * (u - c) + ib * (v - f);
        const sv = id * (u - c) + ie * (v - f);
        const x0 = Math.floor(su);
        const y0 = Math.floor(sv);
        if (x0 < -1 || x0 >= W || y0 < -1 || y0 >= H) continue;
        const fx = su - x0;
        const fy = sv - y0;
        const o = base + (v * W + u) * 3;
        for (let ch = 0; ch < 3; ch++) {
          out[o + ch] =
            (1 - fy) * ((1 - fx) * read(base, x0, y0, ch) + fx * read(base, x0 + 1, y0, ch)) +
            fy * ((1 - fx) * read(base, x0, y0 + 1, ch) + fx * read(base, x0 + 1, y0 + 1, ch));
        }
      }
    }
  }
  return out;
}
