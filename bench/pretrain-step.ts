/**
 * Seconds per training step and the arithmetic rate it achieves, against this machine's float32 matmul peak
 * measured in the same run on the same backend, for MIM4D pretraining (plan + forward + backward + clipping +
 * AdamW) and for the fine-tuning steps of the task heads (detection, hdmap, bev-seg: the step `mim4d finetune
 * <head>` runs, i.e. the training task's host-side sample draw and augmentation, then forward + backward of the summed loss terms,
 * clipping and AdamW, as `trainingLoop` does).
 *
 * FLOPs of a step are counted, not estimated: one extra step runs under tf.profile, and every kernel it ran (the
 * forward pass, the gradient kernels of the backward pass, the second-order SDF normal graph, the optimizer) is
 * counted from its recorded shapes (bench/kernel-flops.ts): matmuls and convolutions exactly, 2 per multiply-add;
 * other arithmetic 1 per output element; data movement 0. The rays drawn and the boxes matched vary a little from
 * step to step, so the count is that of one step. The rate is counted FLOPs per second of the median timed
 * (unprofiled) step, set against the float32 matmul peak (512x512 by 512x512 products) measured right before and
 * right after each timed step, by the same clocks: wall seconds, and CPU (user + system) seconds, the steadier one
 * on a shared machine. Before and after are printed because under load the peak swings, and the ratio is only
 * meaningful when they agree.
 *
 * Where the time goes: one more step runs with every kernel under a wall clock (bench/kernel-time.ts), printing the
 * seconds spent inside kernels, the rest (op dispatch, the tape, host work) and the slowest kernels by their own time.
 *
 * Each configuration runs in a child process of its own, so that its peak RSS is its own: the wasm heap only
 * grows, and a process that had run `tiny` would report `tiny`'s memory for every configuration after it.
 *
 * Data parallelism (`--workers 1,2`): each configuration also runs, in a process of its own per worker count W, the
 * training loop's step over W samples on W threads (the main one and W - 1 workers, each with its own runtime and
 * model replica: StepGradientRunner, then clipping, AdamW and the weights sent back to the workers), timed over the
 * same steps; CPU time counts every thread of the process. A last table sets the counts side by side: step time,
 * samples per second and the speed-up over one thread, by wall and by CPU clock, and each process's peak RSS.
 *
 * The heads fine-tune on a synthetic dataroot generated into a temporary folder (`mim4d data synth`'s image size;
 * --scenes x --samples, whose default 4 scenes cover mini_train and mini_val), or on --dataroot. Every training
 * sample is decoded into the sample cache before timing, as in any fine-tune longer than one pass over them, and
 * the per-sample decoding time is printed beside the step.
 *
 *   npx tsx bench/pretrain-step.ts [--configs micro,tiny] [--heads detection,hdmap,bev-seg|none] [--steps 3]
 *     [--workers 1,2] [--rays-per-camera N] [--tape-per-render] [--profile-shapes TOP] [--backend auto|wasm|cpu]
 *     [--scenes 4] [--samples 10]
 *     [--dataroot DIR --version V]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toyScene } from '@mim4d/pretrain/testing';
import { generateSynthDataset, SYNTH_DEFAULTS } from '../dataset/src/index.ts';
import {
  BEV_SEG_LOSS_TERMS,
  BevSegmenter,
  BevSegSamples,
  bevSegTrainingTask,
  loadBevSegConfig,
} from '../heads/bev-seg/src/index.ts';
import { loadDetectionConfig } from '../heads/detection/src/config.ts';
import { DetectionSamples } from '../heads/detection/src/data/detection-samples.ts';
import { UvtrDetector } from '../heads/detection/src/model/detector.ts';
import {
  DETECTION_LOSS_TERMS,
  detectionTrainingTask,
} from '../heads/detection/src/train/finetune-detection.ts';
import { type FinetuneSplitOptions, openFinetuneSplits } from '../heads/finetune/src/index.ts';
import {
  HDMAP_LOSS_TERMS,
  HdMapModel,
  HdMapSamples,
  hdMapTrainingTask,
  loadHdMapConfig,
} from '../heads/hdmap/src/index.ts';
import { initBackend, type ParamStore, parseBackendPreference, SeededRandom, tf } from '../nn/src/index.ts';
import { loadConfig, type Mim4dConfig } from '../pretrain/src/config/index.ts';
import { lossTermNames, Mim4dModel, totalLoss } from '../pretrain/src/model/mim4d.ts';
import { perRenderGradients } from '../pretrain/src/model/per-render-gradients.ts';
import { AdamW, clipGradNorm } from '../pretrain/src/train/adamw.ts';
import type { ModuleCall } from '../pretrain/src/train/module-call.ts';
import { StepGradientRunner } from '../pretrain/src/train/step-gradients.ts';
import { pretrainTask } from '../pretrain/src/train/trainer.ts';
import type { TrainingTask } from '../pretrain/src/train/training-task.ts';
import { countFlops } from './kernel-flops.ts';
import { timeKernels } from './kernel-time.ts';

const HEADS = ['detection', 'hdmap', 'bev-seg'] as const;
type Head = (typeof HEADS)[number];

const { values } = parseArgs({
  options: {
    configs: { type: 'string', default: 'micro,tiny' },
    heads: { type: 'string', default: HEADS.join(',') },
    steps: { type: 'string', default: '3' },
    workers: { type: 'string', default: '1,2' },
    'rays-per-camera': { type: 'string' },
    // The pretraining step with render.tapePerRender (one rendering's activations at a time).
    'tape-per-render': { type: 'boolean', default: false },
    // One more step timed per kernel and input shapes: the slowest of those, one a line.
    'profile-shapes': { type: 'string', default: '0' },
    backend: { type: 'string', default: 'auto' },
    scenes: { type: 'string', default: String(SYNTH_DEFAULTS.scenes) },
    samples: { type: 'string', default: String(SYNTH_DEFAULTS.samples) },
    dataroot: { type: 'string' },
    version: { type: 'string', default: SYNTH_DEFAULTS.version },
    // Internal: the parent runs each configuration as `--only pretrain:micro`, `--only detection:tiny`, ...
    only: { type: 'string' },
  },
});
const steps = Number(values.steps);
if (!(Number.isInteger(steps) && steps >= 1))
  throw new Error(`--steps must be a positive integer, got ${values.steps}`);
const profileShapes = Number(values['profile-shapes']);
if (!(Number.isInteger(profileShapes) && profileShapes >= 0))
  throw new Error(`--profile-shapes must be a count >= 0, got ${values['profile-shapes']}`);
const configs = (values.configs ?? '').split(',').filter((c) => c !== '');
const workerCounts = (values.workers ?? '').split(',').map((w) => {
  const n = Number(w);
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`--workers: "${w}" is not a positive integer`);
  return n;
});
const heads = parseHeads(values.heads ?? '');

function parseHeads(list: string): Head[] {
  if (list === 'none') return [];
  return list.split(',').map((h) => {
    if (!(HEADS as readonly string[]).includes(h)) {
      throw new Error(
        `--heads: unknown head "${h}" (heads with a fine-tuning step: ${HEADS.join(', ')}; or none)`,
      );
    }
    return h as Head;
  });
}

interface Seconds {
  wall: number;
  cpu: number;
}

function timed(fn: () => void): Seconds {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

async function timedAsync(fn: () => Promise<unknown>): Promise<Seconds> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

const sum = (xs: Seconds[]): Seconds => ({
  wall: xs.reduce((a, x) => a + x.wall, 0),
  cpu: xs.reduce((a, x) => a + x.cpu, 0),
});
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
// Each clock's own median: a step slowed by a neighbour costs wall time but not CPU time.
const medianOf = (xs: Seconds[]): Seconds => ({
  wall: median(xs.map((x) => x.wall)),
  cpu: median(xs.map((x) => x.cpu)),
});
const rate = (flops: number, s: Seconds) => ({ wall: flops / s.wall / 1e9, cpu: flops / s.cpu / 1e9 });
const show = (r: { wall: number; cpu: number }) => `${r.wall.toFixed(2)} [${r.cpu.toFixed(2)}]`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Generates the dataroot the heads need, then runs each configuration in a child process of its own. */
async function runAll(): Promise<void> {
  const backend = await initBackend({
    prefer: parseBackendPreference(values.backend ?? 'auto', '--backend'),
  });
  console.log(
    `backend ${backend.tfName} (simd ${backend.simd}, threads ${backend.threads}); per configuration, one process; ` +
      `median of ${steps} timed steps after 1 warm-up; rates in GFLOP/s by wall clock and [by cpu clock]`,
  );
  let work: string | undefined;
  try {
    let dataroot = values.dataroot;
    if (heads.length > 0 && configs.length > 0 && dataroot === undefined) {
      work = await mkdtemp(path.join(tmpdir(), 'mim4d-bench-finetune-'));
      dataroot = path.join(work, 'synth');
      const scenes = Number(values.scenes);
      const samples = Number(values.samples);
      const made = await timedAsync(() =>
        // The fine-tuning steps read key frames only: sweeps would only lengthen the generation.
        generateSynthDataset({ out: dataroot!, scenes, samples, sweeps: 0, lidarSweeps: 0 }),
      );
      console.log(
        `synthetic dataroot: ${scenes} scenes x ${samples} samples, 6 cameras at ` +
          `${SYNTH_DEFAULTS.width}x${SYNTH_DEFAULTS.height} (mim4d data synth's size), generated in ` +
          `${made.wall.toFixed(1)} s wall, ${made.cpu.toFixed(1)} s cpu`,
      );
    }
    const jobs = [
      ...configs.map((c) => `pretrain:${c}`),
      ...heads.flatMap((h) => configs.map((c) => `${h}:${c}`)),
    ];
    const results: LoopResult[] = [];
    for (const job of jobs) {
      for (const workers of workerCounts) results.push(await runChild(job, workers, dataroot));
    }
    printSideBySide(results);
  } finally {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  }
}

