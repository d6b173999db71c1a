import {
  CAMERA_CHANNELS,
  type CameraFrame,
  LIDAR_POINT_STRIDE,
  type Mat4,
  mat4,
  mat4Chain,
  mat4Inverse,
  NuScenes,
  readImage,
  readLidarPoints,
  readSplitFile,
  sampleFrames,
  splitSamples,
  splitSceneNames,
  splitVersionMismatch,
} from '@mim4d/dataset';
import type { Mim4dConfig } from '../config/index.ts';
import type { CameraView, FrameInput, Mim4dSample } from '../model/sample.ts';
import { resizeIntoCanvas } from './resize.ts';

/** The key samples of a nuScenes-layout dataset, turned into pretraining samples on demand. */
export interface PretrainDataset {
  tokens: string[];
  /** Scene name of each token (same order). */
  scenes: string[];
  load(token: string): Promise<Mim4dSample>;
}

/** Which scenes pretraining may see: a split by name (official, or listed in `splitFile`). */
export interface PretrainScenes {
  split: string;
  splitFile?: string;
}

/**
 * Opens a nuScenes-layout dataroot (the official layout or `mim4d data synth` output). Each key sample becomes
 * T frames of the first `config.input.cameras` camera channels (key frame and previous camera sweeps), resized and
 * zero-padded to the network size, with exact per-frame poses and the key LIDAR_TOP points. With `scenes`, only
 * the samples of that split's scenes are used, so that a backbone never sees the scenes its heads are validated
 * and tested on.
 */
export async function openPretrainDataset(
  dataroot: string,
  version: string,
  config: Mim4dConfig,
  scenes?: PretrainScenes,
): Promise<PretrainDataset> {
  const nusc = await NuScenes.open(dataroot, version);
  const channels = cameraChannels(config.input.cameras);
  const samples = scenes === undefined ? nusc.tables.sample : await splitRecords(nusc, version, scenes);
  const tokens = samples.map((s) => s.token);
  if (tokens.length === 0) throw new Error(`${dataroot} (${version}): sample.json has no samples`);
  const sceneNames = samples.map((s) => nusc.get('scene', s.scene_token).name);
  return { tokens, scenes: sceneNames, load: (token) => loadSample(nusc, token, config, channels) };
}

async function splitRecords(nusc: NuScenes, version: string, scenes: PretrainScenes) {
  const mismatch = splitVersionMismatch(scenes.split, version);
  if (mismatch !== null) throw new Error(mismatch);
  const file = scenes.splitFile === undefined ? undefined : await readSplitFile(scenes.splitFile);
  const names = splitSceneNames(scenes.split, file, scenes.splitFile);
  // A dataroot may hold part of a split (the synthetic generator makes the first few mini scenes).
  const { samples } = splitSamples(nusc, names, { allowMissing: true });
  if (samples.length === 0) {
    throw new Error(`--split ${scenes.split}: none of its scenes is in ${nusc.tableRoot}/scene.json`);
  }
  return samples;
}

/** Camera sizes and count a loader resizes into (a config's `input`, or a model card's preprocessing). */
export interface CameraInputSize {
  cameras: number;
  imageHeight: number;
  imageWidth: number;
}

/** One frame's camera images at the network size and their geometry in the frame's own ego frame. */
export interface LoadedCameraFrame {
  /** [N, H, W, 3] RGB in [0, 1]. */
  images: Float32Array;
  frame: FrameInput;
}

/**
 * Reads one frame's cameras (resized keeping the aspect ratio into the top-left of a zero-padded canvas) and their
 * ego -> network-input-pixel matrices. The frame's ego frame is the ego pose at its first camera's timestamp; the
 * other cameras are placed in it through the global frame, so no pose is approximated.
 */
