/**
 * Runs a study unit by unit: the pretrainings of the spatial-only and MIM4D arms on the training split, then every
 * paired fine-tune of the three heads, each tested on the held-out dataroot. A unit's result file is written last
 * and atomically, so a rerun skips what finished and resumes a unit cut short from its checkpoint.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
import { type FinetuneUnit, type PretrainUnit, planStudy, type StudyUnit } from './study-plan.ts';
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
  log: (line: string) => void;
  onStep?: (
    unit: StudyUnit,
    steps: number,
  ) => ((record: { step: number; total: number | null }) => void) | undefined;
}

/** What a unit leaves in its folder when it finished. */
export const RESULT_FILE = 'study-result.json';
export const SETTINGS_FILE = 'study.json';
const TEST_SPLIT = 'study_test';

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

export interface StudyResults {
  settings: StudySettings;
  pretrainings: PretrainResult[];
  finetunes: FinetuneResult[];
}

/** What fixes a study's results; a rerun into the same folder must not change it. */
export interface StudySettings {
  data: string;
  testData: string;
  version: string;
  trainSplit: string;
  valSplit: string;
  splitFile: string | null;
  budget: StudyBudget;
  /** The budget's steps and sizes when the study started: a later release may size the budgets otherwise. */
  plan: BudgetPlan;
  runsPerArm: number;
}

export async function runStudy(options: StudyOptions): Promise<StudyResults> {
  const budget = BUDGETS[options.budget];
  const settings = fixSettings(options, budget, options.runsPerArm ?? budget.runsPerArm);
  const units = planStudy(options.out, budget, settings.runsPerArm);
  const test = await openTestSet(options, budget.testSamples);
  const opened = await openFinetuneSplits({
    dataroot: options.data,
    version: options.version,
    trainSplit: options.trainSplit,
    valSplit: options.valSplit,
    ...(options.splitFile === undefined ? {} : { splitFile: options.splitFile }),
  });
  const splits = { ...opened, val: spread(opened.val, budget.curveSamples) };
  const finetuner = await StudyFinetuner.open(
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
  const pretrainings: PretrainResult[] = [];
  const finetunes: FinetuneResult[] = [];
  const t0 = performance.now();
  for (const [k, unit] of units.entries()) {
    const label = `[${k + 1}/${units.length}] ${unit.id}`;
    const file = path.join(unit.dir, RESULT_FILE);
    if (existsSync(file)) {
      options.log(`${label}: finished earlier`);
    } else {
      options.log(`${label}: running (study time so far ${minutes(performance.now() - t0)})`);
      const result =
        unit.kind === 'pretrain'
          ? await runPretraining(unit, budget.preset, budget.pretrainSteps, options)
          : await runFinetune(unit, budget.preset, budget.finetuneSteps[unit.task], finetuner, options);
      writeAtomically(file, result);
      options.log(`${label}: done in ${result.seconds.toFixed(0)} s`);
    }
    const result = JSON.parse(readFileSync(file, 'utf8'));
    if (unit.kind === 'pretrain') pretrainings.push(result as PretrainResult);
    else finetunes.push(result as FinetuneResult);
  }
  return { settings, pretrainings, finetunes };
}

function minutes(ms: number): string {
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** Writes study.json, or checks that a rerun asks for the study already in the folder. */
function fixSettings(options: StudyOptions, plan: BudgetPlan, runsPerArm: number): StudySettings {
  const settings: StudySettings = {
    data: path.resolve(options.data),
    testData: path.resolve(options.testData),
    version: options.version,
    trainSplit: options.trainSplit,
    valSplit: options.valSplit,
    splitFile: options.splitFile === undefined ? null : path.resolve(options.splitFile),
    budget: options.budget,
    plan,
    runsPerArm,
  };
  if (settings.data === settings.testData) {
    throw new Error(
      `--test-data ${options.testData} is the training dataroot: the test set must be other towns`,
    );
  }
  const file = path.join(options.out, SETTINGS_FILE);
  if (existsSync(file)) {
    const before = JSON.parse(readFileSync(file, 'utf8')) as StudySettings;
    const same = (k: keyof StudySettings) => JSON.stringify(before[k]) === JSON.stringify(settings[k]);
    const changed = (Object.keys(settings) as (keyof StudySettings)[]).filter((k) => !same(k));
    if (changed.length > 0) {
      throw new Error(
        `${file}: this folder holds a study with other settings (${changed.map((k) => `${k} ${JSON.stringify(before[k])} -> ${JSON.stringify(settings[k])}`).join(', ')}); rerun with them or choose another --out`,
      );
    }
    return settings;
  }
  mkdirSync(options.out, { recursive: true });
  writeAtomically(file, settings);
  return settings;
}

async function openTestSet(options: StudyOptions, samples: number | null): Promise<TestSet> {
  const nusc = await NuScenes.open(options.testData, options.version);
  const tokens = spread(
    nusc.tables.sample.map((s) => s.token),
    samples,
  );
  if (tokens.length === 0) throw new Error(`--test-data ${options.testData}: no samples`);
  const splitFile = path.join(options.out, 'test-split.json');
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
    onStep: options.onStep?.(unit, steps),
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
    onStep: options.onStep?.(unit, steps),
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

/** Wall and CPU seconds since the call (the process's CPU: the study runs one unit at a time). */
function startCost(): () => { seconds: number; cpuSeconds: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
  };
}

function writeAtomically(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`);
  renameSync(tmp, file);
}