/** What a child reports of the training loop's step on `workers` threads, one sample each. */
interface LoopResult {
  job: string;
  workers: number;
  step: Seconds;
  peakRss: number;
}

/** The prefix of the line that carries a child's LoopResult to the parent. */
const RESULT = 'loop-result ';

function runChild(job: string, workers: number, dataroot: string | undefined): Promise<LoopResult> {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    '--only',
    job,
    '--workers',
    String(workers),
    '--steps',
    String(steps),
    '--backend',
    values.backend ?? 'auto',
    '--version',
    values.version ?? SYNTH_DEFAULTS.version,
    ...(values['rays-per-camera'] === undefined ? [] : ['--rays-per-camera', values['rays-per-camera']]),
    ...(values['tape-per-render'] ? ['--tape-per-render'] : []),
    '--profile-shapes',
    String(profileShapes),
    ...(dataroot === undefined ? [] : ['--dataroot', dataroot]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let result: LoopResult | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(RESULT)) result = JSON.parse(line.slice(RESULT.length)) as LoopResult;
      else console.log(line);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`${job}: the benchmark process exited with ${signal ?? `code ${code}`}`));
    });
  });
}

/** Per configuration, each worker count's step beside one thread's: samples per second and the speed-up. */
function printSideBySide(results: LoopResult[]): void {
  if (results.length === 0) return;
  console.log(
    '\ntraining-loop step, one sample per thread (median; wall [cpu of all threads]):\n' +
      `${'configuration'.padEnd(16)} ${'threads'.padStart(7)} ${'step s'.padStart(13)} ` +
      `${'samples/s'.padStart(13)} ${'speed-up'.padStart(13)} ${'peak RSS'.padStart(10)}`,
  );
  for (const r of results) {
    const one = results.find((o) => o.job === r.job && o.workers === 1);
    const perSecond = { wall: r.workers / r.step.wall, cpu: r.workers / r.step.cpu };
    const speedUp =
      one === undefined
        ? '-'
        : show({ wall: perSecond.wall * one.step.wall, cpu: perSecond.cpu * one.step.cpu });
    console.log(
      `${r.job.replace(':', ' ').padEnd(16)} ${String(r.workers).padStart(7)} ${show(r.step).padStart(13)} ` +
        `${show(perSecond).padStart(13)} ${speedUp.padStart(13)} ${mib(r.peakRss).padStart(10)}`,
    );
  }
}

