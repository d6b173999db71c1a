import {
  augmentEgoToImage,
  beginFinetuneRun,
  drawBevAugmentation,
  evaluationDir,
  FINETUNE_RUN_FILES,
  type FinetuneSplits,
  gridMask,
  photometricDistortion,
  type ResolvedBackbone,
} from '@mim4d/finetune';
import type { SeededRandom } from '@mim4d/nn';
import { hasCheckpoint, type StepLossRecord, type TrainingTask, trainingLoop } from '@mim4d/pretrain';
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

/** A line of eval.jsonl: the validation metrics at a step. */
export interface DetectionEvalRecord {
  step: number;
  samples: number;
  seconds: number;
  [metric: string]: number | null;
}

/** The run's files besides the training loop's: finetune.json and eval/step-N/ (the devkit's metric files). */
export const DETECTION_RUN_FILES = FINETUNE_RUN_FILES;

export interface FinetuneDetectionOptions {
  config: DetectionConfig;
  /** The opened training and validation splits (`openFinetuneSplits`). */
  splits: FinetuneSplits;
  backbone: ResolvedBackbone;
  steps: number;
  outDir: string;
  resume?: boolean;
  stopAfter?: number;
  checkpointEvery?: number;
  /** Validation scoring at the start, every `config.evaluation.every` steps and at the end; none: no eval.jsonl. */
  score?: ScoreDetections;
  onStep?: (record: StepLossRecord) => void;
  onEval?: (record: DetectionEvalRecord) => void;
  /** Progress lines (the transfer report). */
  log?: (line: string) => void;
}

export interface FinetuneDetectionResult {
  model: UvtrDetector;
  records: StepLossRecord[];
  evals: DetectionEvalRecord[];
  step: number;
}

export const DETECTION_LOSS_TERMS = ['cls', 'bbox'] as const;

/**
 * Fine-tunes the UVTR detector (heads.md 1.3-1.4): the backbone's weights transferred by name, then per step a
 * random training sample with photometric distortion, GridMask and the BEV rotation/scale folded into the camera
 * matrices and the boxes, Hungarian-matched focal + L1 losses summed over the decoder layers, AdamW with the
 * backbone's rate scaled.
 */
export async function finetuneDetection(options: FinetuneDetectionOptions): Promise<FinetuneDetectionResult> {
  const { config, splits, backbone, outDir } = options;
  const model = new UvtrDetector(config);
  const resuming = options.resume === true && hasCheckpoint(outDir);
  if (!resuming) {
    beginFinetuneRun({
      task: 'detection',
      params: model.params,
      backboneConfig: config.backbone,
      backbone,
      data: splits.options,
      outDir,
      log: options.log,
    });
  }
  const train = new DetectionSamples(splits.nusc, splits.train, config);
  const val = new DetectionSamples(splits.nusc, splits.val, config);
  const task = detectionTrainingTask(model, train);
  const score = options.score;
  const result = await trainingLoop<DetectionConfig, DetectionEvalRecord>({
    config,
    optim: config.optim,
    seed: config.seed,
    terms: DETECTION_LOSS_TERMS,
    checkpointFormat: 'mim4d-finetune-checkpoint/1',
    steps: options.steps,
    outDir,
    task,
    evaluate:
      score === undefined
        ? undefined
        : async (step) => {
            const started = Date.now();
            const metrics = await score(await predictDetections(model, val), evaluationDir(outDir, step));
            return { step, ...metrics, samples: val.count, seconds: (Date.now() - started) / 1000 };
          },
    evaluateEvery: config.evaluation.every,
    checkpointEvery: options.checkpointEvery,
    resume: options.resume,
    stopAfter: options.stopAfter,
    onStep: options.onStep,
    onEval: options.onEval,
  });
  return { model, records: result.records, evals: result.evals, step: result.step };
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
