/**
 * Each task as the study drives it: its head config for an arm and seed, its fine-tune (validated on the training
 * dataroot's validation split) and its test scoring on the held-out dataroot, plus the metrics the report shows.
 */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MAPTR_CLASSES, type NuScenes } from '@mim4d/dataset';
import { detectionValidationScorer } from '@mim4d/eval';
import type { FinetuneEvalRecord, FinetuneSplits, HeadRunConfig, ResolvedBackbone } from '@mim4d/finetune';
import {
  BevSegSamples,
  BevSegValidator,
  bevGrid,
  finetuneBevSeg,
  loadBevSegConfig,
  MEAN_IOU_AT_HALF,
} from '@mim4d/head-bev-seg';
import {
  DetectionSamples,
  finetuneDetection,
  loadDetectionConfig,
  predictDetections,
} from '@mim4d/head-detection';
import { finetuneHdMap, HdMapSamples, loadHdMapConfig, validateHdMap } from '@mim4d/head-hdmap';
import { evaluationEvery, type StudyTask } from './budgets.ts';
import type { StudyArm } from './study-plan.ts';

export interface StudyMetric {
  key: string;
  label: string;
}

/** A task's headline metric first, then the ones reported beside it; the paper's claimed gain on the headline. */
export interface TaskMetrics {
  metrics: readonly StudyMetric[];
  paperDelta: { value: number; label: string };
}

const chamfer = (key: string) => `NuscMap_chamfer/${key}`;

export const TASK_METRICS: Readonly<Record<StudyTask, TaskMetrics>> = {
  detection: {
    metrics: [
      { key: 'mAP', label: 'mAP' },
      { key: 'NDS', label: 'NDS' },
    ],
    paperDelta: { value: 0.035, label: '+3.5 mAP' },
  },
  'bev-seg': {
    metrics: [
      { key: 'map/mean/iou@max', label: 'mIoU (best threshold)' },
      { key: MEAN_IOU_AT_HALF, label: 'mIoU at 0.5' },
    ],
    paperDelta: { value: 0.087, label: '+8.7 IoU' },
  },
  hdmap: {
    metrics: [
      { key: chamfer('mAP'), label: 'mAP (Chamfer)' },
      ...MAPTR_CLASSES.map((c) => ({ key: chamfer(`${c}_AP`), label: `AP ${c}` })),
    ],
    paperDelta: { value: 0.014, label: '+1.4 mAP' },
  },
};

/** The held-out test dataroot (its samples the budget tests on), with a split file naming all its scenes. */
export interface TestSet {
  dataroot: string;
  version: string;
  nusc: NuScenes;
  tokens: string[];
  splitFile: string;
  split: string;
}

export interface FinetuneRequest {
  task: StudyTask;
  arm: StudyArm;
  seed: number;
  steps: number;
  preset: string;
  backbone: ResolvedBackbone;
  outDir: string;
  checkpointEvery: number;
  onStep?: (record: { step: number; total: number | null }) => void;
}

export interface FinetuneOutcome {
  evals: FinetuneEvalRecord[];
  /** Metrics of the final weights on the test dataroot. */
  test: Record<string, number | null>;
}

/** The head config of an arm: the preset with the run's seed, the learning-curve evaluations and the arm's rate. */
function armConfig<C extends HeadRunConfig>(config: C, request: FinetuneRequest): C {
  return {
    ...config,
    seed: request.seed,
    optim: {
      ...config.optim,
      backboneLrMult: request.arm === 'random-lr1' ? 1 : config.optim.backboneLrMult,
    },
    evaluation: { ...config.evaluation, every: evaluationEvery(request.steps) },
  };
}

/** Runs the fine-tunes of a study: one training dataroot (split into training and validation) and one test set. */
export class StudyFinetuner {
  private constructor(
    readonly splits: FinetuneSplits,
    readonly test: TestSet,
    private readonly scoreVal: Awaited<ReturnType<typeof detectionValidationScorer>>,
    private readonly scoreTest: Awaited<ReturnType<typeof detectionValidationScorer>>,
  ) {}

  /** Opens the detection scorers (they read each split's boxes once); the detection class ranges are the preset's. */
  static async open(
    splits: FinetuneSplits,
    val: { dataroot: string; version: string; split: string; splitFile?: string },
    test: TestSet,
    preset: string,
  ): Promise<StudyFinetuner> {
    const { classRangeM } = loadDetectionConfig(preset).head;
    const valSet = new Set(splits.val);
    const scoreVal = await detectionValidationScorer(val, classRangeM, {
      nusc: splits.nusc,
      samples: splits.nusc.tables.sample.filter((s) => valSet.has(s.token)),
    });
    const testSet = new Set(test.tokens);
    const scoreTest = await detectionValidationScorer(
      { dataroot: test.dataroot, version: test.version, split: test.split, splitFile: test.splitFile },
      classRangeM,
      { nusc: test.nusc, samples: test.nusc.tables.sample.filter((s) => testSet.has(s.token)) },
    );
    return new StudyFinetuner(splits, test, scoreVal, scoreTest);
  }

  async run(request: FinetuneRequest): Promise<FinetuneOutcome> {
    const common = {
      splits: this.splits,
      backbone: request.backbone,
      steps: request.steps,
      outDir: request.outDir,
      resume: true,
      checkpointEvery: request.checkpointEvery,
      onStep: request.onStep,
    };
    const testDir = path.join(request.outDir, 'test');
    const { nusc, tokens } = this.test;
    switch (request.task) {
      case 'detection': {
        const config = armConfig(loadDetectionConfig(request.preset), request);
        const { model, evals } = await finetuneDetection({ ...common, config, score: this.scoreVal });
        return this.finish(model, evals, async () =>
          this.scoreTest(await predictDetections(model, new DetectionSamples(nusc, tokens, config)), testDir),
        );
      }
      case 'bev-seg': {
        const config = armConfig(loadBevSegConfig(request.preset), request);
        const { model, evals } = await finetuneBevSeg({ ...common, config });
        const validator = new BevSegValidator(new BevSegSamples(nusc, tokens, config), bevGrid(config.head));
        return this.finish(model, evals, () => validator.evaluate(model, testDir));
      }
      case 'hdmap': {
        const config = armConfig(loadHdMapConfig(request.preset), request);
        const { model, evals } = await finetuneHdMap({ ...common, config });
        return this.finish(model, evals, () =>
          validateHdMap(model, new HdMapSamples(nusc, tokens, config), testDir),
        );
      }
    }
  }

  private async finish(
    model: { dispose(): void },
    evals: FinetuneEvalRecord[],
    score: () => Promise<Record<string, number | null>>,
  ): Promise<FinetuneOutcome> {
    try {
      return { evals, test: await score() };
    } finally {
      model.dispose();
    }
  }
}

/**
 * Writes the split file naming every scene of the test dataroot (the scorers read GT through a split). Each process
 * of a study writes it, so it is replaced whole: a reader never sees half of it.
 */
export function writeTestSplit(nusc: NuScenes, file: string, split: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ [split]: nusc.tables.scene.map((s) => s.name) }, null, 1)}\n`);
  renameSync(tmp, file);
}