/**
 * One configuration's training step: `prepare` runs a step's host side and returns its tensor side (forward,
 * backward, clipping and AdamW), which the FLOP count profiles alone.
 */
interface StepUnderTest {
  label: string;
  params: number;
  /** What else the line reports about the configuration. */
  describe: string;
  /** Set-up the second line reports (the samples' decoding). */
  setup?: string;
  prepare: () => Promise<() => void>;
  /** The training loop's view of the same step, timed on one thread and more. */
  loop: LoopStep;
  dispose: () => void;
}

/** A task as the training loop runs it, and how a worker thread builds its replica. */
interface LoopStep {
  task: TrainingTask;
  terms: readonly string[];
  replica: ModuleCall;
  optim: Mim4dConfig['optim'];
}

async function runOne(job: string, workers: number): Promise<void> {
  const [kind, name] = job.split(':');
  await initBackend({ prefer: parseBackendPreference(values.backend ?? 'auto', '--backend') });
  const peak = matmulPeak();
  peak.run();
  const rssBefore = process.memoryUsage.rss();
  let subject: StepUnderTest;
  if (kind === 'pretrain') subject = pretrainStep(name);
  else if (kind === 'detection') subject = await detectionStep(name);
  else if (kind === 'hdmap') subject = await hdMapStep(name);
  else if (kind === 'bev-seg') subject = await bevSegStep(name);
  else throw new Error(`--only: unknown kind "${kind}"`);
  // First, so that every worker count's step is timed equally warm (the profiling runs more steps).
  const step = await timeLoopStep(subject.loop, workers);
  const result: LoopResult = { job, workers, step, peakRss: process.resourceUsage().maxRSS * 1024 };
  if (workers === 1) await profileStep(subject, peak, rssBefore);
  console.log(
    `${subject.label.padEnd(15)} training-loop step on ${workers} thread(s), one sample each: ` +
      `${step.wall.toFixed(2)} s wall, ${step.cpu.toFixed(2)} s cpu (all threads) | ` +
      `${(workers / step.wall).toFixed(2)} samples/s | peak RSS ${mib(result.peakRss)}`,
  );
  console.log(`${RESULT}${JSON.stringify(result)}`);
  subject.dispose();
  peak.dispose();
}

