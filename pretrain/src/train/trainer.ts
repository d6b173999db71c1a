import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SeededRandom } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';
import { BACKBONE_PREFIX, type LossTerms, Mim4dModel } from '../model/mim4d.ts';
import type { Mim4dSample } from '../model/sample.ts';
import { AdamW, clipGradNorm } from './adamw.ts';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { type EvalRecord, evaluateHeldOut, readEvalLog } from './evaluate.ts';
import { writeLossCurve } from './loss-curve.ts';
import { type LossRecord, readLossLog } from './loss-log.ts';
import { writePreview } from './preview.ts';
import { appendRecord, finiteOrNull, truncateRecords } from './run-log.ts';
import { learningRate } from './schedule.ts';

const MAX_NON_FINITE_STEPS = 5;

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
}

export const RUN_FILES = {
  config: 'config.json',
  lossLog: 'loss.jsonl',
  lossCurve: 'loss-curve.png',
  evalLog: 'eval.jsonl',
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
 * losses, clip the gradient norm, AdamW with warm-up + cosine. Everything random comes from one seeded stream whose
 * state is checkpointed with the weights and Adam moments, so a resumed run continues exactly as the uninterrupted
 * one would.
 */
export async function pretrain(options: PretrainOptions): Promise<PretrainResult> {
  const { config, steps, outDir, train } = options;
  if (!(Number.isInteger(steps) && steps >= 1))
    throw new Error(`pretrain: steps must be a positive integer, got ${steps}`);
  if (train.count < 1) throw new Error('pretrain: the training set is empty');
  mkdirSync(outDir, { recursive: true });
  const logFile = path.join(outDir, RUN_FILES.lossLog);
  const evalFile = path.join(outDir, RUN_FILES.evalLog);
  const heldOut = options.heldOut ?? [];
  const model = new Mim4dModel(config);
  const trainable = model.params.trainable();
  const byVarName = new Map([...trainable].map(([name, v]) => [v.name, name]));
  const lrMult = (name: string) => (name.startsWith(BACKBONE_PREFIX) ? config.optim.backboneLrMult : 1);
  const adam = new AdamW(trainable, lrMult, {
    beta1: config.optim.beta1,
    beta2: config.optim.beta2,
    eps: config.optim.eps,
    weightDecay: config.optim.weightDecay,
  });
  const rng = new SeededRandom(config.seed);
  let step = 0;
  if (options.resume === true && hasCheckpoint(outDir)) {
    const ckpt = loadCheckpoint(outDir);
    if (JSON.stringify(ckpt.meta.config) !== JSON.stringify(config)) {
      throw new Error(
        `${outDir}: the checkpoint was trained with a different config; resume with the same one`,
      );
    }
    if (ckpt.meta.totalSteps !== steps) {
      throw new Error(
        `${outDir}: the checkpoint's schedule spans ${ckpt.meta.totalSteps} steps, not ${steps}`,
      );
    }
    model.params.load(ckpt.params, outDir);
    for (const [name, v] of adam.m) v.assign(tf.tensor(mustGet(ckpt.adamM, name, outDir).data, v.shape));
    for (const [name, v] of adam.v) v.assign(tf.tensor(mustGet(ckpt.adamV, name, outDir).data, v.shape));
    adam.step = ckpt.meta.optimizerStep;
    rng.setState(ckpt.meta.rngState);
    step = ckpt.meta.step;
    truncateRecords(logFile, step);
    truncateRecords(evalFile, step);
  } else {
    writeFileSync(logFile, '');
    writeFileSync(evalFile, '');
    writeFileSync(path.join(outDir, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
  }
  const evaluate = () => {
    const record = evaluateHeldOut(
      model,
      heldOut.slice(0, config.evaluation.samples),
      config.evaluation.raysPerCamera,
      step,
    );
    appendRecord(evalFile, record);
    options.onEval?.(record);
  };
  if (step === 0 && heldOut.length > 0) {
    writePreview(model, heldOut[0], path.join(outDir, RUN_FILES.before));
    evaluate();
  }
  const checkpoint = () =>
    saveCheckpoint(
      outDir,
      { step, totalSteps: steps, rngState: rng.getState(), optimizerStep: adam.step, config },
      model.params.entries(),
      [...adam.m],
      [...adam.v],
    );
  const stopAt = Math.min(steps, options.stopAfter === undefined ? steps : step + options.stopAfter);
  const checkpointEvery = options.checkpointEvery ?? 50;
  let badSteps = 0;
  while (step < stopAt) {
    const started = Date.now();
    const sample = await train.get(rng.int(train.count));
    const plan = model.plan(sample, rng);
    let terms: LossTerms | null = null;
    const { value, grads } = tf.variableGrads(() => {
      const l = model.losses(sample, plan, rng);
      terms = {
        rgb: tf.keep(l.rgb),
        depth: tf.keep(l.depth),
        rgbAdj: tf.keep(l.rgbAdj),
        depthAdj: tf.keep(l.depthAdj),
      };
      return tf.addN([l.rgb, l.depth, l.rgbAdj, l.depthAdj]) as tf.Scalar;
    }, [...trainable.values()]);
    const named = new Map(Object.entries(grads).map(([varName, g]) => [byVarName.get(varName)!, g]));
    const clipped = clipGradNorm(named, config.optim.clipNorm);
    const lr = learningRate(config.optim, step, steps);
    const total = value.dataSync()[0];
    // As a mixed-precision loss scaler does, a step whose loss or gradient overflowed is dropped, not applied; a
    // run that keeps overflowing is stopped.
    const finite = Number.isFinite(total) && Number.isFinite(clipped.norm);
    if (finite) {
      adam.apply(clipped.grads, lr);
      badSteps = 0;
    } else if (++badSteps >= MAX_NON_FINITE_STEPS) {
      throw new Error(
        `${outDir}: the loss or gradient was not finite for ${badSteps} steps in a row (step ${step + 1}); the run diverged`,
      );
    }
    const t = terms as unknown as LossTerms;
    const record: LossRecord = {
      step: step + 1,
      total: finiteOrNull(total),
      rgb: finiteOrNull(t.rgb.dataSync()[0]),
      depth: finiteOrNull(t.depth.dataSync()[0]),
      rgbAdj: finiteOrNull(t.rgbAdj.dataSync()[0]),
      depthAdj: finiteOrNull(t.depthAdj.dataSync()[0]),
      lr,
      gradNorm: finite ? clipped.norm : null,
      ...(finite ? {} : { skipped: true }),
      seconds: (Date.now() - started) / 1000,
    };
    tf.dispose([
      value,
      ...Object.values(grads),
      ...clipped.grads.values(),
      t.rgb,
      t.depth,
      t.rgbAdj,
      t.depthAdj,
    ]);
    step++;
    appendRecord(logFile, record);
    options.onStep?.(record);
    const every = config.evaluation.every;
    if (heldOut.length > 0 && (step === steps || (every > 0 && step % every === 0))) evaluate();
    if (step % checkpointEvery === 0 || step === stopAt) {
      checkpoint();
      writeLossCurve(readLossLog(logFile), path.join(outDir, RUN_FILES.lossCurve));
    }
  }
  if (step === steps && heldOut.length > 0)
    writePreview(model, heldOut[0], path.join(outDir, RUN_FILES.after));
  adam.dispose();
  return { model, records: readLossLog(logFile), evals: readEvalLog(evalFile), step };
}

function mustGet<T>(map: Map<string, T>, name: string, source: string): T {
  const v = map.get(name);
  if (v === undefined) throw new Error(`${source}: checkpoint lacks optimizer state for ${name}`);
  return v;
}
