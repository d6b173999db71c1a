import type { MapExpansion, NuScenes } from '@mim4d/dataset';
import { type KeyFrameSample, KeyFrameSamples, type LidarPose, lidarPose, SampleMaps } from '@mim4d/finetune';
import type { BevSegConfig } from '../config.ts';

/** A sample's key-frame cameras with where its lidar-frame grid lies and the map its masks come from. */
export interface BevSegSample extends KeyFrameSample {
  pose: LidarPose;
  map: MapExpansion;
}

/** BEV-segmentation samples of a split: images decoded on demand and cached, maps read once per location. */
export class BevSegSamples {
  private readonly frames: KeyFrameSamples;
  private readonly maps: SampleMaps;

  constructor(
    readonly nusc: NuScenes,
    readonly tokens: readonly string[],
    config: BevSegConfig,
  ) {
    this.frames = new KeyFrameSamples(nusc, tokens, config.backbone.input);
    this.maps = new SampleMaps(nusc);
  }

  get count(): number {
    return this.tokens.length;
  }

  async get(index: number): Promise<BevSegSample> {
    const sample = await this.frames.get(index);
    return {
      ...sample,
      pose: lidarPose(this.nusc, sample.token, sample.frame.egoToGlobal),
      map: await this.maps.of(sample.token),
    };
  }
}
