import assert from 'node:assert/strict';
import { BUDGETS, type StudyTask } from '../../src/study/budgets.ts';
import type { FinetuneResult, StudyResults } from '../../src/study/run-study.ts';
import { STUDY_ARMS, type StudyArm } from '../../src/study/study-plan.ts';
import { buildReport, headlineTable } from '../../src/study/study-report.ts';

const HEADLINE: Record<StudyTask, string> = {
  detection: 'mAP',
  'bev-seg': 'map/mean/iou@max',
  hdmap: 'NuscMap_chamfer/mAP',
};

/** Three paired runs per arm whose headline test metric is `values[task][arm][run]`. */
function results(values: Record<StudyTask, Record<StudyArm, number[]>>): StudyResults {
  const finetunes: FinetuneResult[] = [];
  for (const task of Object.keys(values) as StudyTask[]) {
    for (const arm of STUDY_ARMS) {
      values[task][arm].forEach((v, run) => {
        finetunes.push({
          id: `${task}-${arm}-run${run + 1}`,
          task,
          arm,
          run,
          seed: 100 + run,
          pretrain: null,
          steps: 8,
          seconds: 1,
          cpuSeconds: 1,
          curve: [0, 4, 8].map((step) => ({
            step,
            samples: 2,
            seconds: 0,
            [HEADLINE[task]]: (v * step) / 8,
          })),
          test: { [HEADLINE[task]]: v },
        });
      });
    }
  }
  return {
    settings: {
      data: '/a',
      testData: '/b',
      version: 'v1.0-mini',
      trainSplit: 'mini_train',
      valSplit: 'mini_val',
      splitFile: null,
      budget: 'quick',
      plan: BUDGETS.quick,
      runsPerArm: 3,
    },
    pretrainings: [],
    finetunes,
  };
}

const clearGain = {
  random: [0.1, 0.11, 0.12],
  'random-lr1': [0.12, 0.13, 0.14],
  spatial: [0.15, 0.16, 0.17],
  mim4d: [0.2, 0.21, 0.23],
};
const loss = {
  random: [0.3, 0.31, 0.32],
  'random-lr1': [0.2, 0.2, 0.21],
  spatial: [0.3, 0.3, 0.31],
  mim4d: [0.25, 0.26, 0.24],
};
const noise = {
  random: [0.1, 0.2, 0.1],
  'random-lr1': [0.1, 0.1, 0.1],
  spatial: [0.1, 0.12, 0.1],
  mim4d: [0.2, 0.1, 0.13],
};

describe('study report', () => {
  const report = buildReport(results({ detection: clearGain, 'bev-seg': loss, hdmap: noise }));
  const task = (t: StudyTask) => report.tasks.find((r) => r.task === t);

  it('takes the deltas against the better random arm and reports the pre-registered verdict', () => {
    const det = task('detection');
    assert.equal(det?.metrics[0].bestRandom, 'random-lr1');
    const d = det?.metrics[0].deltas.mim4dMinusRandom;
    assert.ok(d !== null && d !== undefined && Math.abs(d.mean - (0.2133333 - 0.13)) < 1e-6);
    assert.equal(det?.verdict, 'reproduced in direction');
    assert.equal(task('bev-seg')?.metrics[0].bestRandom, 'random');
    assert.equal(task('bev-seg')?.verdict, 'not reproduced');
    assert.match(task('hdmap')?.verdict ?? '', /within noise/);
  });

  it('averages the validation learning curve over runs at each evaluated step', () => {
    const curve = task('detection')?.curve.filter((c) => c.arm === 'mim4d');
    assert.deepEqual(
      curve?.map((c) => c.step),
      [0, 4, 8],
    );
    assert.ok(Math.abs((curve?.[1].value ?? 0) - 0.2133333 / 2) < 1e-6);
  });

  it('puts one row per task in the headline table, with the paper beside our delta', () => {
    const table = headlineTable(report);
    const rows = table.split('\n').slice(2);
    assert.equal(rows.length, 3);
    assert.match(
      rows[0],
      /^\| detection \| mAP \| 0\.110 ± 0\.010 \| 0\.130 ± 0\.010 \|.*\| \+0\.083 \[0\.\d+, 0\.\d+\] \|.*\+3\.5 mAP \| reproduced in direction \|$/,
    );
  });
});
