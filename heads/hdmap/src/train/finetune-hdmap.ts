import {
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
import { type HdMapConfig, patchSize } from '../config.ts';
import { drawTargets } from '../data/gt-orders.ts';
import { HdMapSamples } from '../data/hdmap-samples.ts';
import { hdMapLoss } from '../loss.ts';
import { HdMapModel } from '../model/hdmap-model.ts';
import { validateHdMap } from '../validation.ts';

/** A line of eval.jsonl: MapTR's `NuscMap_chamfer/<class>_AP_thr_<t>`, `<class>_AP` and `mAP` keys at a step. */
export type HdMapEvalRecord = FinetuneEvalRecord;

export interface FinetuneHdMapOptions extends FinetuneRunOptions<HdMapConfig> {
  /** Validate (Chamfer AP at the start, every `config.evaluation.every` steps and at the end); default true. */
  validate?: boolean;
}

/** loss.jsonl's terms: focal classification, point L1 and edge direction, each summed over the decoder layers. */
export const HDMAP_LOSS_TERMS = ['cls', 'pts', 'dir'] as const;

/**
 * Fine-tunes the MapTR head (heads.md 3.1-3.2): the backbone's weights transferred by name, then per step a random
 * training sample with GT (MapTR skips the others), photometric distortion and GridMask (no BEV augmentation, as
 * upstream), the orders drawn with the run's generator, the matched losses of every decoder layer, AdamW with the
 * backbone's rate scaled.
 */
export async function finetuneHdMap(options: FinetuneHdMapOptions): Promise<FinetuneRunResult<HdMapModel>> {
  const { config, splits } = options;
  const model = new HdMapModel(config);
  const val = new HdMapSamples(splits.nusc, splits.val, config);
  return runFinetune(options, {
    task: 'hdmap',
    model,
    terms: HDMAP_LOSS_TERMS,
    training: hdMapTrainingTask(model, new HdMapSamples(splits.nusc, splits.train, config)),
    replica: { module: import.meta.url, name: 'hdMapReplica', arg: { config, data: splits.options } },
    validation:
      options.validate === false
        ? undefined
        : { samples: val.count, evaluate: (dir) => validateHdMap(model, val, dir) },
  });
}

/** Draws a training sample with at least one GT instance; errors when a bounded number of draws finds none. */
async function drawSampleWithGt(train: HdMapSamples, rng: SeededRandom): Promise<number> {
  const tries = 20 * train.count;
  for (let t = 0; t < tries; t++) {
    const index = rng.int(train.count);
    if ((await train.groundTruth(index)).instances.length > 0) return index;
  }
  throw new Error(
    `no MapTR GT in the head's patch in ${tries} draws from the ${train.count} training samples`,
  );
}

/** One step's work: a training sample with GT, photometric distortion and GridMask, the orders drawn, the losses. */
export function hdMapTrainingTask(model: HdMapModel, train: HdMapSamples): TrainingTask {
  const { config } = model;
  const { cameras: N, imageHeight: H, imageWidth: W, mean } = config.backbone.input;
  const { augment } = config;
  const patch = patchSize(config.head);
  return {
    params: model.params,
    lrMult: (name) => (model.isBackboneParam(name) ? config.optim.backboneLrMult : 1),
    prepareStep: async (rng: SeededRandom) => {
      const sample = await train.get(await drawSampleWithGt(train, rng));
      const images = sample.images.slice();
      if (augment.photometric) photometricDistortion(images, N, H, W, rng);
      // The ImageNet mean colour normalises to zero, which is what upstream's GridMask writes.
      gridMask(images, N, H, W, rng, { prob: augment.gridMaskProb, fill: mean });
      const targets = drawTargets(sample.instances, config.head, rng);
      return (r) => {
        const { cls, pts, dir } = hdMapLoss(
          model.forward(images, sample.frame, sample.pose.lidarToEgo, r),
          targets,
          config.loss,
          patch,
        );
        return { cls, pts, dir };
      };
    },
  };
}

/** A replica worker's copy of the HD-map step (the run's `workers`): a model and training samples of its own. */
export async function hdMapReplica(arg: {
  config: HdMapConfig;
  data: FinetuneSplitOptions;
}): Promise<TrainingTask> {
  const splits = await openFinetuneSplits(arg.data);
  return hdMapTrainingTask(
    new HdMapModel(arg.config),
    new HdMapSamples(splits.nusc, splits.train, arg.config),
  );
}
