/**
 * `mim4d study --publish <namespace>`: puts a finished study's fine-tuned heads on a zoo and has the zoo score them.
 * Each final model is exported, run with onnxruntime over the whole test split (the same graph a user would pull),
 * pushed as `<namespace>/study-<budget>-<unit>`, and its predictions submitted to its task's benchmark, so the
 * leaderboard carries a verified row per model beside the baselines. The ground truth the zoo must score against
 * is the test split's, written here in the form `mim4d-zoo benchmark gt` installs. Resumable: `publish.json`
 * keeps every finished step.
 */
import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { runModelBevSeg, runModelDetection, runModelHdMap } from '@mim4d/eval';
import { type Submission, type ZooClient, ZooError } from '@mim4d/zoo';
import { HEAD_EXPORTERS } from '../head-exporters.ts';
import { publishFolder } from '../publish-folder.ts';
import type { StudyTask } from './budgets.ts';
import { ARM_LABELS, type FinetuneUnit } from './study-plan.ts';
import { TEST_SPLIT, TEST_SPLIT_FILE, writeAtomically } from './study-units.ts';

export interface PublishStudyOptions {
  out: string;
  testData: string;
  version: string;
  budget: string;
  units: readonly FinetuneUnit[];
  namespace: string;
  client: ZooClient;
  codeCommit: string;
  log: (line: string) => void;
}

/** One model's way onto the zoo; each field is filled once its step finished. */
export interface PublishedUnit {
  unit: string;
  repo: string;
  results?: string;
  revision?: string;
  benchmark?: string;
  submissionId?: string;
  status?: Submission['status'];
  metrics?: Record<string, number>;
  errors?: Submission['errors'];
}

export const PUBLISH_FILE = 'publish.json';
const GT_FORMS: Readonly<Record<StudyTask, string>> = {
  detection: 'detection.json',
  hdmap: 'hdmap.json',
  'bev-seg': 'bev-seg',
};

/**
 * Publishes every unit; rejects, after trying them all, naming each benchmark whose ground truth the zoo lacks
 * with the command that installs the study's.
 */
export async function publishStudy(options: PublishStudyOptions): Promise<PublishedUnit[]> {
  const file = path.join(options.out, PUBLISH_FILE);
  const record: Record<string, PublishedUnit> = existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8'))
    : {};
  const save = () => writeAtomically(file, record);
  const benchmarks = await benchmarkOfEachTask(options.client);
  const missingGt = new Map<string, string>();
  for (const unit of options.units) {
    record[unit.id] ??= { unit: unit.id, repo: `${options.namespace}/study-${options.budget}-${unit.id}` };
    const entry = record[unit.id];
    const benchmark = benchmarks.get(unit.task);
    if (benchmark === undefined)
      throw new Error(`the zoo has no ${unit.task} benchmark to submit ${unit.id} to`);
    // Written (or found up to date) once, for both the test predictions and the push.
    let exportDir: string | undefined;
    const exported = () => {
      exportDir ??= exportOf(unit, options.codeCommit);
      return exportDir;
    };
    entry.results ??= await predictTestSplit(unit, exported(), options);
    save();
    entry.revision ??= await publishFolder(options.client, entry.repo, exported());
    save();
    if (entry.status !== 'verified' && !missingGt.has(benchmark)) {
      try {
        entry.benchmark = benchmark;
        entry.submissionId = (
          await options.client.submit(benchmark, entry.results, {
            model: entry.repo,
            name: `study ${options.budget}: ${ARM_LABELS[unit.arm]}, run ${unit.run + 1}`,
            idempotencyKey: `${entry.repo}@${entry.revision}`,
          })
        ).submissionId;
      } catch (error) {
        if (!(error instanceof ZooError && error.code === 'ScoringUnavailable')) throw error;
        missingGt.set(benchmark, groundTruthPath(options.out, unit.task));
        continue;
      }
      const outcome = await options.client.waitForSubmission(entry.submissionId, { intervalMs: 500 });
      Object.assign(entry, { status: outcome.status, metrics: outcome.metrics, errors: outcome.errors });
      save();
    }
    options.log(
      `${unit.id}: ${entry.repo}@${entry.revision?.slice(0, 12)}, ${entry.status ?? 'not submitted'}`,
    );
  }
  if (missingGt.size > 0) {
    const commands = [...missingGt].map(
      ([id, gt]) => `  mim4d-zoo benchmark gt ${id} ${gt} --data <the zoo's folder>`,
    );
    throw new Error(
      `the zoo cannot score ${[...missingGt.keys()].join(', ')} (no ground truth installed); its operator installs the study's test ground truth with\n${commands.join('\n')}\nthen rerun with --publish (what was pushed stays)`,
    );
  }
  return options.units.map((u) => record[u.id]);
}

/** The benchmark each task's rows go to: the zoo's only one of that task. */
async function benchmarkOfEachTask(client: ZooClient): Promise<Map<StudyTask, string>> {
  const byTask = new Map<StudyTask, string>();
  for (const b of await client.listBenchmarks()) {
    const task = b.task as StudyTask;
    if (byTask.has(task))
      throw new Error(
        `the zoo has several ${task} benchmarks (${byTask.get(task)}, ${b.id}); the study submits to one`,
      );
    byTask.set(task, b.id);
  }
  return byTask;
}

/** The unit's export folder, written from its final checkpoint unless it is already newer than that. */
function exportOf(unit: FinetuneUnit, codeCommit: string): string {
  const dir = path.join(unit.dir, 'export');
  const checkpoint = path.join(unit.dir, 'checkpoint');
  if (existsSync(path.join(dir, 'card.json')) && statSync(dir).mtimeMs >= statSync(checkpoint).mtimeMs)
    return dir;
  return HEAD_EXPORTERS[unit.task](unit.dir, codeCommit).dir;
}

/** Where the test split's ground truth of a task goes (written by the first model run of that task). */
function groundTruthPath(out: string, task: StudyTask): string {
  return path.join(out, 'publish', 'ground-truth', GT_FORMS[task]);
}

/** Runs the unit's exported graph over the test split; returns its results file (bev-seg: the probabilities). */
async function predictTestSplit(
  unit: FinetuneUnit,
  exportDir: string,
  options: PublishStudyOptions,
): Promise<string> {
  const outputDir = path.join(options.out, 'publish', unit.id);
  const gt = groundTruthPath(options.out, unit.task);
  const run = {
    model: exportDir,
    dataset: {
      dataroot: options.testData,
      version: options.version,
      split: TEST_SPLIT,
      splitFile: path.join(options.out, TEST_SPLIT_FILE),
    },
    outputDir,
    batch: 4,
    threads: 1,
    json: true,
    progress: false,
  };
  const quiet = { stdout: () => {}, stderr: () => {} };
  switch (unit.task) {
    case 'detection':
      return (await runModelDetection({ ...run, ...(existsSync(gt) ? {} : { groundTruthOut: gt }) }, quiet))
        .resultsPath;
    case 'hdmap':
      return (await runModelHdMap({ ...run, ...(existsSync(gt) ? {} : { groundTruthOut: gt }) }, quiet))
        .results;
    case 'bev-seg': {
      const result = await runModelBevSeg(run, quiet);
      if (!existsSync(gt)) cpSync(result.masks, gt, { recursive: true });
      return result.probs;
    }
  }
}
