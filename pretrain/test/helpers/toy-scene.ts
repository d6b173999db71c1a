import { type Mat4, mat4, mat4Chain, mat4Inverse } from '@mim4d/dataset';
import type { Mim4dConfig } from '../../src/config/index.ts';
import type { FrameInput, Mim4dSample } from '../../src/model/sample.ts';

/**
 * A ground plane with a colour checkerboard seen by a ring of cameras on a car driving along +x: exact images,
 * poses and LiDAR-like ground points, enough to exercise every stage with real geometry.
 */
export function toyScene(config: Mim4dConfig, speed = 1.5, id = 'toy'): Mim4dSample {
  const { frames: T, cameras: N, imageHeight: H, imageWidth: W } = config.input;
  const f = W / 2;
  const camHeight = 1.6;
  const images = new Float32Array(T * N * H * W * 3);
  const frames: FrameInput[] = [];
  for (let t = 0; t < T; t++) {
    // Frame t lies t steps in the past: the car was behind, at -t * speed along x.
    const egoToGlobal = mat4<'ego', 'global'>([
      1,
      0,
      0,
      100 - t * speed,
      0,
      1,
      0,
      50,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      1,
    ]);
    const cameras = [];
    for (let c = 0; c < N; c++) {
      const yaw = (2 * Math.PI * c) / N;
      const [cy, sy] = [Math.cos(yaw), Math.sin(yaw)];
      // Camera axes (x right, y down, z forward) in ego coordinates; forward = (cos, sin, 0).
      const right = [sy, -cy, 0];
      const down = [0, 0, -1];
      const fwd = [cy, sy, 0];
      const cameraToEgo = mat4<'camera', 'ego'>([
        right[0],
        down[0],
        fwd[0],
        0.5 * cy,
        right[1],
        down[1],
        fwd[1],
        0.5 * sy,
        right[2],
        down[2],
        fwd[2],
        camHeight,
        0,
        0,
        0,
        1,
      ]);
      const intrinsics = mat4<'camera', 'image'>([f, 0, W / 2, 0, 0, f, H / 2, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
      const egoToImage = mat4Chain(mat4Inverse(cameraToEgo), intrinsics);
      cameras.push({ egoToImage, cameraToEgo });
      renderImage(images, (t * N + c) * H * W * 3, cameraToEgo, egoToGlobal, f, H, W);
    }
    frames.push({ cameras, egoToGlobal });
  }
  const points: number[] = [];
  for (let r = 4; r < 14; r += 0.5) {
    for (let a = 0; a < 64; a++) {
      const th = (2 * Math.PI * (a + 0.5 * (r % 1))) / 64;
      points.push(r * Math.cos(th), r * Math.sin(th), 0);
    }
  }
  return { images, frames, points: Float32Array.from(points), id };
}

/** Ground colour at a global point: a 2 m checkerboard in two colours. */
export function groundColour(gx: number, gy: number): [number, number, number] {
  const odd = (Math.floor(gx / 2) + Math.floor(gy / 2)) % 2 !== 0;
  return odd ? [0.9, 0.6, 0.2] : [0.2, 0.4, 0.8];
}

function renderImage(
  out: Float32Array,
  offset: number,
  cameraToEgo: Mat4<'camera', 'ego'>,
  egoToGlobal: Mat4<'ego', 'global'>,
  f: number,
  H: number,
  W: number,
): void {
  const m = cameraToEgo;
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < W; u++) {
      const d = [(u + 0.5 - W / 2) / f, (v + 0.5 - H / 2) / f, 1];
      const de = [0, 1, 2].map((r) => m[4 * r] * d[0] + m[4 * r + 1] * d[1] + m[4 * r + 2] * d[2]);
      const o = offset + (v * W + u) * 3;
      if (de[2] >= -1e-6) {
        out.set([0.6, 0.8, 1], o);
        continue;
      }
      const s = -m[11] / de[2];
      const ex = m[3] + s * de[0];
      const ey = m[7] + s * de[1];
      out.set(groundColour(ex + egoToGlobal[3], ey + egoToGlobal[7]), o);
    }
  }
}
