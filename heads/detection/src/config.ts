import { FINETUNE_BACKBONES } from '@mim4d/finetune';
import {
  checkOptimAndEvaluation,
  checkStructure,
  loadPresetOrFile,
  type Mim4dConfig,
  configRule as rule,
  tiny as tinyBackbone,
  validateConfig,
} from '@mim4d/pretrain';
import type { DetectionHeadClass } from './classes.ts';

/**
 * A UVTR detection fine-tune (heads.md section 1): the backbone architecture at the fine-tuning resolution, the
 * head, its losses, the optimiser and the augmentation. Lengths are metres, angles radians.
 */
export interface DetectionConfig {
  name: string;
  /** Head initialisation, sample order, augmentation and dropout draws. */
  seed: number;
  /** The MIM4D backbone (its `input` is the fine-tuning image size; `frames` is unused: one frame is lifted). */
  backbone: Mim4dConfig;
  head: {
    /** Conv3d 3^3 + BN + ReLU layers on the lifted volume. */
    voxelConvs: number;
    queries: number;
    layers: number;
    dims: number;
    heads: number;
    ffn: number;
    dropout: number;
    /** Flat top-k over queries x classes kept by post-processing. */
    topK: number;
    /** Class ranges of evaluation (ego-xy radius, strict > drops), scaled to the grid (heads.md 1.4). */
    classRangeM: Record<DetectionHeadClass, number>;
  };
  loss: { cls: number; bbox: number; costCls: number; costBbox: number; alpha: number; gamma: number };
  optim: Mim4dConfig['optim'];
  augment: {
    photometric: boolean;
    gridMaskProb: number;
    /** BEV rotation range (rad) and scale range. */
    rotation: [number, number];
    scale: [number, number];
  };
  evaluation: {
    /** Steps between validation evaluations besides the start and the end; 0: none in between. */
    every: number;
  };
}

/** The official 50/40/30 m class ranges multiplied by `factor`. */
function classRanges(factor: number): Record<DetectionHeadClass, number> {
  const official: Record<DetectionHeadClass, number> = {
    car: 50,
    truck: 50,
    construction_vehicle: 50,
    bus: 50,
    trailer: 50,
    barrier: 30,
    motorcycle: 40,
    bicycle: 40,
    pedestrian: 40,
    traffic_cone: 30,
  };
  return Object.fromEntries(Object.entries(official).map(([k, v]) => [k, v * factor])) as Record<
    DetectionHeadClass,
    number
  >;
}

const OPTIM: Mim4dConfig['optim'] = { ...tinyBackbone.optim, lr: 4e-4, backboneLrMult: 0.1 };

/** heads.md 1.4: the scaled vs0.1 recipe on the `tiny` backbone at 128 x 224. */
export const tiny: DetectionConfig = {
  name: 'tiny',
  seed: 0,
  backbone: FINETUNE_BACKBONES.tiny,
  head: {
    voxelConvs: 3,
    // heads.md 1.4: at least 5x the 99th percentile of in-range boxes per sample (50 on `mim4d data synth` output).
    queries: 250,
    layers: 6,
    dims: 32,
    heads: 4,
    ffn: 128,
    dropout: 0.1,
    topK: 300,
    classRangeM: classRanges(0.5),
  },
  loss: { cls: 2, bbox: 0.25, costCls: 2, costBbox: 0.25, alpha: 0.25, gamma: 2 },
  optim: OPTIM,
  augment: { photometric: true, gridMaskProb: 0.7, rotation: [-0.3925, 0.3925], scale: [0.95, 1.05] },
  evaluation: { every: 0 },
};

/** The smallest detector with every component, on the `micro` backbone (a 25.6 m grid): tests and the demo. */
export const micro: DetectionConfig = {
  ...tiny,
  name: 'micro',
  backbone: FINETUNE_BACKBONES.micro,
  head: {
    ...tiny.head,
    // 5x the 99th percentile of boxes within the 12.8 m grid (20 on `mim4d data synth` output).
    queries: 100,
    layers: 2,
    dims: 16,
    heads: 2,
    ffn: 32,
    topK: 100,
    classRangeM: classRanges(0.25),
  },
  // Runs of a few hundred steps need a faster rate than the 12-epoch recipe.
  optim: { ...OPTIM, lr: 2e-3 },
};

export const DETECTION_PRESETS: Record<string, DetectionConfig> = { tiny, micro };

/** Validates a parsed detection config; errors name the source and the field. */
export function validateDetectionConfig(value: unknown, source: string): DetectionConfig {
  checkStructure(value, tiny, '', source);
  const c = value as DetectionConfig;
  validateConfig(c.backbone, `${source}: backbone`);
  const { head, augment } = c;
  const positiveInt = (n: number) => Number.isInteger(n) && n >= 1;
  for (const key of ['voxelConvs', 'queries', 'layers', 'dims', 'heads', 'ffn', 'topK'] as const) {
    rule(positiveInt(head[key]), source, `head.${key}`, 'must be a positive integer');
  }
  rule(head.dims % head.heads === 0, source, 'head.dims', `must be divisible by head.heads (${head.heads})`);
  rule(head.dropout >= 0 && head.dropout < 1, source, 'head.dropout', 'must be in [0, 1)');
  rule(head.topK <= 500, source, 'head.topK', 'must be at most 500 (the nuScenes submission cap)');
  for (const [name, r] of Object.entries(head.classRangeM)) {
    rule(r > 0, source, `head.classRangeM.${name}`, 'must be positive');
  }
  checkOptimAndEvaluation(c, source);
  rule(
    augment.gridMaskProb >= 0 && augment.gridMaskProb <= 1,
    source,
    'augment.gridMaskProb',
    'must be in [0, 1]',
  );
  rule(
    augment.rotation.length === 2 && augment.rotation[0] <= augment.rotation[1],
    source,
    'augment.rotation',
    'must be [min, max]',
  );
  rule(
    augment.scale.length === 2 && augment.scale[0] > 0 && augment.scale[0] <= augment.scale[1],
    source,
    'augment.scale',
    'must be [min, max] with min > 0',
  );
  return c;
}

/** A preset by name (`micro`, `tiny`) or a JSON file (a run's config.json with edits). */
export function loadDetectionConfig(nameOrPath: string): DetectionConfig {
  return loadPresetOrFile(nameOrPath, DETECTION_PRESETS, validateDetectionConfig);
}
