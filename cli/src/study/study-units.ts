/**
 * One unit of a study (a pretraining, or a fine-tune tested on the held-out dataroot) as a process runs it, and the
 * results a unit leaves in its folder. A unit's result file is written last and atomically.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NuScenes } from '@mim4d/dataset';
import { type FinetuneEvalRecord, openFinetuneSplits, resolveBackbone } from '@mim4d/finetune';
import {
  type EvalRecord,
  loadConfig,
  type Mim4dConfig,
  openPretrainDataset,
  pretrain,
  splitPretrainDataset,
  withPretrainObjective,
} from '@mim4d/pretrain';
import { BUDGETS, type BudgetPlan, type StudyBudget, spread } from './budgets.ts';
import type { FinetuneUnit, PretrainUnit, StudyUnit } from './study-plan.ts';
import { StudyFinetuner, type TestSet, writeTestSplit } from './study-tasks.ts';

export interface StudyOptions {
  /** Training dataroot: pretraining and fine-tuning on `trainSplit`, learning curves on `valSplit`. */
  data: string;
  /** Test dataroot (other towns), never trained on: every sample of it. */
  testData: string;
  version: string;
  trainSplit: string;
  valSplit: string;
  splitFile?: string;
  out: string;
  budget: StudyBudget;
  /** Paired runs per arm and task; the budget's by default. */
  runsPerArm?: number;
  checkpointEvery: number;
  /**
   * Units run at once, each in a child process of its own (one tfjs runtime per core); 1 runs them in this
   * process. Results do not depend on it: every unit is seeded by the plan alone.
   */
  jobs?: number;
  /** Backend preference of the child processes (`mim4d study --backend`); this process's is set by the caller. */
  backend?: string;
  log: (line: string) => void;
  onStep?: (unit: StudyUnit, steps: number) => OnStep | undefined;
}

export type OnStep = (record: { step: number; total: number | null }) => void;

/** What a unit leaves in its folder when it finished. */
export const RESULT_FILE = 'study-result.json';
/** The split of the test dataroot's `test-split.json` (every scene of it). */
export const TEST_SPLIT = 'study_test';
export const TEST_SPLIT_FILE = 'test-split.json';

export interface PretrainResult {
  id: string;
  arm: PretrainUnit['arm'];
  seed: number;
  steps: number;
  seconds: number;
  cpuSeconds: number;
  /** Held-out rendering of the training dataroot's last training scene at the end. */
  heldOut: EvalRecord | null;
}

export interface FinetuneResult {
  id: string;
  task: FinetuneUnit['task'];
  arm: FinetuneUnit['arm'];
  run: number;
  seed: number;
  pretrain: string | null;
  steps: number;
  seconds: number;
  cpuSeconds: number;
  /** Validation metrics at the start and every quarter of the budget (the learning curve). */
  curve: FinetuneEvalRecord[];
  test: Record<string, number | null>;
}

/** The file a unit writes last when it finished. */
export function resultFile(unit: StudyUnit): string {
  return path.join(unit.dir, RESULT_FILE);
}

/** Training steps of a unit under a budget. */
export function unitSteps(budget: BudgetPlan, unit: StudyUnit): number {
  return unit.kind === 'pretrain' ? budget.pretrainSteps : budget.finetuneSteps[unit.task];
}

/**
 * Runs units of one study in this process, opening what the fine-tunes share (the test set, the splits and the
 * detection scorers) on the first fine-tune. Each unit's result file is written last and atomically.
 */
export class StudyUnitRunner {
  private readonly budget: BudgetPlan;
  private finetuner: Promise<StudyFinetuner> | null = null;

  constructor(private readonly options: StudyOptions) {
    this.budget = BUDGETS[options.budget];
  }

  async run(unit: StudyUnit, onStep: OnStep | undefined): Promise<PretrainResult | FinetuneResult> {
    const result =
      unit.kind === 'pretrain'
        ? await runPretraining(unit, this.budget.preset, unitSteps(this.budget, unit), this.options, onStep)
        : await runFinetune(
            unit,
            this.budget.preset,
            unitSteps(this.budget, unit),
            await this.openFinetuner(),
            this.options,
            onStep,
          );
    writeAtomically(resultFile(unit), result);
    return result;
  }

