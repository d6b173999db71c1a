import type { Mat4 } from '@mim4d/dataset';

/** One camera of one frame. `ego` is that frame's own ego frame. */
export interface CameraView {
  /** Frame ego -> network-input pixels (intrinsics scaled to the resized, padded image). */
  egoToImage: Mat4<'ego', 'image'>;
  cameraToEgo: Mat4<'camera', 'ego'>;
}

export interface FrameInput {
  cameras: CameraView[];
  egoToGlobal: Mat4<'ego', 'global'>;
}

/**
 * A training sample: T frames x N cameras of images at the network size plus the key frame's LiDAR-derived points.
 * Frame 0 is the key frame.
 */
export interface Mim4dSample {
  /** [T, N, H, W, 3] RGB in [0, 1], frame-major then camera. */
  images: Float32Array;
  frames: FrameInput[];
  /** Key-frame points [P * 3] in the key frame's ego frame, metres; they only select rays and give depth. */
  points: Float32Array;
  /** Name for error messages (scene/sample token or synthetic id). */
  id: string;
}

/** Checks a sample against the config's sizes, naming the sample and the field at fault. */
export function checkSample(sample: Mim4dSample, t: number, n: number, h: number, w: number): void {
  const where = `sample ${sample.id}`;
  if (sample.frames.length !== t)
    throw new Error(`${where}: ${sample.frames.length} frames, config needs ${t}`);
  sample.frames.forEach((f, i) => {
    if (f.cameras.length !== n)
      throw new Error(`${where}: frame ${i} has ${f.cameras.length} cameras, config needs ${n}`);
  });
  if (sample.images.length !== t * n * h * w * 3) {
    throw new Error(`${where}: images hold ${sample.images.length} values, expected ${t}x${n}x${h}x${w}x3`);
  }
  if (sample.points.length % 3 !== 0 || sample.points.length === 0) {
    throw new Error(`${where}: points must be a non-empty [P * 3] array, got ${sample.points.length} values`);
  }
}