const LOOP_WARM_UP = 4;

/**
 * The median of `steps` timed steps (after LOOP_WARM_UP untimed ones) of the training loop on `workers` threads: the step's
 * samples (StepGradientRunner), clipping, AdamW and the weights sent to the workers.
 */
async function timeLoopStep(loop: LoopStep, workers: number): Promise<Seconds> {
  const { task, terms, replica, optim } = loop;
  const runner = await StepGradientRunner.start(task, terms, workers, { workers, replica });
  const adam = new AdamW(task.params.trainable(), (n) => task.lrMult(n), { ...optim });
  const rng = new SeededRandom(1);
  const step = async () => {
    const sampled = await runner.run(rng);
    const clipped = clipGradNorm(sampled.grads, optim.clipNorm);
    adam.apply(clipped.grads, optim.lr);
    runner.sync();
    tf.dispose([...sampled.grads.values(), ...clipped.grads.values()]);
  };
  try {
    // A worker's JavaScript is as cold as a new process's: a few steps before its dispatch runs at full speed.
    for (let i = 0; i < LOOP_WARM_UP; i++) await step();
    const times: Seconds[] = [];
    for (let i = 0; i < steps; i++) times.push(await timedAsync(step));
    return medianOf(times);
  } finally {
    await runner.close();
    adam.dispose();
  }
}