  private openFinetuner(): Promise<StudyFinetuner> {
    this.finetuner ??= openFinetuner(this.options, this.budget);
    return this.finetuner;
  }
}

async function openFinetuner(options: StudyOptions, budget: BudgetPlan): Promise<StudyFinetuner> {
  const test = await openTestSet(options, budget.testSamples);
  const opened = await openFinetuneSplits({
    dataroot: options.data,
    version: options.version,
    trainSplit: options.trainSplit,
    valSplit: options.valSplit,
    ...(options.splitFile === undefined ? {} : { splitFile: options.splitFile }),
  });
  const splits = { ...opened, val: spread(opened.val, budget.curveSamples) };
  return StudyFinetuner.open(
    splits,
    {
      dataroot: options.data,
      version: options.version,
      split: options.valSplit,
      splitFile: options.splitFile,
    },
    test,
    budget.preset,
  );
}

async function openTestSet(options: StudyOptions, samples: number | null): Promise<TestSet> {
  const nusc = await NuScenes.open(options.testData, options.version);
  const tokens = spread(
    nusc.tables.sample.map((s) => s.token),
    samples,
  );
  if (tokens.length === 0) throw new Error(`--test-data ${options.testData}: no samples`);
  const splitFile = path.join(options.out, TEST_SPLIT_FILE);
  writeTestSplit(nusc, splitFile, TEST_SPLIT);
  return { dataroot: options.testData, version: options.version, nusc, tokens, splitFile, split: TEST_SPLIT };
}

/** The pretraining config of an arm: the preset with the unit's seed and the arm's objective. */
export function pretrainConfig(preset: string, unit: PretrainUnit): Mim4dConfig {
  const config = { ...loadConfig(preset), seed: unit.seed };
  return unit.arm === 'spatial' ? withPretrainObjective(config, 'spatial') : config;
}

async function runPretraining(
  unit: PretrainUnit,
  preset: string,
  steps: number,
  options: StudyOptions,
  onStep: OnStep | undefined,
): Promise<PretrainResult> {
  const config = pretrainConfig(preset, unit);
  const dataset = await openPretrainDataset(options.data, options.version, config, {
    split: options.trainSplit,
    ...(options.splitFile === undefined ? {} : { splitFile: options.splitFile }),
  });
  const { train, heldOut } = await splitPretrainDataset(dataset, config);
  const cost = startCost();
  const result = await pretrain({
    config,
    steps,
    outDir: unit.dir,
    train,
    heldOut,
    resume: true,
    checkpointEvery: options.checkpointEvery,
    onStep,
  });
  result.model.dispose();
  return {
    id: unit.id,
    arm: unit.arm,
    seed: unit.seed,
    steps: result.step,
    ...cost(),
    heldOut: result.evals.at(-1) ?? null,
  };
}

async function runFinetune(
  unit: FinetuneUnit,
  preset: string,
  steps: number,
  finetuner: StudyFinetuner,
  options: StudyOptions,
  onStep: OnStep | undefined,
): Promise<FinetuneResult> {
  const backbone = await resolveBackbone(unit.pretrain === null ? 'none' : unit.pretrain.dir);
  const cost = startCost();
  const outcome = await finetuner.run({
    task: unit.task,
    arm: unit.arm,
    seed: unit.seed,
    steps,
    preset,
    backbone,
    outDir: unit.dir,
    checkpointEvery: options.checkpointEvery,
    onStep,
  });
  return {
    id: unit.id,
    task: unit.task,
    arm: unit.arm,
    run: unit.run,
    seed: unit.seed,
    pretrain: unit.pretrain?.id ?? null,
    steps,
    ...cost(),
    curve: outcome.evals,
    test: outcome.test,
  };
}

/** Wall and CPU seconds since the call (the process's CPU: a process runs one unit at a time). */
function startCost(): () => { seconds: number; cpuSeconds: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
  };
}

export function writeAtomically(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`);
  renameSync(tmp, file);
}
