import { FINETUNE_BACKBONES, type GridBound } from '@mim4d/finetune';
import {
  checkOptimAndEvaluation,
  checkStructure,
  gridShape,
  loadPresetOrFile,
  type Mim4dConfig,
  configRule as rule,
  tiny as tinyBackbone,
  validateConfig,
} from '@mim4d/pretrain';

/**
 * A BEVFusion camera map-segmentation fine-tune on the MIM4D volume (heads.md section 2): the backbone at the
 * fine-tuning resolution, the bridge and BEV decoder, the lidar-frame output grid, the loss, the optimiser and the
 * augmentation. Lengths are metres, angles radians.
 */
export interface BevSegConfig {
  name: string;
  /** Head initialisation, sample order and augmentation draws. */
  seed: number;
  /** The MIM4D backbone (its `input` is the fine-tuning image size; `frames` is unused: one frame is lifted). */
  backbone: Mim4dConfig;
  head: {
    /** Channels of the height-to-channel bridge's 1x1 conv [OURS]: the BEV decoder's input. */
    bevChannels: number;
    /** GeneralizedResNet: per stage, BasicBlocks, output channels and the first block's stride. */
    stageBlocks: number[];
    stageChannels: number[];
    stageStrides: number[];
    /** LSSFPN output channels (also the classifier's) and its final bilinear upsampling factor. */
    fpnChannels: number;
    fpnScale: number;
    /** The output grid in the sample's LIDAR_TOP frame: i along x, j along y. */
    xBound: GridBound;
    yBound: GridBound;
  };
  loss: { gamma: number };
  optim: Mim4dConfig['optim'];
  augment: {
    /** BEV rotation range (rad), scale range, translation standard deviation per axis (m), random axis flips. */
    rotation: [number, number];
    scale: [number, number];
    translationStd: number;
    flip: boolean;
    /** Image rotation range (rad), zoom range and horizontal flip, an affine folded into the camera matrices. */
    imageRotation: [number, number];
    imageZoom: [number, number];
    imageFlip: boolean;
  };
  evaluation: {
    /** Steps between validation evaluations besides the start and the end; 0: none in between. */
    every: number;
  };
}

/**
 * BEVFusion's AdamW (lr 1e-4, wd 0.01, clip 35, no backbone multiplier) with its cyclic schedule replaced by the
 * shared loop's warm-up + cosine [DEV]: the peak is the cyclic one (10 x 1e-4), reached after the same 40 % of the
 * run, and the end is its 1e-4 x the base rate.
 */
const OPTIM: Mim4dConfig['optim'] = {
  ...tinyBackbone.optim,
  lr: 1e-3,
  backboneLrMult: 1,
  weightDecay: 0.01,
  clipNorm: 35,
  warmupFraction: 0.4,
  warmupStartRatio: 0.1,
  minLrRatio: 1e-5,
};

/** BEVFusion's augmentation scaled to the smaller images (heads.md 2.1 item 8, 2.2). */
const AUGMENT: BevSegConfig['augment'] = {
  rotation: [-Math.PI / 4, Math.PI / 4],
  scale: [0.9, 1.1],
  translationStd: 0.5,
  flip: true,
  // ±5.4°, and the ×[0.38, 0.55] resize relative to the test-time ×0.48.
  imageRotation: [-0.094248, 0.094248],
  imageZoom: [0.79, 1.15],
  imageFlip: true,
};

/** heads.md 2.2: the scaled recipe on the `tiny` backbone at 128 x 224, a 46 x 46 grid at 1 m. */
export const tiny: BevSegConfig = {
  name: 'tiny',
  seed: 0,
  backbone: FINETUNE_BACKBONES.tiny,
  head: {
    bevChannels: 32,
    stageBlocks: [2, 2, 2],
    stageChannels: [32, 64, 128],
    stageStrides: [2, 2, 1],
    fpnChannels: 64,
    fpnScale: 2,
    xBound: [-23, 23, 1],
    yBound: [-23, 23, 1],
  },
  loss: { gamma: 2 },
  optim: OPTIM,
  augment: AUGMENT,
  evaluation: { every: 0 },
};

/**
 * The smallest segmenter with every component, on the `micro` backbone (8 x 8 voxels of 3.2 m): tests and quick
 * runs. Its grid keeps tiny's output-cell / voxel ratio 0.625 (2 m cells) and is the largest square whose cell
 * centres, seen from a lidar 0.944 m ahead of the ego origin, stay inside the volume's corner span [-12.8, 9.6].
 */
