import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';
import { BACKBONE_PREFIX, lossTermNames, Mim4dModel } from '../model/mim4d.ts';
import { perRenderGradients } from '../model/per-render-gradients.ts';
import type { Mim4dSample } from '../model/sample.ts';
import { hasCheckpoint, PRETRAIN_CHECKPOINT } from './checkpoint.ts';
import { type EvalRecord, evaluateHeldOut } from './evaluate.ts';
import type { LossRecord } from './loss-log.ts';
import { callModule, type ModuleCall } from './module-call.ts';
import { writePreview } from './preview.ts';
import { LOOP_FILES, type StepLossRecord, trainingLoop } from './training-loop.ts';
import type { TrainingTask } from './training-task.ts';

/** Training samples by index (loaded lazily: a real dataset does not fit in memory). */
export interface SampleSource {
  count: number;
  get(index: number): Mim4dSample | Promise<Mim4dSample>;
}

export interface PretrainOptions {
  config: Mim4dConfig;
  /** Total steps of the run (the schedule's length); a resumed run continues up to it. */
  steps: number;
  outDir: string;
  train: SampleSource;
  /**
   * Samples never trained on: evaluated (eval.jsonl) at the start, every `config.evaluation.every` steps and at the
   * end; the first is also rendered as preview-before.png / preview-after.png. None or empty skips both.
   */
  heldOut?: Mim4dSample[];
  checkpointEvery?: number;
  /** Continue from outDir's checkpoint if there is one. */
  resume?: boolean;
  /** Stop after this many steps in this call (the schedule still spans `steps`); for tests and time-boxed runs. */
  stopAfter?: number;
  onStep?: (record: LossRecord) => void;
  onEval?: (record: EvalRecord) => void;
  /**
   * Threads computing each step's `config.optim.samplesPerStep` samples, the main one included; every other thread
   * opens its own copy of the training samples with `train` (a function returning a SampleSource equal to
   * `options.train`, e.g. openPretrainTrainSet).
   */
  workers?: { count: number; train: ModuleCall };
}

export const RUN_FILES = {
  ...LOOP_FILES,
  before: 'preview-before.png',
  after: 'preview-after.png',
} as const;

export interface PretrainResult {
  model: Mim4dModel;
  records: LossRecord[];
  /** Held-out evaluations of the whole run (resumed runs included), by step. */
  evals: EvalRecord[];
  /** Step reached (1-based count of completed steps). */
  step: number;
}

/**
 * The MIM4D pretraining loop: per step, draw the plan (masks, dropped frame, rays), compute the four rendering
 * losses, clip the gradient norm, AdamW with warm-up + cosine (the shared `trainingLoop`, which checkpoints the
 * random stream with the weights and Adam moments, so a resumed run continues exactly).
 */
export async function pretrain(options: PretrainOptions): Promise<PretrainResult> {
  const { config, steps, outDir, train } = options;
  if (train.count < 1) throw new Error('pretrain: the training set is empty');
  const heldOut = options.heldOut ?? [];
  const model = new Mim4dModel(config);
  const task = pretrainTask(model, train);
  mkdirSync(outDir, { recursive: true });
  if (heldOut.length > 0 && !(options.resume === true && hasCheckpoint(outDir))) {
    await writePreview(model, heldOut[0], path.join(outDir, RUN_FILES.before));
  }
  const result = await trainingLoop<Mim4dConfig, EvalRecord>({
    config,
    optim: config.optim,
    seed: config.seed,
    terms: lossTermNames(config),
    checkpointFormat: PRETRAIN_CHECKPOINT,
    steps,
    outDir,
    task,
    parallelism:
      options.workers === undefined
        ? undefined
        : {
            workers: options.workers.count,
            replica: {
              module: import.meta.url,
              name: 'pretrainReplica',
              arg: { config, train: options.workers.train },
            },
          },
    evaluate:
      heldOut.length === 0
        ? undefined
        : async (step) =>
            evaluateHeldOut(
              model,
              heldOut.slice(0, config.evaluation.samples),
              config.evaluation.raysPerCamera,
              step,
            ),
    evaluateEvery: config.evaluation.every,
    checkpointEvery: options.checkpointEvery,
    resume: options.resume,
    stopAfter: options.stopAfter,
    onStep: options.onStep as ((r: StepLossRecord) => void) | undefined,
    onEval: options.onEval,
  });
  if (result.step === steps && heldOut.length > 0) {
    await writePreview(model, heldOut[0], path.join(outDir, RUN_FILES.after));
  }
  return {
    model,
    records: result.records as unknown as LossRecord[],
    evals: result.evals,
    step: result.step,
  };
}

/** Pretraining's step: a random training sample, its plan (masks, dropped frame, rays), the rendering losses. */
export function pretrainTask(model: Mim4dModel, train: SampleSource): TrainingTask {
  const { config } = model;
  return {
    params: model.params,
    lrMult: (name) => (name.startsWith(BACKBONE_PREFIX) ? config.optim.backboneLrMult : 1),
    prepareStep: async (rng) => {
      const sample = await train.get(rng.int(train.count));
      const plan = model.plan(sample, rng);
      if (config.render.tapePerRender) {
        return {
          gradients: (r, trainable) => {
            const { terms, grads } = perRenderGradients(model, sample, plan, r, trainable);
            return { terms: terms as unknown as Record<string, tf.Scalar>, grads };
          },
        };
      }
      return (r) => {
        const terms = model.losses(sample, plan, r);
        return Object.fromEntries(lossTermNames(config).map((t) => [t, terms[t] as tf.Scalar]));
      };
    },
  };
}

/** A worker thread's replica of pretraining's task: a model of its own and its own copy of the samples. */
export async function pretrainReplica(arg: {
  config: Mim4dConfig;
  train: ModuleCall;
}): Promise<TrainingTask> {
  return pretrainTask(new Mim4dModel(arg.config), await callModule<SampleSource>(arg.train));
}
