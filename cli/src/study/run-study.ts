/**
 * Runs a study: the pretrainings of the spatial-only and MIM4D arms on the training split, then every paired
 * fine-tune of the three heads, each tested on the held-out dataroot, one unit at a time here or several at once in
 * child processes. A rerun skips the units that finished and resumes one cut short from its checkpoint.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BUDGETS, type BudgetPlan, type StudyBudget } from './budgets.ts';
import { planStudy, type StudyUnit } from './study-plan.ts';
import {
  type FinetuneResult,
  type PretrainResult,
  resultFile,
  type StudyOptions,
  StudyUnitRunner,
  unitSteps,
  writeAtomically,
} from './study-units.ts';

export type { FinetuneResult, PretrainResult, StudyOptions } from './study-units.ts';

const SETTINGS_FILE = 'study.json';

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
  const t0 = performance.now();
  const todo: StudyUnit[] = [];
  for (const [k, unit] of units.entries()) {
    if (existsSync(resultFile(unit))) options.log(`${unitLabel(units, k)}: finished earlier`);
    else todo.push(unit);
  }
  const started = (unit: StudyUnit) =>
    options.log(
      `${unitLabel(units, units.indexOf(unit))}: running (study time so far ${minutes(performance.now() - t0)})`,
    );
  const finished = (unit: StudyUnit, seconds: number) =>
    options.log(`${unitLabel(units, units.indexOf(unit))}: done in ${seconds.toFixed(0)} s`);
  const jobs = options.jobs ?? 1;
  if (jobs > 1 && todo.length > 0) {
    // Imported here: a one-job study (the tests' and the library's default) never starts child processes.
    const { runUnitsInChildren } = await import('./study-children.ts');
    await runUnitsInChildren(
      todo,
      jobs,
      { ...options, runsPerArm: settings.runsPerArm },
      { started, finished },
    );
  } else if (todo.length > 0) {
    const runner = new StudyUnitRunner(options);
    for (const unit of todo) {
      started(unit);
      const result = await runner.run(unit, options.onStep?.(unit, unitSteps(budget, unit)));
      finished(unit, result.seconds);
    }
  }
  const pretrainings: PretrainResult[] = [];
  const finetunes: FinetuneResult[] = [];
  for (const unit of units) {
    const result = JSON.parse(readFileSync(resultFile(unit), 'utf8'));
    if (unit.kind === 'pretrain') pretrainings.push(result as PretrainResult);
    else finetunes.push(result as FinetuneResult);
  }
  return { settings, pretrainings, finetunes };
}

function unitLabel(units: readonly StudyUnit[], k: number): string {
  return `[${k + 1}/${units.length}] ${units[k].id}`;
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