/** One thread's step: its time against the matmul peak, its FLOPs, and the time per kernel. */
async function profileStep(
  subject: StepUnderTest,
  peak: ReturnType<typeof matmulPeak>,
  rssBefore: number,
): Promise<void> {
  const step = async () => (await subject.prepare())();
  await step();
  const before: Seconds[] = [];
  const after: Seconds[] = [];
  const times: Seconds[] = [];
  for (let i = 0; i < steps; i++) {
    before.push(peak.run());
    times.push(await timedAsync(step));
    after.push(peak.run());
  }
  const peakFlops = peak.flops * steps;
  const peakRate = rate(2 * peakFlops, sum([...before, ...after]));
  const perStep = medianOf(times);
  const flops = await countFlops(await subject.prepare());
  const total = flops.dense + flops.other;
  const achieved = rate(total, perStep);
  const runStep = await subject.prepare();
  const spent = timeKernels(runStep);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    `${subject.label.padEnd(15)} params ${String(subject.params).padStart(7)}, ${subject.describe} | ` +
      `step ${perStep.wall.toFixed(2)} s wall, ${perStep.cpu.toFixed(2)} s cpu | ` +
      `${(total / 1e9).toFixed(2)} GFLOP/step (${(flops.dense / 1e9).toFixed(2)} matmul/conv) | achieved ` +
      `${show(achieved)} vs matmul peak ${show(peakRate)} (before ${show(rate(peakFlops, sum(before)))}, after ` +
      `${show(rate(peakFlops, sum(after)))}) = ${((100 * achieved.wall) / peakRate.wall).toFixed(1)}% ` +
      `[${((100 * achieved.cpu) / peakRate.cpu).toFixed(1)}%] of peak`,
  );
  const top = [...flops.byKernel].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(
    `${''.padEnd(15)} peak RSS ${mib(peakRss)} (${mib(rssBefore)} before building the step)` +
      `${subject.setup === undefined ? '' : ` | ${subject.setup}`} | matmul/conv GFLOP by kernel: ` +
      top.map(([k, f]) => `${k} ${(f / 1e9).toFixed(3)}`).join(', '),
  );
  const slowest = [...spent.byKernel].sort((a, b) => b[1].seconds - a[1].seconds).slice(0, 10);
  console.log(
    `${''.padEnd(15)} one more step timed per kernel: ${spent.total.toFixed(2)} s wall, ` +
      `${spent.inKernels.toFixed(2)} s in ${[...spent.byKernel.values()].reduce((a, k) => a + k.calls, 0)} ` +
      `kernel calls, ${(spent.total - spent.inKernels).toFixed(2)} s outside (op dispatch, tape, host) | ` +
      `slowest kernels, s (calls): ` +
      slowest.map(([k, t]) => `${k} ${t.seconds.toFixed(3)} (${t.calls})`).join(', '),
  );
  if (profileShapes > 0) {
    const byShape = timeKernels(await subject.prepare(), true);
    console.log(`${''.padEnd(15)} slowest kernel uses by input shapes, s (calls):`);
    for (const [k, t] of [...byShape.byKernel]
      .sort((a, b) => b[1].seconds - a[1].seconds)
      .slice(0, profileShapes))
      console.log(`${''.padEnd(15)}   ${t.seconds.toFixed(3)} (${t.calls}) ${k}`);
  }
}

const N = 512;
const PEAK_REPS = 4;

/** Seconds of PEAK_REPS products of 512x512 matrices, and their FLOPs. */
function matmulPeak() {
  const left = tf.randomUniform([N, N], -1, 1, 'float32', 1);
  const right = tf.randomUniform([N, N], -1, 1, 'float32', 2);
  return {
    flops: 2 * N ** 3 * PEAK_REPS,
    run: () =>
      timed(() => {
        for (let i = 0; i < PEAK_REPS; i++) {
          tf.tidy(() => {
            tf.matMul(left, right).dataSync();
          });
        }
      }),
    dispose: () => tf.dispose([left, right]),
  };
}

