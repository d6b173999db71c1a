/**
 * The study's report (heads.md section 6): per task and arm the test metrics' mean and spread over the paired runs,
 * the paired deltas with 95 % t-intervals, the decision rule, validation learning curves, the pretraining cost,
 * and the figures, as report.json, report.md and figures/*.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type VegaLiteSpec, vegaLitePng } from '@mim4d/plots';
import { STUDY_TASKS, type StudyTask } from './budgets.ts';
import type { FinetuneResult, StudyResults } from './run-study.ts';
import {
  type PairedDelta,
  pairedDelta,
  runsToResolve,
  type Summary,
  summarise,
  surelyPositive,
} from './statistics.ts';
import { ARM_LABELS, STUDY_ARMS, type StudyArm } from './study-plan.ts';
import { TASK_METRICS } from './study-tasks.ts';

export interface MetricReport {
  key: string;
  label: string;
  /** Test metric per arm over its runs (absent where a run's value was not finite). */
  arms: Partial<Record<StudyArm, Summary>>;
  /** The random arm with the higher mean: deltas are taken against it (x0.1 handicaps a random backbone). */
  bestRandom: StudyArm;
  deltas: {
    mim4dMinusRandom: PairedDelta | null;
    mim4dMinusSpatial: PairedDelta | null;
    spatialMinusRandom: PairedDelta | null;
  };
}

export interface TaskReport {
  task: StudyTask;
  metrics: MetricReport[];
  paper: string;
  verdict: string;
  /**
   * Paired runs per arm that would make the 95 % interval of MIM4D - best random on the headline metric narrower
   * than the paper's gain, at this budget's observed spread (null: no spread, or more than 1000).
   */
  runsToResolvePaperGain: number | null;
  /** Validation headline metric by arm at each evaluated step: mean over runs. */
  curve: { arm: StudyArm; step: number; value: number }[];
}

export interface StudyReport {
  settings: StudyResults['settings'];
  tasks: TaskReport[];
  pretraining: {
    arm: string;
    runs: number;
    secondsPerStep: number;
    cpuSecondsPerStep: number;
    seconds: number;
    depthL1: number | null;
    psnr: number | null;
  }[];
  /** Summed over units (with --jobs several run at once, so the study took less than the sum). */
  seconds: { pretraining: number; finetuning: number };
  cpuSeconds: { pretraining: number; finetuning: number };
}

function valuesOf(results: FinetuneResult[], task: StudyTask, arm: StudyArm, key: string): number[] {
  return results
    .filter((r) => r.task === task && r.arm === arm)
    .sort((a, b) => a.run - b.run)
    .map((r) => r.test[key] ?? Number.NaN);
}

function delta(a: number[], b: number[]): PairedDelta | null {
  if (a.length === 0 || a.length !== b.length || [...a, ...b].some((v) => !Number.isFinite(v))) return null;
  return pairedDelta(a, b);
}

function metricReport(results: FinetuneResult[], task: StudyTask, key: string, label: string): MetricReport {
  const arms: Partial<Record<StudyArm, Summary>> = {};
  for (const arm of STUDY_ARMS) {
    const v = valuesOf(results, task, arm, key);
    if (v.length > 0 && v.every(Number.isFinite)) arms[arm] = summarise(v);
  }
  const bestRandom: StudyArm =
    (arms['random-lr1']?.mean ?? Number.NEGATIVE_INFINITY) > (arms.random?.mean ?? Number.NEGATIVE_INFINITY)
      ? 'random-lr1'
      : 'random';
  const of = (arm: StudyArm) => valuesOf(results, task, arm, key);
  return {
    key,
    label,
    arms,
    bestRandom,
    deltas: {
      mim4dMinusRandom: delta(of('mim4d'), of(bestRandom)),
      mim4dMinusSpatial: delta(of('mim4d'), of('spatial')),
      spatialMinusRandom: delta(of('spatial'), of(bestRandom)),
    },
  };
}