export const micro: BevSegConfig = {
  ...tiny,
  name: 'micro',
  backbone: FINETUNE_BACKBONES.micro,
  head: {
    bevChannels: 8,
    stageBlocks: [1, 1, 1],
    stageChannels: [8, 16, 32],
    stageStrides: [2, 2, 1],
    fpnChannels: 16,
    fpnScale: 2,
    xBound: [-9, 9, 2],
    yBound: [-9, 9, 2],
  },
  // Runs of a few hundred steps need a faster rate than the 20-epoch recipe.
  optim: { ...OPTIM, lr: 3e-3 },
};

export const BEV_SEG_PRESETS: Record<string, BevSegConfig> = { tiny, micro };

function checkBound(bound: GridBound, source: string, field: string): void {
  rule(bound.length === 3, source, field, 'must be [min, max, step]');
  const [min, max, step] = bound;
  rule(step > 0 && max > min, source, field, 'must have max > min and step > 0');
  // BEVFusion's rasteriser centres the map patch on the lidar.
  rule(min === -max, source, field, 'must be symmetric about the lidar (min = -max)');
  const cells = (max - min) / step;
  rule(
    Math.abs(cells - Math.round(cells)) < 1e-9,
    source,
    field,
    `must span a whole number of cells ((max - min) / step is ${cells})`,
  );
}

function checkRange(range: number[], source: string, field: string, positive = false): void {
  rule(
    range.length === 2 && range[0] <= range[1] && (!positive || range[0] > 0),
    source,
    field,
    positive ? 'must be [min, max] with 0 < min <= max' : 'must be [min, max] with min <= max',
  );
}

/** Validates a parsed BEV-segmentation config; errors name the source and the field. */
export function validateBevSegConfig(value: unknown, source: string): BevSegConfig {
  checkStructure(value, tiny, '', source);
  const c = value as BevSegConfig;
  validateConfig(c.backbone, `${source}: backbone`);
  const { head, loss, augment } = c;
  const positiveInt = (n: number) => Number.isInteger(n) && n >= 1;
  for (const key of ['bevChannels', 'fpnChannels', 'fpnScale'] as const) {
    rule(positiveInt(head[key]), source, `head.${key}`, 'must be a positive integer');
  }
  const stages = head.stageChannels.length;
  // LSSFPN fuses the last stage with the first, so a decoder has two stages at least.
  rule(stages >= 2, source, 'head.stageChannels', 'must list at least two stages');
  for (const key of ['stageBlocks', 'stageChannels', 'stageStrides'] as const) {
    rule(head[key].length === stages, source, `head.${key}`, `must have one entry per stage (${stages})`);
    rule(head[key].every(positiveInt), source, `head.${key}`, 'must hold positive integers');
  }
  rule(
    head.stageStrides[0] === head.fpnScale,
    source,
    'head.fpnScale',
    `must equal the first stage's stride (${head.stageStrides[0]}), so the decoder's output has the volume's BEV size`,
  );
  const grid = gridShape(c.backbone);
  rule(
    grid.x % head.fpnScale === 0 && grid.y % head.fpnScale === 0,
    source,
    'head.fpnScale',
    `must divide the volume's ${grid.x} x ${grid.y} cells`,
  );
  checkBound(head.xBound, source, 'head.xBound');
  checkBound(head.yBound, source, 'head.yBound');
  rule(loss.gamma >= 0, source, 'loss.gamma', 'must be >= 0');
  checkOptimAndEvaluation(c, source);
  checkRange(augment.rotation, source, 'augment.rotation');
  checkRange(augment.scale, source, 'augment.scale', true);
  rule(augment.translationStd >= 0, source, 'augment.translationStd', 'must be >= 0');
  checkRange(augment.imageRotation, source, 'augment.imageRotation');
  checkRange(augment.imageZoom, source, 'augment.imageZoom', true);
  return c;
}

/** A preset by name (`micro`, `tiny`) or a JSON file (a run's config.json with edits). */
export function loadBevSegConfig(nameOrPath: string): BevSegConfig {
  return loadPresetOrFile(nameOrPath, BEV_SEG_PRESETS, validateBevSegConfig);
}
