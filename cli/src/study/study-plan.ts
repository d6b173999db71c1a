import path from 'node:path';
import { type BudgetPlan, STUDY_TASKS, type StudyTask } from './budgets.ts';

/**
 * The arms (heads.md section 6): random initialisation with the backbone's learning rate at x0.1 (the recipe's)
 * and at x1 (a random backbone is handicapped by x0.1), spatial-only pretraining, full MIM4D pretraining.
 */
export const STUDY_ARMS = ['random', 'random-lr1', 'spatial', 'mim4d'] as const;
export type StudyArm = (typeof STUDY_ARMS)[number];
export type PretrainedArm = Extract<StudyArm, 'spatial' | 'mim4d'>;

export const ARM_LABELS: Readonly<Record<StudyArm, string>> = {
  random: 'random, backbone lr x0.1',
  'random-lr1': 'random, backbone lr x1',
  spatial: 'spatial-only',
  mim4d: 'MIM4D',
};

export interface PretrainUnit {
  kind: 'pretrain';
  id: string;
  arm: PretrainedArm;
  seed: number;
  dir: string;
}

export interface FinetuneUnit {
  kind: 'finetune';
  id: string;
  task: StudyTask;
  arm: StudyArm;
  /** Paired run index: run j of every arm shares its fine-tune seed (head init, sample order, augmentation). */
  run: number;
  seed: number;
  /** The pretraining this run starts from (pretrained arms only). */
  pretrain: PretrainUnit | null;
  dir: string;
}

export type StudyUnit = PretrainUnit | FinetuneUnit;

/** Every unit of the study in the order it runs: the pretrainings, then the fine-tunes task by task, run by run. */
export function planStudy(outDir: string, budget: BudgetPlan, runsPerArm: number): StudyUnit[] {
  const pretrainings: PretrainUnit[] = [];
  for (const arm of ['spatial', 'mim4d'] as const) {
    for (let s = 0; s < Math.min(budget.pretrainSeeds, runsPerArm); s++) {
      const id = `pretrain-${arm}-seed${s + 1}`;
      pretrainings.push({ kind: 'pretrain', id, arm, seed: s + 1, dir: path.join(outDir, 'pretrain', id) });
    }
  }
  const finetunes: FinetuneUnit[] = [];
  for (const task of STUDY_TASKS) {
    for (let run = 0; run < runsPerArm; run++) {
      for (const arm of STUDY_ARMS) {
        const from = pretrainings.filter((p) => p.arm === arm);
        const pretrain = from.length === 0 ? null : from[run % from.length];
        const id = `${task}-${arm}-run${run + 1}`;
        finetunes.push({
          kind: 'finetune',
          id,
          task,
          arm,
          run,
          seed: 100 + run,
          pretrain,
          dir: path.join(outDir, 'finetune', id),
        });
      }
    }
  }
  return [...pretrainings, ...finetunes];
}
