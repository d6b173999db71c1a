import { mat4Chain, mat4Inverse } from '@mim4d/dataset';
import type { SeededRandom } from '@mim4d/nn';
import { type Mim4dConfig, sceneScale } from '../config/index.ts';
import type { Mim4dSample } from './sample.ts';

/** Rays of one target frame, in its ego frame scaled by s (unit space), with their targets. */
export interface RayBatch {
  count: number;
  /** [R * 3] camera centres. */
  origins: Float32Array;
  /** [R * 3] unit directions. */
  directions: Float32Array;
  /** [R] near and far (ray entry, clamped to the near plane, and exit of the pcRange box), scaled. */
  near: Float32Array;
  far: Float32Array;
  /** [R] Euclidean distance to the LiDAR point, scaled. */
  depth: Float32Array;
  /** [R * 3] unmasked target-frame colour in [0, 1]. */
  rgb: Float32Array;
  /** [R] camera of each ray. */
  camera: Int32Array;
  /** [R * 2] pixel (u, v) of each ray, for drawing. */
  pixels: Float32Array;
}

function boxInterval(o: number[], d: number[], lo: number[], hi: number[]): [number, number] {
  let tmin = -Infinity;
  let tmax = Infinity;
  for (let a = 0; a < 3; a++) {
    const inv = 1 / d[a];
    let t0 = (lo[a] - o[a]) * inv;
    let t1 = (hi[a] - o[a]) * inv;
    if (t0 > t1) [t0, t1] = [t1, t0];
    tmin = Math.max(tmin, t0);
    tmax = Math.min(tmax, t1);
  }
  return [tmin, tmax];
}

/**
 * Rays for target frame k (method spec 1.7): key-frame LiDAR points, filtered by radius, are moved into frame k's
 * ego frame and projected into each of its cameras; up to raysPerCamera hits per camera are drawn at random
 * (`limit` overrides it, e.g. every hit for a picture). Points outside the pcRange box are not used, because the
 * field cannot represent them and their depth could never be matched.
 */
export function sampleRays(
  config: Mim4dConfig,
  sample: Mim4dSample,
  k: number,
  rng: SeededRandom,
  limit = config.render.raysPerCamera,
): RayBatch {
  const r = config.render;
  const { imageHeight: H, imageWidth: W, cameras: N } = config.input;
  const s = sceneScale(config);
  const lo = config.grid.pcRange.slice(0, 3);
  const hi = config.grid.pcRange.slice(3, 6);
  const frame = sample.frames[k];
  const keyToK = mat4Chain(sample.frames[0].egoToGlobal, mat4Inverse(frame.egoToGlobal));
  const pts = sample.points;
  const kept: number[] = [];
  for (let i = 0; i < pts.length / 3; i++) {
    const [x, y, z] = [pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]];
    const xy = Math.hypot(x, y);
    if (Math.hypot(x, y, z) <= r.minRadius || xy <= r.xyMin || xy >= r.xyMax) continue;
    const m = keyToK;
    const px = m[0] * x + m[1] * y + m[2] * z + m[3];
    const py = m[4] * x + m[5] * y + m[6] * z + m[7];
    const pz = m[8] * x + m[9] * y + m[10] * z + m[11];
    if (px <= lo[0] || py <= lo[1] || pz <= lo[2] || px >= hi[0] || py >= hi[1] || pz >= hi[2]) continue;
    kept.push(px, py, pz);
  }
  const out = {
    origins: [] as number[],
    directions: [] as number[],
    near: [] as number[],
    far: [] as number[],
    depth: [] as number[],
    rgb: [] as number[],
    camera: [] as number[],
    pixels: [] as number[],
  };
  for (let c = 0; c < N; c++) {
    const cam = frame.cameras[c];
    const m = cam.egoToImage;
    const o = [cam.cameraToEgo[3], cam.cameraToEgo[7], cam.cameraToEgo[11]];
    const hits: number[] = [];
    for (let i = 0; i < kept.length / 3; i++) {
      const [x, y, z] = [kept[3 * i], kept[3 * i + 1], kept[3 * i + 2]];
      const zc = m[8] * x + m[9] * y + m[10] * z + m[11];
      if (!(zc > 0)) continue;
      const u = (m[0] * x + m[1] * y + m[2] * z + m[3]) / zc;
      const v = (m[4] * x + m[5] * y + m[6] * z + m[7]) / zc;
      if (u >= 0 && u < W && v >= 0 && v < H) hits.push(i);
    }
    const order = rng.permutation(hits.length);
    let taken = 0;
    for (let j = 0; j < order.length && taken < limit; j++) {
      const i = hits[order[j]];
      const p = [kept[3 * i], kept[3 * i + 1], kept[3 * i + 2]];
      const delta = [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
      const dist = Math.hypot(delta[0], delta[1], delta[2]);
      const d = delta.map((v) => v / dist);
      const [t0, t1] = boxInterval(o, d, lo, hi);
      const near = Math.max(t0, r.near);
      // The point lies inside the box, so t1 >= dist; only a point before the near plane is unusable.
      if (!(dist > near && t1 > near)) continue;
      const zc = m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11];
      const u = (m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3]) / zc;
      const v = (m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7]) / zc;
      const base = (((k * N + c) * H + Math.floor(v)) * W + Math.floor(u)) * 3;
      out.origins.push(o[0] * s, o[1] * s, o[2] * s);
      out.directions.push(...d);
      out.near.push(near * s);
      out.far.push(t1 * s);
      out.depth.push(dist * s);
      out.rgb.push(sample.images[base], sample.images[base + 1], sample.images[base + 2]);
      out.camera.push(c);
      out.pixels.push(u, v);
      taken++;
    }
  }
  return {
    count: out.near.length,
    origins: Float32Array.from(out.origins),
    directions: Float32Array.from(out.directions),
    near: Float32Array.from(out.near),
    far: Float32Array.from(out.far),
    depth: Float32Array.from(out.depth),
    rgb: Float32Array.from(out.rgb),
    camera: Int32Array.from(out.camera),
    pixels: Float32Array.from(out.pixels),
  };
}

