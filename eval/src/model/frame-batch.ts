/**
 * The graph's inputs for a batch of samples: each sample's key-frame cameras, resized as in training, in the
 * card's normalisation, with their ego -> image matrices, and the frame ego pose the outputs are decoded with.
 */
import type { Mat4, NuScenes } from '@mim4d/dataset';
import { lidarPose } from '@mim4d/finetune';
import { loadKeyFrame } from '@mim4d/pretrain';
import { InputError } from '../cli/shared/exit-codes.ts';
import type { ImageInput } from './model-card-input.ts';

export interface FrameBatch {
  tokens: string[];
  /** [batch, N, H, W, 3] as the graph takes them. */
  images: Float32Array<ArrayBuffer>;
  /** [batch, N, 4, 4] row-major, frame ego -> network-input pixels. */
  egoToImage: Float32Array<ArrayBuffer>;
  /** [batch, 4, 4] row-major, the sample's LIDAR_TOP -> frame ego, which places a BEV-seg graph's grid (when asked). */
  lidarToEgo: Float32Array<ArrayBuffer> | null;
  /** Per sample: the ego pose at the first camera's timestamp, in which the graph's boxes are. */
  egoToGlobal: Mat4<'ego', 'global'>[];
  /** Seconds spent reading, decoding and resizing the images. */
  seconds: number;
}

/** The loader gives pixel / 255 in RGB; a card may ask for other scaling or BGR. */
function normalise(images: Float32Array, input: ImageInput): void {
  const { mean, std, color } = input;
  const identity = color === 'RGB' && mean.every((m) => m === 0) && std.every((s) => s === 255);
  if (identity) return;
  const order = color === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let p = 0; p < images.length; p += 3) {
    const rgb = [images[p], images[p + 1], images[p + 2]];
    for (let c = 0; c < 3; c++) images[p + c] = (rgb[order[c]] * 255 - mean[c]) / std[c];
  }
}

export async function loadFrameBatch(
  nusc: NuScenes,
  tokens: string[],
  input: ImageInput,
  withLidar = false,
): Promise<FrameBatch> {
  const start = performance.now();
  const { cameras: n, imageHeight: h, imageWidth: w } = input;
  const perSample = n * h * w * 3;
  const images = new Float32Array(tokens.length * perSample);
  const egoToImage = new Float32Array(tokens.length * n * 16);
  const lidarToEgo = withLidar ? new Float32Array(tokens.length * 16) : null;
  const egoToGlobal: Mat4<'ego', 'global'>[] = [];
  for (let s = 0; s < tokens.length; s++) {
    let loaded: Awaited<ReturnType<typeof loadKeyFrame>>;
    try {
      loaded = await loadKeyFrame(nusc, tokens[s], { cameras: n, imageHeight: h, imageWidth: w });
      lidarToEgo?.set(lidarPose(nusc, tokens[s], loaded.frame.egoToGlobal).lidarToEgo, s * 16);
    } catch (err) {
      throw new InputError(`sample ${tokens[s]}: ${(err as Error).message}`);
    }
    images.set(loaded.images, s * perSample);
    loaded.frame.cameras.forEach((camera, c) => {
      egoToImage.set(camera.egoToImage, (s * n + c) * 16);
    });
    egoToGlobal.push(loaded.frame.egoToGlobal);
  }
  normalise(images, input);
  return { tokens, images, egoToImage, lidarToEgo, egoToGlobal, seconds: (performance.now() - start) / 1000 };
}
