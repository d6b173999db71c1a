import { BEV_MAP_CLASSES } from '@mim4d/dataset';
import {
  affineEgoToImage,
  augmentEgoToImage,
  drawBevAugmentation,
  drawImageAffine,
  type FinetuneEvalRecord,
  type FinetuneRunOptions,
  type FinetuneRunResult,
  type FinetuneSplitOptions,
  openFinetuneSplits,
  runFinetune,
  warpImages,
} from '@mim4d/finetune';
import { type SeededRandom, tf } from '@mim4d/nn';
import type { TrainingTask } from '@mim4d/pretrain';
import type { BevSegConfig } from '../config.ts';
import { BevSegSamples } from '../data/bev-seg-samples.ts';
import { augmentedGroundTruthMasks, bevGrid, maskTargets } from '../data/ground-truth.ts';
import { bevSegLoss } from '../loss.ts';
import { BevSegmenter } from '../model/bev-segmenter.ts';
import { BevSegValidator } from '../validation.ts';

/** A line of eval.jsonl: BEVFusion's IoU keys (`map/<class>/iou@<t>`, `map/mean/iou@max`) and the mean at 0.5. */
export type BevSegEvalRecord = FinetuneEvalRecord;

export interface FinetuneBevSegOptions extends FinetuneRunOptions<BevSegConfig> {
  /** Validate (IoU at the start, every `config.evaluation.every` steps and at the end, in eval.jsonl); default true. */
  validate?: boolean;
}

/** loss.jsonl's terms: one focal loss per class. */
export const BEV_SEG_LOSS_TERMS = BEV_MAP_CLASSES;

/**
 * Fine-tunes the BEV segmenter (heads.md 2.1-2.2): the backbone's weights transferred by name, then per step a
 * uniformly drawn training sample (bug B2 not copied) with BEVFusion's image and BEV augmentation folded into the
 * camera matrices, the ground truth rasterised at the augmented pose, the per-class focal losses, AdamW.
 */
export async function finetuneBevSeg(
  options: FinetuneBevSegOptions,
): Promise<FinetuneRunResult<BevSegmenter>> {
  const { config, splits } = options;
  const model = new BevSegmenter(config);
  const validator = new BevSegValidator(
    new BevSegSamples(splits.nusc, splits.val, config),
    bevGrid(config.head),
  );
  return runFinetune(options, {
    task: 'bev-seg',
    model,
    terms: BEV_SEG_LOSS_TERMS,
    training: bevSegTrainingTask(model, new BevSegSamples(splits.nusc, splits.train, config)),
    replica: { module: import.meta.url, name: 'bevSegReplica', arg: { config, data: splits.options } },
    validation:
      options.validate === false
        ? undefined
        : { samples: validator.samples.count, evaluate: (dir) => validator.evaluate(model, dir) },
  });
}

/**
 * One step's work: a random training sample; per camera an ImageAug3D affine, warped and folded into its matrix;
 * one BEV rotation / scale / translation / flip folded into every matrix; the masks at the augmented pose; the
 * per-class focal losses of the forward pass.
 */
export function bevSegTrainingTask(model: BevSegmenter, train: BevSegSamples): TrainingTask {
  const { config } = model;
  const { imageHeight: H, imageWidth: W } = config.backbone.input;
  const { augment } = config;
  const imageRanges = { rotation: augment.imageRotation, zoom: augment.imageZoom, flip: augment.imageFlip };
  const bevRanges = {
    rotation: augment.rotation,
    scale: augment.scale,
    translationStd: augment.translationStd,
    flip: augment.flip,
  };
  const grid = bevGrid(config.head);
  const view = H * W * 3;
  return {
    params: model.params,
    lrMult: (name) => (model.isBackboneParam(name) ? config.optim.backboneLrMult : 1),
    prepareStep: async (rng: SeededRandom) => {
      const sample = await train.get(rng.int(train.count));
      const images = new Float32Array(sample.images.length);
      const affines = sample.frame.cameras.map((_, c) => {
        const affine = drawImageAffine(rng, imageRanges, H, W);
        images.set(warpImages(sample.images.subarray(c * view, (c + 1) * view), 1, H, W, affine), c * view);
        return affine;
      });
      const aug = drawBevAugmentation(rng, bevRanges);
      const frame = {
        ...sample.frame,
        cameras: sample.frame.cameras.map((c, k) => ({
          ...c,
          egoToImage: augmentEgoToImage(affineEgoToImage(c.egoToImage, affines[k]), aug),
        })),
      };
      const masks = augmentedGroundTruthMasks(
        sample.map,
        sample.frame.egoToGlobal,
        sample.pose.lidarToEgo,
        aug,
        grid,
      );
      const targets = maskTargets(masks);
      const cells = masks.sizeX * masks.sizeY;
      return (r) =>
        bevSegLoss(
          model.forward(images, frame, sample.pose.lidarToEgo, r),
          tf.tensor2d(targets, [cells, BEV_MAP_CLASSES.length]),
          config.loss.gamma,
        );
    },
  };
}

/** A replica worker's copy of the BEV-segmentation step (the run's `workers`): a model and training samples of its own. */
export async function bevSegReplica(arg: {
  config: BevSegConfig;
  data: FinetuneSplitOptions;
}): Promise<TrainingTask> {
  const splits = await openFinetuneSplits(arg.data);
  return bevSegTrainingTask(
    new BevSegmenter(arg.config),
    new BevSegSamples(splits.nusc, splits.train, arg.config),
  );
}