/** heads.md section 6's pre-registered rule on the headline metric. */
function verdict(headline: MetricReport): string {
  const { mim4dMinusRandom: vsRandom, mim4dMinusSpatial: vsSpatial } = headline.deltas;
  if (vsRandom === null || vsSpatial === null) return 'undecided: a run has no finite test value';
  if (vsRandom.low === null || vsSpatial.low === null) {
    return 'undecided: one run per arm gives no interval (run more --seeds)';
  }
  if (surelyPositive(vsRandom) && surelyPositive(vsSpatial)) return 'reproduced in direction';
  if (vsRandom.mean > 0 && vsSpatial.mean > 0) return 'same direction, within noise (an interval includes 0)';
  return 'not reproduced';
}

function learningCurve(results: FinetuneResult[], task: StudyTask, key: string): TaskReport['curve'] {
  const curve: TaskReport['curve'] = [];
  for (const arm of STUDY_ARMS) {
    const byStep = new Map<number, number[]>();
    for (const r of results.filter((x) => x.task === task && x.arm === arm)) {
      for (const e of r.curve) {
        const v = e[key];
        if (typeof v === 'number') byStep.set(e.step, [...(byStep.get(e.step) ?? []), v]);
      }
    }
    for (const [step, v] of [...byStep].sort((a, b) => a[0] - b[0])) {
      curve.push({ arm, step, value: summarise(v).mean });
    }
  }
  return curve;
}

export function buildReport(results: StudyResults): StudyReport {
  const tasks = STUDY_TASKS.map((task): TaskReport => {
    const { metrics, paperDelta } = TASK_METRICS[task];
    const reports = metrics.map((m) => metricReport(results.finetunes, task, m.key, m.label));
    return {
      task,
      metrics: reports,
      paper: paperDelta.label,
      verdict: verdict(reports[0]),
      runsToResolvePaperGain: runsToResolve(
        reports[0].deltas.mim4dMinusRandom?.std ?? null,
        paperDelta.value,
      ),
      curve: learningCurve(results.finetunes, task, metrics[0].key),
    };
  });
  const pretraining = (['spatial', 'mim4d'] as const).map((arm) => {
    const runs = results.pretrainings.filter((p) => p.arm === arm);
    const mean = (f: (p: (typeof runs)[number]) => number | null | undefined) => {
      const v = runs.map(f).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
      return v.length === 0 ? null : summarise(v).mean;
    };
    return {
      arm: ARM_LABELS[arm],
      runs: runs.length,
      secondsPerStep: mean((p) => p.seconds / Math.max(1, p.steps)) ?? Number.NaN,
      cpuSecondsPerStep: mean((p) => p.cpuSeconds / Math.max(1, p.steps)) ?? Number.NaN,
      seconds: runs.reduce((a, p) => a + p.seconds, 0),
      depthL1: mean((p) => p.heldOut?.depthL1),
      psnr: mean((p) => p.heldOut?.psnr),
    };
  });
  return {
    settings: results.settings,
    tasks,
    pretraining,
    seconds: {
      pretraining: results.pretrainings.reduce((a, p) => a + p.seconds, 0),
      finetuning: results.finetunes.reduce((a, f) => a + f.seconds, 0),
    },
    cpuSeconds: {
      pretraining: results.pretrainings.reduce((a, p) => a + p.cpuSeconds, 0),
      finetuning: results.finetunes.reduce((a, f) => a + f.cpuSeconds, 0),
    },
  };
}

const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;

