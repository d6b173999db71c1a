import type { NuScenes } from '@mim4d/dataset';
import { type FrameInput, loadKeyFrame, SampleCache } from '@mim4d/pretrain';
import type { DetectionConfig } from '../config.ts';

/** One sample's key-frame cameras at the network size (its boxes depend on the step's augmentation). */
export interface DetectionSample {
  token: string;
  /** [N, H, W, 3] RGB in [0, 1]. */
  images: Float32Array;
  frame: FrameInput;
}

/** Memory the sample cache may fill with images. */
const CACHE_BYTES = 512 * 1024 ** 2;

/** Detection samples of a split, decoded on demand and kept in an LRU cache. */
export class DetectionSamples {
  private readonly cache: SampleCache<DetectionSample>;

  constructor(
    readonly nusc: NuScenes,
    readonly tokens: readonly string[],
    readonly config: DetectionConfig,
  ) {
    const { cameras, imageHeight, imageWidth } = config.backbone.input;
    this.cache = new SampleCache(
      Math.max(1, Math.floor(CACHE_BYTES / (cameras * imageHeight * imageWidth * 3 * 4))),
    );
  }

  get count(): number {
    return this.tokens.length;
  }

  get(index: number): Promise<DetectionSample> {
    const token = this.tokens[index];
    return this.cache.get(token, async () => {
      const { images, frame } = await loadKeyFrame(this.nusc, token, this.config.backbone.input);
      return { token, images, frame };
    });
  }
}
