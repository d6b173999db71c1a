import { type Mim4dConfig, micro, tiny } from '@mim4d/pretrain';

/**
 * The pretraining backbone presets as every head fine-tunes them (heads.md section 0): `tiny` at twice its
 * pretraining resolution (64x112 -> 128x224), `micro` at 64x96 on all six cameras, since the heads' ground truth
 * lies all around the ego while micro pretraining sees two.
 */
export const FINETUNE_BACKBONES: Readonly<Record<'tiny' | 'micro', Mim4dConfig>> = {
  tiny: { ...tiny, input: { ...tiny.input, imageHeight: 128, imageWidth: 224 } },
  micro: { ...micro, input: { ...micro.input, cameras: 6, imageHeight: 64, imageWidth: 96 } },
};