/** What it would take to see the paper's gain at this budget, from the spread of the paired differences. */
function resolutionLine(t: TaskReport): string {
  const headline = t.metrics[0];
  const std = headline.deltas.mim4dMinusRandom?.std ?? null;
  if (std === null) return 'Resolution: one run per arm gives no spread to size a study from.';
  const runs = t.runsToResolvePaperGain;
  return (
    `Resolution: the paired differences MIM4D - best random spread by ${std.toFixed(4)} (sample std); a 95 % interval ` +
    `narrower than the paper's ${t.paper} would take ${runs === null ? 'more than 1000' : `about ${runs}`} paired runs ` +
    `per arm at this budget (this study: ${headline.deltas.mim4dMinusRandom?.n}). Arms whose level is near chance are ` +
    'better separated by longer fine-tunes than by more seeds.'
  );
}

const f3 = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : 'n/a';

function cell(s: Summary | undefined): string {
  if (s === undefined) return 'n/a';
  return s.std === null ? f3(s.mean) : `${f3(s.mean)} ± ${f3(s.std)}`;
}

function deltaCell(d: PairedDelta | null): string {
  if (d === null) return 'n/a';
  const sign = d.mean >= 0 ? '+' : '';
  return d.low === null ? `${sign}${f3(d.mean)}` : `${sign}${f3(d.mean)} [${f3(d.low)}, ${f3(d.high)}]`;
}

/** The headline table: one row per task, the README shows it. */
export function headlineTable(report: StudyReport): string {
  const rows = report.tasks.map((t) => {
    const m = t.metrics[0];
    return `| ${t.task} | ${m.label} | ${STUDY_ARMS.map((a) => cell(m.arms[a])).join(' | ')} | ${deltaCell(m.deltas.mim4dMinusRandom)} | ${deltaCell(m.deltas.mim4dMinusSpatial)} | ${t.paper} | ${t.verdict} |`;
  });
  return [
    `| task | metric (test) | ${STUDY_ARMS.map((a) => ARM_LABELS[a]).join(' | ')} | MIM4D - best random [95 % CI] | MIM4D - spatial [95 % CI] | paper | verdict |`,
    `|---|---|${STUDY_ARMS.map(() => '---').join('|')}|---|---|---|---|`,
    ...rows,
  ].join('\n');
}

function markdown(report: StudyReport, figures: string[]): string {
  const s = report.settings;
  const lines = [
    '# Does MIM4D pretraining help? Study report',
    '',
    `Training dataroot \`${s.data}\` (pretraining and fine-tuning on ${s.trainSplit}, learning curves on ${s.valSplit}); ` +
      `test dataroot \`${s.testData}\` (other towns, every sample, never trained on). Budget \`${s.budget}\`, ` +
      `${s.runsPerArm} paired run(s) per arm and task (run j of every arm shares its fine-tune seed; the pretrained ` +
      `arms of run j share a pretraining seed). Values are on the test dataroot: mean ± sample std over the runs; ` +
      'deltas are paired, with 95 % t-intervals (none with one run). The paper claims gains from an ImageNet-initialised ' +
      'backbone at full scale; they are quoted beside ours, not as targets.',
    '',
    '## Headline',
    '',
    headlineTable(report),
    '',
    ...report.tasks.flatMap((t) => [
      `## ${t.task}`,
      '',
      `| metric | ${STUDY_ARMS.map((a) => ARM_LABELS[a]).join(' | ')} | MIM4D - best random | MIM4D - spatial | spatial - best random |`,
      `|---|${STUDY_ARMS.map(() => '---').join('|')}|---|---|---|`,
      ...t.metrics.map(
        (m) =>
          `| ${m.label} | ${STUDY_ARMS.map((a) => cell(m.arms[a])).join(' | ')} | ${deltaCell(m.deltas.mim4dMinusRandom)} (vs ${m.bestRandom}) | ${deltaCell(m.deltas.mim4dMinusSpatial)} | ${deltaCell(m.deltas.spatialMinusRandom)} |`,
      ),
      '',
      `Verdict (MIM4D above the best random arm and above spatial-only, both intervals excluding 0): **${t.verdict}**. Paper: ${t.paper}.`,
      '',
      resolutionLine(t),
      '',
    ]),
    '## Pretraining cost',
    '',
    '| arm | runs | s / step (wall) | CPU s / step | total wall s | held-out depth L1 (m) | held-out PSNR (dB) |',
    '|---|---|---|---|---|---|---|',
    ...report.pretraining.map(
      (p) =>
        `| ${p.arm} | ${p.runs} | ${f3(p.secondsPerStep)} | ${f3(p.cpuSecondsPerStep)} | ${p.seconds.toFixed(0)} | ${f3(p.depthL1)} | ${f3(p.psnr)} |`,
    ),
    '',
    `Time summed over units (with --jobs several run at once): pretraining ${minutes(report.seconds.pretraining)} ` +
      `wall, ${minutes(report.cpuSeconds.pretraining)} CPU; fine-tuning and testing ${minutes(report.seconds.finetuning)} ` +
      `wall, ${minutes(report.cpuSeconds.finetuning)} CPU.`,
    '',
    '## Figures',
    '',
    ...figures.map((f) => `![${f}](figures/${f})`),
    '',
  ];
  return lines.join('\n');
}