export async function loadCameraFrame(
  cams: readonly CameraFrame[],
  size: CameraInputSize,
): Promise<LoadedCameraFrame> {
  const { cameras: N, imageHeight: H, imageWidth: W } = size;
  const images = new Float32Array(N * H * W * 3);
  const frameEgoToGlobal = cams[0].egoToGlobal.toMatrix();
  const globalToFrameEgo = mat4Inverse(frameEgoToGlobal);
  const views: CameraView[] = [];
  for (let c = 0; c < N; c++) {
    const cam = cams[c];
    const img = await readImage(cam.path);
    if (img.width !== cam.width || img.height !== cam.height) {
      throw new Error(
        `${cam.path}: image is ${img.width}x${img.height}, sample_data says ${cam.width}x${cam.height}`,
      );
    }
    const { image, scale } = resizeIntoCanvas(img.data, img.width, img.height, W, H);
    images.set(image, c * H * W * 3);
    const camToGlobal = mat4Chain(cam.sensorToEgo.toMatrix(), cam.egoToGlobal.toMatrix());
    const cameraToEgo = mat4Chain(camToGlobal, globalToFrameEgo) as Mat4<'camera', 'ego'>;
    const k = cam.intrinsics;
    const intrinsics = mat4<'camera', 'image'>([
      k[0] * scale,
      k[1] * scale,
      k[2] * scale,
      0,
      k[3] * scale,
      k[4] * scale,
      k[5] * scale,
      0,
      k[6],
      k[7],
      k[8],
      0,
      0,
      0,
      0,
      1,
    ]);
    views.push({ cameraToEgo, egoToImage: mat4Chain(mat4Inverse(cameraToEgo), intrinsics) });
  }
  return { images, frame: { cameras: views, egoToGlobal: frameEgoToGlobal } };
}

/** The key frame of a sample: its first `size.cameras` camera channels, in nuScenes channel order. */
export async function loadKeyFrame(
  nusc: NuScenes,
  token: string,
  size: CameraInputSize,
): Promise<LoadedCameraFrame> {
  const channels = cameraChannels(size.cameras);
  return loadCameraFrame(sampleFrames(nusc, token, { frames: 1, channels }).cameras[0], size);
}

function cameraChannels(count: number): readonly (typeof CAMERA_CHANNELS)[number][] {
  if (count > CAMERA_CHANNELS.length) {
    throw new Error(`config.input.cameras is ${count}; nuScenes has ${CAMERA_CHANNELS.length} cameras`);
  }
  return CAMERA_CHANNELS.slice(0, count);
}

async function loadSample(
  nusc: NuScenes,
  token: string,
  config: Mim4dConfig,
  channels: readonly (typeof CAMERA_CHANNELS)[number][],
): Promise<Mim4dSample> {
  const { frames: T, cameras: N, imageHeight: H, imageWidth: W } = config.input;
  const sf = sampleFrames(nusc, token, { frames: T, channels });
  const images = new Float32Array(T * N * H * W * 3);
  const frames: FrameInput[] = [];
  for (let t = 0; t < T; t++) {
    const loaded = await loadCameraFrame(sf.cameras[t], config.input);
    images.set(loaded.images, t * N * H * W * 3);
    frames.push(loaded.frame);
  }
  const lidar = await readLidarPoints(sf.lidar.path);
  const lidarToKeyEgo = mat4Chain(
    mat4Chain(sf.lidar.sensorToEgo.toMatrix(), sf.lidar.egoToGlobal.toMatrix()),
    mat4Inverse(frames[0].egoToGlobal),
  );
  const m = lidarToKeyEgo;
  const points = new Float32Array(lidar.count * 3);
  for (let i = 0; i < lidar.count; i++) {
    const [x, y, z] = lidar.data.subarray(i * LIDAR_POINT_STRIDE, i * LIDAR_POINT_STRIDE + 3);
    points[3 * i] = m[0] * x + m[1] * y + m[2] * z + m[3];
    points[3 * i + 1] = m[4] * x + m[5] * y + m[6] * z + m[7];
    points[3 * i + 2] = m[8] * x + m[9] * y + m[10] * z + m[11];
  }
  return { images, frames, points, id: token };
}
