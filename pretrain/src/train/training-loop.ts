import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SeededRandom } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import { checkStructure, type Mim4dConfig } from '../config/index.ts';
import { AdamW, clipGradNorm } from './adamw.ts';
import { type CheckpointFormat, hasCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { writeLossCurve } from './loss-curve.ts';
import { appendRecord, finiteOrNull, readRecords, type StepRecord, truncateRecords } from './run-log.ts';
import { learningRate } from './schedule.ts';
import { StepGradientRunner, type StepParallelism } from './step-gradients.ts';
import type { TrainingTask } from './training-task.ts';

const MAX_NON_FINITE_STEPS = 5;

/** One line of loss.jsonl: the weighted loss terms (null where not finite) and their sum. */
export interface StepLossRecord extends StepRecord {
  total: number | null;
  lr: number;
  /** Null when the gradient was not finite. */
  gradNorm: number | null;
  /** True when the update was skipped because the loss or the gradient was not finite. */
  skipped?: boolean;
  seconds: number;
  [term: string]: number | boolean | null | undefined;
}

export interface TrainingLoopOptions<C, E extends StepRecord> {
  /** Saved as config.json and in the checkpoint; a resume must pass the same. */
  config: C;
  optim: Mim4dConfig['optim'];
  seed: number;
  /** The loss terms, in the order loss.jsonl and the loss curve list them. */
  terms: readonly string[];
  checkpointFormat: CheckpointFormat;
  /** Total steps of the run (the schedule's length); a resumed run continues up to it. */
  steps: number;
  outDir: string;
  task: TrainingTask;
  /** Worker threads computing the samples of a step beside the main thread (`optim.samplesPerStep` of them). */
  parallelism?: StepParallelism;
  /** Evaluation at the start, every `evaluateEvery` steps (0: none in between) and at the end (eval.jsonl). */
  evaluate?: (step: number) => Promise<E>;
  evaluateEvery?: number;
  checkpointEvery?: number;
  resume?: boolean;
  /** Stop after this many steps in this call (the schedule still spans `steps`). */
  stopAfter?: number;
  onStep?: (record: StepLossRecord) => void;
  onEval?: (record: E) => void;
}

export const LOOP_FILES = {
  config: 'config.json',
  lossLog: 'loss.jsonl',
  lossCurve: 'loss-curve.png',
  evalLog: 'eval.jsonl',
} as const;

export interface TrainingLoopResult<E> {
  records: StepLossRecord[];
  evals: E[];
  /** Steps completed (resumed runs included). */
  step: number;
  /** Whether this call started the run (so first-evaluation artefacts were just written). */
  started: boolean;
}

/**
 * The optimisation loop every training command shares: per step, the task's host-side preparation, the loss terms
 * under `tf.variableGrads` (averaged over `optim.samplesPerStep` samples, computed on `parallelism.workers` threads:
 * StepGradientRunner), gradient-norm clipping, AdamW with warm-up + cosine, logs and atomic checkpoints.
 * Everything random comes from one seeded stream whose state is checkpointed with the weights and Adam moments, so
 * a resumed run continues exactly as the uninterrupted one would. A step whose loss or gradient is not finite is
 * logged and skipped, as a mixed-precision loss scaler does; five in a row stop the run.
 */
export async function trainingLoop<C, E extends StepRecord>(
  options: TrainingLoopOptions<C, E>,
): Promise<TrainingLoopResult<E>> {
  const { optim, steps, outDir, task, terms } = options;
  if (!(Number.isInteger(steps) && steps >= 1))
    throw new Error(`steps must be a positive integer, got ${steps}`);
  mkdirSync(outDir, { recursive: true });
  const files = runFiles(outDir);
  const adam = new AdamW(task.params.trainable(), (name) => task.lrMult(name), {
    beta1: optim.beta1,
    beta2: optim.beta2,
    eps: optim.eps,
    weightDecay: optim.weightDecay,
  });
  const rng = new SeededRandom(options.seed);
  const resuming = options.resume === true && hasCheckpoint(outDir);
  let step = resuming ? restoreRun(options, adam, rng, files) : startRun(options, files);
  const evaluate = async () => {
    if (options.evaluate === undefined) return;
    const record = await options.evaluate(step);
    appendRecord(files.evalLog, record);
    options.onEval?.(record);
  };
  const stopAt = Math.min(steps, options.stopAfter === undefined ? steps : step + options.stopAfter);
  const checkpointEvery = options.checkpointEvery ?? 50;
  const evaluateEvery = options.evaluateEvery ?? 0;
  const divergence = new DivergenceGuard(outDir);
  let runner: StepGradientRunner | null = null;
  try {
    runner = await StepGradientRunner.start(task, terms, optim.samplesPerStep, options.parallelism);
    if (step === 0) await evaluate();
    while (step < stopAt) {
      const record = await optimisationStep(runner, adam, rng, options, step, divergence);
      step++;
      appendRecord(files.lossLog, record);
      options.onStep?.(record);
      if (step === steps || (evaluateEvery > 0 && step % evaluateEvery === 0)) await evaluate();
      if (step % checkpointEvery === 0 || step === stopAt)
        await saveProgress(options, adam, rng, step, files);
    }
  } finally {
    await runner?.close();
    adam.dispose();
  }
  return {
    records: readLossRecords(files.lossLog, terms),
    evals: readRecords<E>(files.evalLog, []),
    step,
    started: !resuming,
  };
}

/** The run folder's logs. */
function runFiles(outDir: string) {
  return {
    lossLog: path.join(outDir, LOOP_FILES.lossLog),
    evalLog: path.join(outDir, LOOP_FILES.evalLog),
    lossCurve: path.join(outDir, LOOP_FILES.lossCurve),
  };
}
type RunFiles = ReturnType<typeof runFiles>;

/** A new run: empty logs and the config, in a folder that holds no earlier run. Returns the step it starts at. */
function startRun<C, E extends StepRecord>(options: TrainingLoopOptions<C, E>, files: RunFiles): number {
  refuseFinishedRun(options.outDir);
  writeFileSync(files.lossLog, '');
  writeFileSync(files.evalLog, '');
  writeFileSync(path.join(options.outDir, LOOP_FILES.config), `${JSON.stringify(options.config, null, 2)}\n`);
  return 0;
}

/**
 * A resumed run: weights, Adam moments and the random stream from the checkpoint, logs cut back to its step (a run
 * killed after its last checkpoint logged steps it will redo). Returns the checkpoint's step.
 */
function restoreRun<C, E extends StepRecord>(
  options: TrainingLoopOptions<C, E>,
  adam: AdamW,
  rng: SeededRandom,
  files: RunFiles,
): number {
  const { outDir, steps, task } = options;
  const ckpt = loadCheckpoint<C>(outDir, options.checkpointFormat);
  refuseOtherConfig(ckpt.meta.config, options.config, outDir);
  if (ckpt.meta.totalSteps !== steps) {
    throw new Error(`${outDir}: the checkpoint's schedule spans ${ckpt.meta.totalSteps} steps, not ${steps}`);
  }
  task.params.load(ckpt.params, outDir);
  for (const [name, v] of adam.m) v.assign(tf.tensor(mustGet(ckpt.adamM, name, outDir).data, v.shape));
  for (const [name, v] of adam.v) v.assign(tf.tensor(mustGet(ckpt.adamV, name, outDir).data, v.shape));
  adam.step = ckpt.meta.optimizerStep;
  rng.setState(ckpt.meta.rngState);
  truncateRecords(files.lossLog, ckpt.meta.step);
  truncateRecords(files.evalLog, ckpt.meta.step);
  return ckpt.meta.step;
}

/** Stops a run whose loss or gradient stayed non-finite for five steps in a row (single ones are skipped). */
class DivergenceGuard {
  private badSteps = 0;
  constructor(private readonly outDir: string) {}

  record(finite: boolean, step: number): void {
    if (finite) {
      this.badSteps = 0;
      return;
    }
    if (++this.badSteps >= MAX_NON_FINITE_STEPS) {
      throw new Error(
        `${this.outDir}: the loss or gradient was not finite for ${this.badSteps} steps in a row (step ${step + 1}); the run diverged`,
      );
    }
  }
}

/** Step `step + 1`: the samples' gradients, clipping, the AdamW update (skipped when not finite); its log record. */
async function optimisationStep<C, E extends StepRecord>(
  runner: StepGradientRunner,
  adam: AdamW,
  rng: SeededRandom,
  options: TrainingLoopOptions<C, E>,
  step: number,
  divergence: DivergenceGuard,
): Promise<StepLossRecord> {
  const { optim, terms } = options;
  const started = Date.now();
  const sampled = await runner.run(rng);
  const clipped = clipGradNorm(sampled.grads, optim.clipNorm);
  const lr = learningRate(optim, step, options.steps);
  const { total } = sampled;
  const finite = Number.isFinite(total) && Number.isFinite(clipped.norm);
  if (finite) adam.apply(clipped.grads, lr);
  divergence.record(finite, step);
  // Also after a skipped update: the step's forward pass moved the buffers.
  runner.sync();
  const record: StepLossRecord = {
    step: step + 1,
    total: finiteOrNull(total),
    ...Object.fromEntries(terms.map((t, i) => [t, finiteOrNull(sampled.terms[i])])),
    lr,
    gradNorm: finite ? clipped.norm : null,
    ...(finite ? {} : { skipped: true }),
    seconds: (Date.now() - started) / 1000,
  };
  tf.dispose([...sampled.grads.values(), ...clipped.grads.values()]);
  return record;
}

/** An atomic checkpoint of everything a resume needs, and the loss curve redrawn from the log. */
async function saveProgress<C, E extends StepRecord>(
  options: TrainingLoopOptions<C, E>,
  adam: AdamW,
  rng: SeededRandom,
  step: number,
  files: RunFiles,
): Promise<void> {
  saveCheckpoint(
    options.outDir,
    options.checkpointFormat,
    {
      step,
      totalSteps: options.steps,
      rngState: rng.getState(),
      optimizerStep: adam.step,
      config: options.config,
    },
    options.task.params.entries(),
    [...adam.m],
    [...adam.v],
  );
  await writeLossCurve(
    readLossRecords(files.lossLog, options.terms),
    ['total', ...options.terms],
    files.lossCurve,
  );
}

/** A new run never overwrites an earlier one's checkpoint and logs. */
export function refuseFinishedRun(outDir: string): void {
  if (hasCheckpoint(outDir)) {
    throw new Error(`${outDir} already holds a run (checkpoint/): resume it, or choose a new output folder`);
  }
}

export function readLossRecords(file: string, terms: readonly string[]): StepLossRecord[] {
  return readRecords<StepLossRecord>(file, ['total', ...terms]);
}

function mustGet<T>(map: Map<string, T>, name: string, source: string): T {
  const v = map.get(name);
  if (v === undefined) throw new Error(`${source}: checkpoint lacks optimizer state for ${name}`);
  return v;
}

/**
 * A resume must use the checkpoint's config. Fields added to the configs since it was written are filled in
 * first (checkStructure does it), so that a run from before them still resumes.
 */
function refuseOtherConfig(saved: unknown, config: unknown, outDir: string): void {
  const differs = (why: string) =>
    new Error(
      `${outDir}: the checkpoint was trained with a different config (${why}); resume with the same one`,
    );
  try {
    checkStructure(saved, config, '', 'the checkpoint config');
  } catch (error) {
    throw differs((error as Error).message);
  }
  const where = firstDifference(saved, config, '');
  if (where !== null) throw differs(where);
}

/** The first field where two configs differ, with both values (`optim.samplesPerStep: 2 there, 1 here`), or null. */
function firstDifference(saved: unknown, config: unknown, at: string): string | null {
  if (isDeepStrictEqual(saved, config)) return null;
  if (typeof saved === 'object' && saved !== null && typeof config === 'object' && config !== null) {
    for (const key of Object.keys(config)) {
      const inner = firstDifference(
        (saved as Record<string, unknown>)[key],
        (config as Record<string, unknown>)[key],
        at === '' ? key : `${at}.${key}`,
      );
      if (inner !== null) return inner;
    }
  }
  return `${at || 'the whole config'}: ${JSON.stringify(saved)} there, ${JSON.stringify(config)} here`;
}
