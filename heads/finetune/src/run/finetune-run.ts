import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ParamStore } from '@mim4d/nn';
import { LOOP_FILES, type Mim4dConfig, refuseFinishedRun } from '@mim4d/pretrain';
import { checkBackboneFits } from '../backbone/check-backbone-fits.ts';
import type { ResolvedBackbone } from '../backbone/resolved-backbone.ts';
import { formatTransferReport, transferWeights } from '../backbone/transfer-weights.ts';
import type { FinetuneSplitOptions } from '../data/finetune-splits.ts';

/** Files a fine-tuning run adds to the training loop's: what it started from, and the validation evaluations. */
export const FINETUNE_RUN_FILES = { finetune: 'finetune.json', evaluations: 'eval' } as const;

/** The tasks a fine-tuning run may train, as `finetune.json` and the model card name them. */
export type FinetuneTask = 'detection' | 'bev-seg' | 'hdmap';
const TASKS: readonly FinetuneTask[] = ['detection', 'bev-seg', 'hdmap'];

/** Folder of the validation evaluation at `step` (the metric files of that evaluation). */
export function evaluationDir(runDir: string, step: number): string {
  return path.join(runDir, FINETUNE_RUN_FILES.evaluations, `step-${String(step).padStart(6, '0')}`);
}

/** Where the run's backbone came from and how much of it transferred. */
export interface BackboneRecord {
  ref: string;
  kind: ResolvedBackbone['kind'];
  description: string;
  revision?: string;
  sha256?: string;
  transferred: number;
  fresh: number;
  discarded: number;
}

/** finetune.json: what the run trains, started from and trained on, kept beside the checkpoint for the export. */
export interface FinetuneRecord {
  task: FinetuneTask;
  backbone: BackboneRecord;
  data: FinetuneSplitOptions;
}

export interface BeginFinetuneRunOptions {
  task: FinetuneTask;
  params: ParamStore;
  /** The head's backbone config, which the pretrained weights must fit. */
  backboneConfig: Mim4dConfig;
  backbone: ResolvedBackbone;
  data: FinetuneSplitOptions;
  outDir: string;
  /** Progress lines (the transfer report). */
  log?: (line: string) => void;
}

/**
 * Starts a new fine-tuning run: refuses a folder that already holds one, checks that the backbone fits the head's
 * config, transfers its weights by name into `params` and writes finetune.json. (A resumed run skips this: its
 * checkpoint holds the weights.)
 */
export function beginFinetuneRun(options: BeginFinetuneRunOptions): FinetuneRecord {
  const { backbone, outDir } = options;
  refuseFinishedRun(outDir);
  if (backbone.config !== null)
    checkBackboneFits(backbone.config, options.backboneConfig, backbone.description);
  const report = transferWeights(options.params, backbone);
  options.log?.(formatTransferReport(report));
  const record: FinetuneRecord = {
    task: options.task,
    data: options.data,
    backbone: {
      ref: backbone.ref,
      kind: backbone.kind,
      description: backbone.description,
      ...(backbone.revision === undefined ? {} : { revision: backbone.revision }),
      ...(backbone.sha256 === undefined ? {} : { sha256: backbone.sha256 }),
      transferred: report.transferred.length,
      fresh: report.fresh.length,
      discarded: report.discarded.length,
    },
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, FINETUNE_RUN_FILES.finetune), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** A run's finetune.json, its task one of `expected` (all tasks when absent); errors name the file. */
export function readFinetuneRecord(
  runDir: string,
  expected: readonly FinetuneTask[] = TASKS,
): FinetuneRecord {
  const file = path.join(runDir, FINETUNE_RUN_FILES.finetune);
  if (!existsSync(file)) throw new Error(`${file}: missing (not a fine-tuning run?)`);
  let record: FinetuneRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as FinetuneRecord;
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (!expected.includes(record.task)) {
    throw new Error(
      `${file}: task is ${JSON.stringify(record.task)}, not ${expected.map((t) => `"${t}"`).join(' or ')}`,
    );
  }
  return record;
}

/** The last line of a run's eval.jsonl, or null when it has none. */
export function lastEvalRecord<E>(runDir: string): E | null {
  const file = path.join(runDir, LOOP_FILES.evalLog);
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.length === 0 ? null : (JSON.parse(lines[lines.length - 1]) as E);
}
