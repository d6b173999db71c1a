import type { ParamStore } from '@mim4d/nn';
import {
  hasCheckpoint,
  type Mim4dConfig,
  type ModuleCall,
  type StepLossRecord,
  type TrainingTask,
  trainingLoop,
} from '@mim4d/pretrain';
import type { ResolvedBackbone } from '../backbone/resolved-backbone.ts';
import type { FinetuneSplits } from '../data/finetune-splits.ts';
import { beginFinetuneRun, evaluationDir, type FinetuneTask } from './finetune-run.ts';

/** The config fields the run itself reads; each head's config has them beside its own sections. */
export interface HeadRunConfig {
  seed: number;
  backbone: Mim4dConfig;
  optim: Mim4dConfig['optim'];
  evaluation: { every: number };
}

/** A line of eval.jsonl: the validation metrics at a step, with how many samples and how long it took. */
export interface FinetuneEvalRecord {
  step: number;
  samples: number;
  seconds: number;
  [metric: string]: number | null;
}

/** What a fine-tuning command passes, the same for every head. */
export interface FinetuneRunOptions<C> {
  config: C;
  /** The opened training and validation splits (`openFinetuneSplits`). */
  splits: FinetuneSplits;
  backbone: ResolvedBackbone;
  steps: number;
  outDir: string;
  resume?: boolean;
  stopAfter?: number;
  checkpointEvery?: number;
  /** Threads computing each step's `config.optim.samplesPerStep` samples, the main one included (default 1). */
  workers?: number;
  onStep?: (record: StepLossRecord) => void;
  onEval?: (record: FinetuneEvalRecord) => void;
  /** Progress lines (the transfer report). */
  log?: (line: string) => void;
}

export interface FinetuneRunResult<M> {
  model: M;
  records: StepLossRecord[];
  evals: FinetuneEvalRecord[];
  step: number;
}

/** What a head brings to a run: its model, its step and, optionally, its validation. */
export interface HeadRun<M extends { params: ParamStore }> {
  task: FinetuneTask;
  model: M;
  /** loss.jsonl's terms, in order. */
  terms: readonly string[];
  training: TrainingTask;
  /** How a worker thread builds its own copy of `training` (its model and training samples) for `workers`. */
  replica: ModuleCall;
  /** Validation over `samples` samples, its metric files written to `outputDir`; none: no eval.jsonl. */
  validation?: { samples: number; evaluate(outputDir: string): Promise<Record<string, number | null>> };
}

/**
 * A head's fine-tuning run: a new run transfers the backbone and writes finetune.json (a resumed one continues
 * from its checkpoint), then the shared training loop with validation at the start, every `evaluation.every` steps
 * and at the end, each evaluation's files under `eval/step-N/`.
 */
export async function runFinetune<C extends HeadRunConfig, M extends { params: ParamStore }>(
  options: FinetuneRunOptions<C>,
  head: HeadRun<M>,
): Promise<FinetuneRunResult<M>> {
  const { config, splits, backbone, outDir } = options;
  const { model, validation } = head;
  if (!(options.resume === true && hasCheckpoint(outDir))) {
    beginFinetuneRun({
      task: head.task,
      params: model.params,
      backboneConfig: config.backbone,
      backbone,
      data: splits.options,
      outDir,
      log: options.log,
    });
  }
  const result = await trainingLoop<C, FinetuneEvalRecord>({
    config,
    optim: config.optim,
    seed: config.seed,
    terms: head.terms,
    checkpointFormat: 'mim4d-finetune-checkpoint/1',
    steps: options.steps,
    outDir,
    task: head.training,
    parallelism: { workers: options.workers ?? 1, replica: head.replica },
    evaluate:
      validation === undefined
        ? undefined
        : async (step) => {
            const started = Date.now();
            const metrics = await validation.evaluate(evaluationDir(outDir, step));
            return { step, ...metrics, samples: validation.samples, seconds: (Date.now() - started) / 1000 };
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