/** One ray through the centre of every `stride`-th pixel of a camera of frame k (for pictures); depth unknown (0). */
export function pixelRays(
  config: Mim4dConfig,
  sample: Mim4dSample,
  k: number,
  camera: number,
  stride = 1,
): RayBatch {
  const { imageHeight: H, imageWidth: W, cameras: N } = config.input;
  const s = sceneScale(config);
  const lo = config.grid.pcRange.slice(0, 3);
  const hi = config.grid.pcRange.slice(3, 6);
  const cam = sample.frames[k].cameras[camera];
  const inv = mat4Inverse(cam.egoToImage);
  const o = [cam.cameraToEgo[3], cam.cameraToEgo[7], cam.cameraToEgo[11]];
  const rays: RayBatch = {
    count: 0,
    origins: new Float32Array(0),
    directions: new Float32Array(0),
    near: new Float32Array(0),
    far: new Float32Array(0),
    depth: new Float32Array(0),
    rgb: new Float32Array(0),
    camera: new Int32Array(0),
    pixels: new Float32Array(0),
  };
  const acc = {
    origins: [] as number[],
    directions: [] as number[],
    near: [] as number[],
    far: [] as number[],
    rgb: [] as number[],
    pixels: [] as number[],
  };
  for (let v = 0; v < H; v += stride) {
    for (let u = 0; u < W; u += stride) {
      const q = [u + 0.5, v + 0.5, 1, 1];
      const p = [0, 1, 2].map(
        (r) => inv[4 * r] * q[0] + inv[4 * r + 1] * q[1] + inv[4 * r + 2] * q[2] + inv[4 * r + 3],
      );
      const delta = [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
      const len = Math.hypot(delta[0], delta[1], delta[2]);
      const d = delta.map((x) => x / len);
      const [t0, t1] = boxInterval(o, d, lo, hi);
      const near = Math.max(t0, config.render.near);
      const far = t1 > near ? t1 : near + 1e-3;
      const base = (((k * N + camera) * H + v) * W + u) * 3;
      acc.origins.push(o[0] * s, o[1] * s, o[2] * s);
      acc.directions.push(...d);
      acc.near.push(near * s);
      acc.far.push(far * s);
      acc.rgb.push(sample.images[base], sample.images[base + 1], sample.images[base + 2]);
      acc.pixels.push(u, v);
    }
  }
  rays.count = acc.near.length;
  rays.origins = Float32Array.from(acc.origins);
  rays.directions = Float32Array.from(acc.directions);
  rays.near = Float32Array.from(acc.near);
  rays.far = Float32Array.from(acc.far);
  rays.depth = new Float32Array(rays.count);
  rays.rgb = Float32Array.from(acc.rgb);
  rays.camera = new Int32Array(rays.count).fill(camera);
  rays.pixels = Float32Array.from(acc.pixels);
  return rays;
}

/** Rays rendered at once outside training (pictures, evaluation): bounds the memory of one forward pass. */
export const RENDER_CHUNK = 1024;

/** Splits a ray batch into consecutive batches of at most `size` rays (views, no copies). */
export function chunkRays(rays: RayBatch, size: number): RayBatch[] {
  const chunks: RayBatch[] = [];
  for (let a = 0; a < rays.count; a += size) {
    const b = Math.min(a + size, rays.count);
    chunks.push({
      count: b - a,
      origins: rays.origins.subarray(3 * a, 3 * b),
      directions: rays.directions.subarray(3 * a, 3 * b),
      near: rays.near.subarray(a, b),
      far: rays.far.subarray(a, b),
      depth: rays.depth.subarray(a, b),
      rgb: rays.rgb.subarray(3 * a, 3 * b),
      camera: rays.camera.subarray(a, b),
      pixels: rays.pixels.subarray(2 * a, 2 * b),
    });
  }
  return chunks;
}