function countParams(trainable: Map<string, tf.Variable>): number {
  let n = 0;
  for (const v of trainable.values()) n += v.size;
  return n;
}

function pretrainStep(name: string): StepUnderTest {
  const config = loadConfig(name);
  if (values['rays-per-camera'] !== undefined)
    config.render.raysPerCamera = Number(values['rays-per-camera']);
  config.render.tapePerRender = values['tape-per-render'] === true;
  const model = new Mim4dModel(config);
  const sample = toyScene(config);
  const rng = new SeededRandom(1);
  const trainable = model.params.trainable();
  const byVar = new Map([...trainable].map(([n, v]) => [v.name, n]));
  const adam = new AdamW(trainable, () => 1, { ...config.optim });
  const stepGradients = (plan: ReturnType<typeof model.plan>) => {
    if (config.render.tapePerRender) {
      const { terms, grads } = perRenderGradients(model, sample, plan, rng, [...trainable.values()]);
      tf.dispose(Object.values(terms));
      return grads;
    }
    const { value, grads } = tf.variableGrads(
      () => totalLoss(model.losses(sample, plan, rng)),
      [...trainable.values()],
    );
    value.dispose();
    return new Map(Object.entries(grads));
  };
  const trainStep = () => {
    const grads = stepGradients(model.plan(sample, rng));
    const clipped = clipGradNorm(
      new Map([...grads].map(([k, g]) => [byVar.get(k)!, g])),
      config.optim.clipNorm,
    );
    adam.apply(clipped.grads, config.optim.lr);
    tf.dispose([...grads.values(), ...clipped.grads.values()]);
  };
  const toySamples: ModuleCall = {
    module: import.meta.resolve('@mim4d/pretrain/testing'),
    name: 'toySamples',
    arg: { config, speeds: [1.5] },
  };
  return {
    label: `pretrain ${name}`,
    params: countParams(trainable),
    describe: `${config.render.raysPerCamera} rays/camera${config.render.tapePerRender ? ', taped per rendering' : ''}`,
    loop: {
      task: pretrainTask(model, { count: 1, get: () => sample }),
      terms: lossTermNames(config),
      replica: {
        module: new URL('../pretrain/src/train/trainer.ts', import.meta.url).href,
        name: 'pretrainReplica',
        arg: { config, train: toySamples },
      },
      optim: config.optim,
    },
    // The plan draws the rays on the host but is part of the step, so it is profiled with it.
    prepare: async () => trainStep,
    dispose: () => {
      adam.dispose();
      model.dispose();
    },
  };
}

/** The synthetic (or --dataroot) splits the heads fine-tune on. */
async function headSplits(kind: string) {
  const dataroot = values.dataroot;
  if (dataroot === undefined) throw new Error(`${kind}: --dataroot is required with --only`);
  return openFinetuneSplits({
    dataroot,
    version: values.version ?? SYNTH_DEFAULTS.version,
    trainSplit: 'mini_train',
    valSplit: 'mini_val',
  });
}

async function detectionStep(name: string): Promise<StepUnderTest> {
  const config = loadDetectionConfig(name);
  const splits = await headSplits('detection');
  // The fresh initialisation: a transferred backbone changes the weights' values, not the step's cost.
  const model = new UvtrDetector(config);
  const train = new DetectionSamples(splits.nusc, splits.train, config);
  const { queries, layers } = config.head;
  return headStep(`detection ${name}`, config, model, train, detectionTrainingTask(model, train), {
    head: `${queries} queries x ${layers} layers`,
    terms: DETECTION_LOSS_TERMS,
    replica: headReplica(
      'detection/src/train/finetune-detection.ts',
      'detectionReplica',
      config,
      splits.options,
    ),
  });
}

