import { FINETUNE_BACKBONES, type GridBound, gridCells } from '@mim4d/finetune';
import {
  checkOptimAndEvaluation,
  checkStructure,
  loadPresetOrFile,
  type Mim4dConfig,
  configRule as rule,
  tiny as tinyBackbone,
  validateConfig,
} from '@mim4d/pretrain';

/**
 * A MapTR vectorized HD-map fine-tune on the MIM4D volume (heads.md section 3): the backbone at the fine-tuning
 * resolution, the bridge to a lidar-frame BEV, the hierarchical queries and decoder, the losses and matching costs,
 * the optimiser and the image augmentation. Lengths are metres.
 */
export interface HdMapConfig {
  name: string;
  /** Head initialisation, sample order, order subsets, augmentation and dropout draws. */
  seed: number;
  /** The MIM4D backbone (its `input` is the fine-tuning image size; `frames` is unused: one frame is lifted). */
  backbone: Mim4dConfig;
  head: {
    /** Channels of the bridge (height-to-channel conv and LSS downsample): the decoder's width too. */
    dims: number;
    /**
     * The lidar-frame patch and its BEV: x lateral, y longitudinal, [min, max, cell], symmetric about the lidar.
     * Points are normalised by the patch, as MapTR's by pc_range.
     */
    xBound: GridBound;
    yBound: GridBound;
    /** Instance queries (V) and points per instance (P): V x P decoder queries. */
    vectors: number;
    points: number;
    layers: number;
    heads: number;
    /** Sampling points per head of the deformable cross-attention. */
    deformPoints: number;
    ffn: number;
    dropout: number;
    /** Flat top-k over vectors x classes kept by post-processing. */
    topK: number;
  };
  loss: {
    cls: number;
    pts: number;
    dir: number;
    costCls: number;
    costPts: number;
    alpha: number;
    gamma: number;
  };
  optim: Mim4dConfig['optim'];
  augment: { photometric: boolean; gridMaskProb: number };
  evaluation: {
    /** Steps between validation evaluations besides the start and the end; 0: none in between. */
    every: number;
  };
}

/** MapTR-tiny's AdamW 6e-4, backbone x0.1, wd 0.01, clip 35, cosine to 1e-3 with a warm-up from 1/3 (heads.md 3.1). */
const OPTIM: Mim4dConfig['optim'] = { ...tinyBackbone.optim, lr: 6e-4, backboneLrMult: 0.1 };

/**
 * heads.md 3.2: the scaled recipe on the `tiny` backbone at 128 x 224: the patch x ±11.2, y ±22.4 on a 14 x 28 BEV
 * of 1.6 m cells (the front cell centre maps to ego x 22.5 < 24.0, inside the volume), 30 x 20 queries.
 */
export const tiny: HdMapConfig = {
  name: 'tiny',
  seed: 0,
  backbone: FINETUNE_BACKBONES.tiny,
  head: {
    dims: 32,
    xBound: [-11.2, 11.2, 1.6],
    yBound: [-22.4, 22.4, 1.6],
    vectors: 30,
    points: 20,
    layers: 6,
    heads: 4,
    deformPoints: 4,
    ffn: 64,
    dropout: 0.1,
    topK: 30,
  },
  loss: { cls: 2, pts: 5, dir: 0.005, costCls: 2, costPts: 5, alpha: 0.25, gamma: 2 },
  optim: OPTIM,
  augment: { photometric: true, gridMaskProb: 0.7 },
  evaluation: { every: 0 },
};

/**
 * The smallest HD-map head with every component, on the `micro` backbone (8 x 8 voxels of 3.2 m, corner span
 * [-12.8, 9.6]): tests and quick runs. Its 16 x 16 m patch keeps tiny's 1.6 m cells; seen from a lidar 0.944 m
 * ahead of the ego origin, its front edge maps to ego x 8.9 < 9.6.
 */
export const micro: HdMapConfig = {
  ...tiny,
  name: 'micro',
  backbone: FINETUNE_BACKBONES.micro,
  head: {
    ...tiny.head,
    dims: 16,
    xBound: [-8, 8, 1.6],
    yBound: [-8, 8, 1.6],
    vectors: 20,
    layers: 2,
    heads: 2,
    ffn: 32,
    topK: 20,
  },
  // Runs of a few hundred steps need a faster rate than the 24-epoch recipe.
  optim: { ...OPTIM, lr: 2e-3 },
};

export const HDMAP_PRESETS: Record<string, HdMapConfig> = { tiny, micro };

/** The patch's extent, as the GT builder takes it: `height` along lidar y, `width` along lidar x. */
export function patchSize(head: HdMapConfig['head']): { height: number; width: number } {
  return { height: head.yBound[1] - head.yBound[0], width: head.xBound[1] - head.xBound[0] };
}

function checkBound(bound: GridBound, source: string, field: string): void {
  rule(bound.length === 3, source, field, 'must be [min, max, cell]');
  const [min, max, step] = bound;
  rule(step > 0 && max > 0 && min === -max, source, field, 'must be [-m, m, cell] with m > 0 and cell > 0');
  const cells = (max - min) / step;
  rule(
    Math.abs(cells - Math.round(cells)) < 1e-9 && gridCells(bound) >= 2,
    source,
    field,
    `must span a whole number of cells, at least 2 ((max - min) / cell is ${cells})`,
  );
}

/** Validates a parsed HD-map config; errors name the source and the field. */
export function validateHdMapConfig(value: unknown, source: string): HdMapConfig {
  checkStructure(value, tiny, '', source);
  const c = value as HdMapConfig;
  validateConfig(c.backbone, `${source}: backbone`);
  const { head, loss, augment } = c;
  const positiveInt = (n: number) => Number.isInteger(n) && n >= 1;
  for (const key of ['dims', 'vectors', 'layers', 'heads', 'deformPoints', 'ffn', 'topK'] as const) {
    rule(positiveInt(head[key]), source, `head.${key}`, 'must be a positive integer');
  }
  // Edges need two points; the order cap P - 1 needs at least one order.
  rule(Number.isInteger(head.points) && head.points >= 2, source, 'head.points', 'must be an integer >= 2');
  rule(head.dims % head.heads === 0, source, 'head.dims', `must be divisible by head.heads (${head.heads})`);
  rule(head.dropout >= 0 && head.dropout < 1, source, 'head.dropout', 'must be in [0, 1)');
  rule(
    head.topK <= head.vectors * 3,
    source,
    'head.topK',
    `must be at most vectors x classes (${head.vectors * 3})`,
  );
  checkBound(head.xBound, source, 'head.xBound');
  checkBound(head.yBound, source, 'head.yBound');
  for (const key of ['cls', 'pts', 'dir', 'costCls', 'costPts', 'gamma'] as const) {
    rule(loss[key] >= 0, source, `loss.${key}`, 'must be >= 0');
  }
  rule(loss.alpha >= 0 && loss.alpha <= 1, source, 'loss.alpha', 'must be in [0, 1]');
  checkOptimAndEvaluation(c, source);
  rule(
    augment.gridMaskProb >= 0 && augment.gridMaskProb <= 1,
    source,
    'augment.gridMaskProb',
    'must be in [0, 1]',
  );
  return c;
}

/** A preset by name (`micro`, `tiny`) or a JSON file (a run's config.json with edits). */
export function loadHdMapConfig(nameOrPath: string): HdMapConfig {
  return loadPresetOrFile(nameOrPath, HDMAP_PRESETS, validateHdMapConfig);
}
