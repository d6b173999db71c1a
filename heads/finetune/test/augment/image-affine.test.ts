import assert from 'node:assert/strict';
import { mat4, mat4ApplyHomogeneous, vec3 } from '@mim4d/dataset';
import { SeededRandom } from '@mim4d/nn';
import { affineEgoToImage, drawImageAffine, warpImages } from '../../src/augment/image-affine.ts';

const [H, W] = [48, 64];
const RANGES = { rotation: [-0.094, 0.094], zoom: [0.79, 1.15], flip: true } as const;
// A camera 1.5 m up looking along ego +x, 40 px focal length, principal point (32, 24).
const EGO_TO_IMAGE = mat4<'ego', 'image'>([32, -40, 0, 0, 24, 0, -40, 60, 1, 0, 0, 0, 0, 0, 0, 1]);

function pixelOf(m: typeof EGO_TO_IMAGE, p: readonly number[]): [number, number] {
  const [u, v, z] = mat4ApplyHomogeneous(m, vec3<'ego'>(p[0], p[1], p[2]));
  return [u / z, v / z];
}

/** A bright Gaussian spot at (u, v) on black, in the red channel. */
function spotImage(u: number, v: number): Float32Array {
  const image = new Float32Array(H * W * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) image[(y * W + x) * 3] = Math.exp(-((x - u) ** 2 + (y - v) ** 2) / 4);
  }
  return image;
}

/** Intensity-weighted centre of the red channel. */
function centroid(image: Float32Array): [number, number] {
  let [sx, sy, sw] = [0, 0, 0];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const w = image[(y * W + x) * 3];
      [sx, sy, sw] = [sx + w * x, sy + w * y, sw + w];
    }
  }
  return [sx / sw, sy / sw];
}

describe('image affine augmentation', () => {
  it('is the identity at zoom 1, no rotation and no flip, and leaves the images unchanged', () => {
    const m = drawImageAffine(new SeededRandom(0), { rotation: [0, 0], zoom: [1, 1], flip: false }, H, W);
    assert.deepEqual([...m], [1, 0, 0, 0, 1, 0]);
    const image = spotImage(20, 10);
    assert.deepEqual(warpImages(image, 1, H, W, m), image);
  });

  it('moves the pixel of a scene point to where the adjusted camera matrix projects it', () => {
    const rng = new SeededRandom(1);
    let [flipped, checked] = [0, 0];
    for (let k = 0; k < 30; k++) {
      const p = [8 + 6 * rng.next(), 3 * rng.next() - 1.5, 0.5 * rng.next()];
      const [u, v] = pixelOf(EGO_TO_IMAGE, p);
      const m = drawImageAffine(rng, RANGES, H, W);
      if (m[0] < 0) flipped++;
      const [u1, v1] = pixelOf(affineEgoToImage(EGO_TO_IMAGE, m), p);
      if (u1 < 4 || u1 > W - 5 || v1 < 4 || v1 > H - 5) continue;
      checked++;
      const [cu, cv] = centroid(warpImages(spotImage(u, v), 1, H, W, m));
      assert.ok(
        Math.hypot(cu - u1, cv - v1) < 0.3,
        `draw ${k}: spot at (${cu}, ${cv}), matrix says (${u1}, ${v1})`,
      );
    }
    assert.ok(flipped > 5 && flipped < 25, `${flipped} of 30 flipped`);
    assert.ok(checked > 20, `${checked} spots stayed inside the image`);
  });

  it('keeps the bottom row when zooming in and draws zoom and angle inside their ranges', () => {
    const rng = new SeededRandom(2);
    for (let k = 0; k < 200; k++) {
      const m = drawImageAffine(rng, { rotation: [0, 0], zoom: [1, 1.15], flip: false }, H, W);
      assert.ok(m[0] >= 1 && m[0] <= 1.15 && m[1] === 0 && m[3] === 0);
      // Row H - 1 of the zoomed image is row H - 1 of the output: v' = z·v - (z - 1)·H maps H to H.
      assert.ok(Math.abs(m[4] * H + m[5] - H) < 1e-9);
      // The crop stays inside the zoomed image: u' = 0 and u' = W come from inside [0, W].
      assert.ok(-m[2] / m[0] >= 0 && (W - m[2]) / m[0] <= W + 1e-9);
    }
  });

  it('names bad ranges and a singular affine', () => {
    const rng = new SeededRandom(0);
    assert.throws(
      () => drawImageAffine(rng, { rotation: [0, 0], zoom: [0, 1], flip: false }, H, W),
      /drawImageAffine: zoom must be .* got \[0, 1\]/,
    );
    assert.throws(
      () => drawImageAffine(rng, { rotation: [1, -1], zoom: [1, 1], flip: false }, H, W),
      /drawImageAffine: rotation must be .* got \[1, -1\]/,
    );
    assert.throws(
      () => warpImages(new Float32Array(H * W * 3), 1, H, W, [0, 0, 0, 0, 0, 0]),
      /not invertible/,
    );
  });
});