async function hdMapStep(name: string): Promise<StepUnderTest> {
  const config = loadHdMapConfig(name);
  const splits = await headSplits('hdmap');
  const model = new HdMapModel(config);
  const train = new HdMapSamples(splits.nusc, splits.train, config);
  const { vectors, points, layers } = config.head;
  return headStep(`hdmap ${name}`, config, model, train, hdMapTrainingTask(model, train), {
    head: `${vectors} x ${points} queries x ${layers} layers`,
    terms: HDMAP_LOSS_TERMS,
    replica: headReplica('hdmap/src/train/finetune-hdmap.ts', 'hdMapReplica', config, splits.options),
  });
}

async function bevSegStep(name: string): Promise<StepUnderTest> {
  const config = loadBevSegConfig(name);
  const splits = await headSplits('bev-seg');
  const model = new BevSegmenter(config);
  const train = new BevSegSamples(splits.nusc, splits.train, config);
  const { stageChannels, xBound, yBound } = config.head;
  const cells = (b: readonly number[]) => Math.round((b[1] - b[0]) / b[2]);
  return headStep(`bev-seg ${name}`, config, model, train, bevSegTrainingTask(model, train), {
    head: `BEV ${cells(xBound)}x${cells(yBound)}, ResNet stages ${stageChannels.join('/')}`,
    terms: BEV_SEG_LOSS_TERMS,
    replica: headReplica('bev-seg/src/train/finetune-bev-seg.ts', 'bevSegReplica', config, splits.options),
  });
}

/** How a worker thread builds a head's training task: the head's replica function (`heads/<file>`). */
function headReplica(file: string, name: string, config: unknown, data: FinetuneSplitOptions): ModuleCall {
  return { module: new URL(`../heads/${file}`, import.meta.url).href, name, arg: { config, data } };
}

/** A head's fine-tuning step as `trainingLoop` runs it: the task's sample draw, forward + backward, clip, AdamW. */
async function headStep(
  label: string,
  config: { seed: number; optim: Mim4dConfig['optim']; backbone: Mim4dConfig },
  model: { params: ParamStore; dispose(): void },
  train: { count: number; get(index: number): Promise<unknown> },
  task: TrainingTask,
  describe: { head: string; terms: readonly string[]; replica: ModuleCall },
): Promise<StepUnderTest> {
  const loading = await timedAsync(async () => {
    for (let i = 0; i < train.count; i++) await train.get(i);
  });
  const rng = new SeededRandom(config.seed);
  const trainable = model.params.trainable();
  const byVar = new Map([...trainable].map(([n, v]) => [v.name, n]));
  const adam = new AdamW(trainable, (n) => task.lrMult(n), { ...config.optim });
  const prepare = async () => {
    const lossTerms = await task.prepareStep(rng);
    if (typeof lossTerms !== 'function')
      throw new Error(`${label}: the bench times heads whose loss is taped whole`);
    return () => {
      const { value, grads } = tf.variableGrads(
        () => tf.addN(Object.values(lossTerms(rng))) as tf.Scalar,
        [...trainable.values()],
      );
      const clipped = clipGradNorm(
        new Map(Object.entries(grads).map(([k, g]) => [byVar.get(k)!, g])),
        config.optim.clipNorm,
      );
      adam.apply(clipped.grads, config.optim.lr);
      tf.dispose([value, ...Object.values(grads), ...clipped.grads.values()]);
    };
  };
  const { cameras, imageHeight, imageWidth } = config.backbone.input;
  return {
    label,
    params: countParams(trainable),
    describe: `${cameras} cameras at ${imageWidth}x${imageHeight}, ${describe.head}`,
    setup:
      `${train.count} training samples decoded into the cache before timing, ` +
      `${((1000 * loading.wall) / train.count).toFixed(0)} ms wall, ` +
      `${((1000 * loading.cpu) / train.count).toFixed(0)} ms cpu each`,
    prepare,
    loop: { task, terms: describe.terms, replica: describe.replica, optim: config.optim },
    dispose: () => {
      adam.dispose();
      model.dispose();
    },
  };
}

// Last, so that every constant above is initialised before the top-level await runs.
if (values.only === undefined) await runAll();
else await runOne(values.only, workerCounts[0]);