function barsSpec(t: TaskReport): VegaLiteSpec {
  const m = t.metrics[0];
  const values = STUDY_ARMS.flatMap((arm) => {
    const s = m.arms[arm];
    if (s === undefined) return [];
    const half = s.std === null ? 0 : s.std;
    return [{ arm: ARM_LABELS[arm], mean: s.mean, low: s.mean - half, high: s.mean + half }];
  });
  return {
    title: `${t.task}: ${m.label} on the test towns (mean, whiskers ± 1 std over runs)`,
    width: 360,
    height: 220,
    data: { values },
    layer: [
      {
        mark: 'bar',
        encoding: {
          x: {
            field: 'arm',
            type: 'nominal',
            sort: null,
            title: null,
            axis: { labelAngle: -20, labelLimit: 0 },
          },
          y: { field: 'mean', type: 'quantitative', title: m.label },
        },
      },
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x: { field: 'arm', type: 'nominal', sort: null },
          y: { field: 'low', type: 'quantitative' },
          y2: { field: 'high' },
        },
      },
    ],
  };
}

function curveSpec(t: TaskReport, steps: number): VegaLiteSpec {
  return {
    title: `${t.task}: validation ${t.metrics[0].label} during fine-tuning (mean over runs)`,
    width: 360,
    height: 220,
    data: {
      values: t.curve.map((c) => ({
        arm: ARM_LABELS[c.arm],
        budget: (100 * c.step) / steps,
        value: c.value,
      })),
    },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'budget', type: 'quantitative', title: 'fine-tuning budget (%)' },
      y: { field: 'value', type: 'quantitative', title: t.metrics[0].label },
      color: { field: 'arm', type: 'nominal', title: 'arm', sort: null, legend: { labelLimit: 0 } },
    },
  };
}

/** Writes report.json, report.md and the figures into `outDir`; returns the report. */
export async function writeReport(
  results: StudyResults,
  outDir: string,
  finetuneSteps: Readonly<Record<StudyTask, number>>,
): Promise<StudyReport> {
  const report = buildReport(results);
  const figuresDir = path.join(outDir, 'figures');
  mkdirSync(figuresDir, { recursive: true });
  const figures: string[] = [];
  for (const t of report.tasks) {
    for (const [name, spec] of [
      [`${t.task}-test.png`, barsSpec(t)],
      [`${t.task}-curve.png`, curveSpec(t, finetuneSteps[t.task])],
    ] as const) {
      writeFileSync(path.join(figuresDir, name), await vegaLitePng(spec));
      figures.push(name);
    }
  }
  writeFileSync(path.join(outDir, 'report.json'), `${JSON.stringify(report, null, 1)}\n`);
  writeFileSync(path.join(outDir, 'report.md'), markdown(report, figures));
  return report;
}
