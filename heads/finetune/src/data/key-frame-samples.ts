import type { NuScenes } from '@mim4d/dataset';
import { type CameraInputSize, type FrameInput, loadKeyFrame, SampleCache } from '@mim4d/pretrain';

/** One sample's key-frame cameras at the network size (its targets depend on the step's augmentation). */
export interface KeyFrameSample {
  token: string;
  /** [N, H, W, 3] RGB in [0, 1]. */
  images: Float32Array;
  frame: FrameInput;
}

/** Memory the sample cache may fill with images. */
const CACHE_BYTES = 512 * 1024 ** 2;

/** The key frames of a split's samples, decoded on demand and kept in an LRU cache. */
export class KeyFrameSamples {
  private readonly cache: SampleCache<KeyFrameSample>;

  constructor(
    readonly nusc: NuScenes,
    readonly tokens: readonly string[],
    readonly input: CameraInputSize,
  ) {
    const { cameras, imageHeight, imageWidth } = input;
    this.cache = new SampleCache(
      Math.max(1, Math.floor(CACHE_BYTES / (cameras * imageHeight * imageWidth * 3 * 4))),
    );
  }

  get count(): number {
    return this.tokens.length;
  }

  get(index: number): Promise<KeyFrameSample> {
    const token = this.tokens[index];
    return this.cache.get(token, async () => {
      const { images, frame } = await loadKeyFrame(this.nusc, token, this.input);
      return { token, images, frame };
    });
  }
}
