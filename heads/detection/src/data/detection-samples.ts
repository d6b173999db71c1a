import type { NuScenes } from '@mim4d/dataset';
import { type KeyFrameSample, KeyFrameSamples } from '@mim4d/finetune';
import type { DetectionConfig } from '../config.ts';

/** One sample's key-frame cameras at the network size (its boxes depend on the step's augmentation). */
export type DetectionSample = KeyFrameSample;

/** Detection samples of a split at the config's input size, decoded on demand and kept in an LRU cache. */
export class DetectionSamples extends KeyFrameSamples {
  constructor(nusc: NuScenes, tokens: readonly string[], config: DetectionConfig) {
    super(nusc, tokens, config.backbone.input);
  }
}
