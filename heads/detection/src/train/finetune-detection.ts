import {
  augmentEgoToImage,
  drawBevAugmentation,
  FINETUNE_RUN_FILES,
  type FinetuneEvalRecord,
  type FinetuneRunOptions,
  type FinetuneRunResult,
  type FinetuneSplitOptions,
  gridMask,
  openFinetuneSplits,
  photometricDistortion,
  runFinetune,
} from '@mim4d/finetune';
import type { SeededRandom } from '@mim4d/nn';
import type { TrainingTask } from '@mim4d/pretrain';
import type { DetectionConfig } from '../config.ts';
import { DetectionSamples } from '../data/detection-samples.ts';
import { detectionLoss } from '../loss.ts';
import { UvtrDetector } from '../model/detector.ts';
import { type DetectionSubmission, predictDetections } from '../predict.ts';
import { detectionTargets } from '../targets.ts';

/**
 * Scores a validation submission (the CLI passes the evaluation harness's scorer), writing the evaluation's files to
 * `outputDir`: metric name -> value.
 */
export type ScoreDetections = (
  submission: DetectionSubmission,
  outputDir: string,
) => Promise<Record<string, number | null>>;

/** A line of eval.jsonl: mAP, NDS, the TP errors and `AP.<class>` at a step. */
export type DetectionEvalRecord = FinetuneEvalRecord;

/** The run's files besides the training loop's: finetune.json and eval/step-N/ (the devkit's metric files). */
export const DETECTION_RUN_FILES = FINETUNE_RUN_FILES;

export interface FinetuneDetectionOptions extends FinetuneRunOptions<DetectionConfig> {
  /** Validation scoring at the start, every `config.evaluation.every` steps and at the end; none: no eval.jsonl. */
  score?: ScoreDetections;
}

export const DETECTION_LOSS_TERMS = ['cls', 'bbox'] as const;

/**
 * Fine-tunes the UVTR detector (heads.md 1.3-1.4): the backbone's weights transferred by name, then per step a
 * random training sample with photometric distortion, GridMask and the BEV rotation/scale folded into the camera
 * matrices and the boxes, Hungarian-matched focal + L1 losses summed over the decoder layers, AdamW with the
 * backbone's rate scaled.
 */
export async function finetuneDetection(
  options: FinetuneDetectionOptions,
): Promise<FinetuneRunResult<UvtrDetector>> {
  const { config, splits, score } = options;
  const model = new UvtrDetector(config);
  const val = new DetectionSamples(splits.nusc, splits.val, config);
  return runFinetune(options, {
    task: 'detection',
    model,
    terms: DETECTION_LOSS_TERMS,
    training: detectionTrainingTask(model, new DetectionSamples(splits.nusc, splits.train, config)),
    replica: { module: import.meta.url, name: 'detectionReplica', arg: { config, data: splits.options } },
    validation:
      score === undefined
        ? undefined
        : { samples: val.count, evaluate: async (dir) => score(await predictDetections(model, val), dir) },
  });
}

/**
 * One fine-tuning step's work: a random training sample with photometric distortion, GridMask and the BEV
 * rotation/scale folded into the camera matrices and the boxes, then the matched losses of every decoder layer.
 */
export function detectionTrainingTask(model: UvtrDetector, train: DetectionSamples): TrainingTask {
  const { config } = model;
  const { cameras: N, imageHeight: H, imageWidth: W, mean } = config.backbone.input;
  const { augment } = config;
  return {
    params: model.params,
    lrMult: (name) => (model.isBackboneParam(name) ? config.optim.backboneLrMult : 1),
    prepareStep: async (rng: SeededRandom) => {
      const sample = await train.get(rng.int(train.count));
      const images = sample.images.slice();
      if (augment.photometric) photometricDistortion(images, N, H, W, rng);
      // The ImageNet mean colour normalises to zero, which is what upstream's GridMask writes.
      gridMask(images, N, H, W, rng, { prob: augment.gridMaskProb, fill: mean });
      const aug = drawBevAugmentation(rng, augment);
      const frame = {
        ...sample.frame,
        cameras: sample.frame.cameras.map((c) => ({
          ...c,
          egoToImage: augmentEgoToImage(c.egoToImage, aug),
        })),
      };
      // Upstream filters the boxes by range after the BEV augmentation, so boxes may enter or leave the range.
      const targets = detectionTargets(
        train.nusc,
        sample.token,
        sample.frame.egoToGlobal,
        config.backbone.grid.pcRange,
        aug,
      );
      return (r) => {
        const { cls, bbox } = detectionLoss(model.forward(images, frame, r), targets, config.loss);
        return { cls, bbox };
      };
    },
  };
}

/** A replica worker's copy of the detection step (the run's `workers`): a model and training samples of its own. */
export async function detectionReplica(arg: {
  config: DetectionConfig;
  data: FinetuneSplitOptions;
}): Promise<TrainingTask> {
  const splits = await openFinetuneSplits(arg.data);
  return detectionTrainingTask(
    new UvtrDetector(arg.config),
    new DetectionSamples(splits.nusc, splits.train, arg.config),
  );
}
