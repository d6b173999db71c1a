import type { Command } from 'commander';
import { headCommit, positive, stepProgress, withDataParallelOptions } from './shared.ts';

/** The flags every `mim4d finetune <task>` command takes. */
interface FinetuneCliOptions {
  data?: string;
  version: string;
  backbone?: string;
  config: string;
  steps: number;
  out?: string;
  resume: boolean;
  trainSplit: string;
  valSplit: string;
  splitFile?: string;
  checkpointEvery: number;
  backend: string;
  endpoint?: string;
  token?: string;
  workers: number;
  samplesPerStep?: number;
}

type Runtime = Awaited<ReturnType<typeof loadRuntime>>;

/** What a task's run starts from, prepared alike for every task. */
interface PreparedRun {
  opts: Required<FinetuneCliOptions>;
  runtime: Runtime;
  backend: { tfName: string };
  backbone: Awaited<ReturnType<Runtime['finetune']['resolveBackbone']>>;
  splits: Awaited<ReturnType<Runtime['finetune']['openFinetuneSplits']>>;
}

/** Adds `mim4d finetune` (task heads on a MIM4D backbone) to the program. */
export function registerFinetuneCommand(program: Command): void {
  const finetune = program
    .command('finetune')
    .description('fine-tune a task head on a MIM4D backbone, and export it for mim4d-eval and the zoo');
  addTaskCommand(
    finetune,
    'detection',
    'fine-tune the UVTR 3D-detection head (heads.md section 1) on the training split and evaluate mAP / NDS on ' +
      'the validation split at the start, every evaluation.every steps and at the end. Writes config.json, ' +
      'finetune.json, loss.jsonl, eval.jsonl, loss-curve.png and checkpoint/ to --out',
    finetuneDetectionCommand,
  );
  addTaskCommand(
    finetune,
    'bev-seg',
    'fine-tune the BEVFusion map-segmentation head (heads.md section 2) on the training split and evaluate the ' +
      'IoU of its six classes on the validation split at the start, every evaluation.every steps and at the end. ' +
      'Writes config.json, finetune.json, loss.jsonl, eval.jsonl, eval/step-N/metrics.json, loss-curve.png and ' +
      'checkpoint/ to --out',
    finetuneBevSegCommand,
  );
  addTaskCommand(
    finetune,
    'hdmap',
    'fine-tune the MapTR vectorized HD-map head (heads.md section 3) on the training split and evaluate the ' +
      'Chamfer AP of its three classes at 0.5 / 1.0 / 1.5 m on the validation split at the start, every ' +
      'evaluation.every steps and at the end. Writes config.json, finetune.json, loss.jsonl, eval.jsonl, ' +
      'eval/step-N/metrics.json, loss-curve.png and checkpoint/ to --out',
    finetuneHdMapCommand,
  );
  finetune
    .command('export <runDir>')
    .description(
      "write <runDir>/export/ for the run's task (finetune.json): detection gives detector.onnx (images + " +
        'ego->image matrices -> scores and boxes) and detector.safetensors, bev-seg gives bev-seg.onnx (images + ' +
        'ego->image + lidar->ego matrices -> class probabilities on the lidar grid) and bev-seg.safetensors, hdmap ' +
        'gives hdmap.onnx (images + ego->image + lidar->ego matrices -> vector scores and lidar-frame points) and ' +
        'hdmap.safetensors; each with card.json (zoo card: task, I/O, classes, backbone, data, validation metrics)',
    )
    .option('--code-commit <sha>', 'commit of the code that trained the run (default: this checkout HEAD)')
    .action(async (runDir: string, opts: { codeCommit?: string }, command: Command) => {
      try {
        const codeCommit = opts.codeCommit ?? headCommit();
        const runtime = await loadRuntime();
        await runtime.nn.initBackend();
        const out = await exportRun(runtime, runDir, codeCommit);
        process.stdout.write(
          `wrote ${out.onnx}\nwrote ${out.weights}\nwrote ${out.card}\n  parameters: ${out.params}\n`,
        );
      } catch (error) {
        command.error(`mim4d finetune export: ${(error as Error).message}`, { exitCode: 1 });
      }
    });
}

/** Exports a run as its finetune.json's task says. */
async function exportRun(runtime: Runtime, runDir: string, codeCommit: string) {
  const { task } = runtime.finetune.readFinetuneRecord(runDir);
  const { HEAD_EXPORTERS } = await import('../head-exporters.ts');
  return HEAD_EXPORTERS[task](runDir, codeCommit);
}

/** `mim4d finetune <task>` with the flags every task shares; `run` trains once the run is prepared. */
function addTaskCommand(
  finetune: Command,
  task: string,
  description: string,
  run: (prepared: PreparedRun) => Promise<void>,
): void {
  withDataParallelOptions(finetune.command(task))
    .description(description)
    .option('--data <dir>', 'dataroot (nuScenes layout, e.g. from `mim4d data synth`)')
    .option('--version <name>', 'table folder under the dataroot', 'v1.0-mini')
    .option(
      '--backbone <ref>',
      'pretrained backbone: a zoo model ns/name[@rev], an export folder, a pretraining run folder, a .safetensors ' +
        'file, or none (random initialisation)',
    )
    .option('--config <name|file>', 'preset (micro, tiny) or a JSON config file', 'tiny')
    .option('--steps <n>', 'total optimisation steps (the schedule length)', positive('--steps'), 200)
    .option('--out <dir>', 'run directory')
    .option('--resume', 'continue from the run directory checkpoint (same config and --steps)', false)
    .option('--train-split <name>', 'split trained on', 'mini_train')
    .option(
      '--val-split <name>',
      'split evaluated on (no scene in common with the training split)',
      'mini_val',
    )
    .option(
      '--split-file <file>',
      'JSON {split: [scene names]} for custom splits (the official ones are bundled)',
    )
    .option('--checkpoint-every <n>', 'steps between checkpoints', positive('--checkpoint-every'), 50)
    .option('--backend <name>', 'auto, node, wasm or cpu', 'auto')
    .option(
      '--endpoint <url>',
      'zoo endpoint for a zoo --backbone (default: MIM4D_ZOO_ENDPOINT or the saved login)',
    )
    .option('--token <token>', 'zoo token (default: MIM4D_ZOO_TOKEN or the saved login)')
    .action(async (opts: FinetuneCliOptions, command: Command) => {
      const missing = (['data', 'backbone', 'out'] as const).find((k) => opts[k] === undefined);
      if (missing !== undefined) {
        command.error(
          `error: required option '--${missing} <${missing === 'backbone' ? 'ref' : 'dir'}>' not specified`,
        );
        return;
      }
      try {
        await run(await prepareRun(opts as Required<FinetuneCliOptions>));
      } catch (error) {
        command.error(`mim4d finetune ${task}: ${(error as Error).message}`, { exitCode: 1 });
      }
    });
}

/** Starts the backend, resolves the backbone (none on resume: the checkpoint holds it) and opens the splits. */
async function prepareRun(opts: Required<FinetuneCliOptions>): Promise<PreparedRun> {
  const runtime = await loadRuntime();
  const { nn, finetune } = runtime;
  const backend = await nn.initBackend({ prefer: nn.parseBackendPreference(opts.backend, '--backend') });
  const backbone = opts.resume
    ? await finetune.resolveBackbone('none')
    : await finetune.resolveBackbone(opts.backbone, {
        zoo: {
          ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
          ...(opts.token === undefined ? {} : { token: opts.token }),
        },
      });
  const splits = await finetune.openFinetuneSplits({
    dataroot: opts.data,
    version: opts.version,
    trainSplit: opts.trainSplit,
    valSplit: opts.valSplit,
    ...(opts.splitFile === undefined ? {} : { splitFile: opts.splitFile }),
  });
  return { opts, runtime, backend, backbone, splits };
}

function announce(task: string, prepared: PreparedRun, configName: string): void {
  const from = prepared.opts.resume ? 'the checkpoint' : prepared.backbone.description;
  process.stderr.write(
    `finetune ${task}: config ${configName}, starting from ${from}, backend ${prepared.backend.tfName}\n`,
  );
}

/** The run's summary: steps, loss and validation metrics from the first evaluation to the last. */
function printSummary(
  out: string,
  steps: number,
  result: {
    step: number;
    records: { total: number | null }[];
    evals: { step: number; [key: string]: number | null }[];
  },
  metrics: [label: string, key: string][],
  perClass: [label: string, keys: [name: string, key: string][]],
): void {
  const loss = (i: number) => result.records.at(i)?.total?.toFixed(4) ?? '-';
  const [e0, e1] = [result.evals.at(0), result.evals.at(-1)];
  const metric = (key: string) =>
    e0 === undefined || e1 === undefined
      ? '-'
      : `${fmt(e0[key])} (step ${e0.step}) -> ${fmt(e1[key])} (step ${e1.step})`;
  const [classLabel, classKeys] = perClass;
  process.stdout.write(
    [
      `wrote ${out}`,
      `  steps:  ${result.step}/${steps}`,
      `  loss:   ${loss(0)} -> ${loss(-1)}`,
      ...metrics.map(([label, key]) => `  validation ${label}: ${metric(key)}`),
      ...(e1 !== undefined && classKeys.length > 0
        ? [`  ${classLabel}: ${classKeys.map(([name, key]) => `${name} ${fmt(e1[key])}`).join(', ')}`]
        : []),
    ].join('\n') + '\n',
  );
}

/** The options every task's fine-tune takes from the command line, with its progress bar on stderr. */
interface RunOptions {
  splits: PreparedRun['splits'];
  backbone: PreparedRun['backbone'];
  steps: number;
  outDir: string;
  resume: boolean;
  checkpointEvery: number;
  workers: number;
  log: (line: string) => void;
  onStep: (record: { step: number; total: number | null }) => void;
}

/** Announces the run, trains it with a progress bar and frees the model; returns what the run logged. */
async function trainTask<R extends { model: { dispose(): void } }>(
  task: string,
  prepared: PreparedRun,
  configName: string,
  train: (options: RunOptions) => Promise<R>,
): Promise<R> {
  const { opts, splits, backbone } = prepared;
  announce(task, prepared, configName);
  const progress = stepProgress('finetune', opts.steps);
  try {
    const result = await train({
      splits,
      backbone,
      steps: opts.steps,
      outDir: opts.out,
      resume: opts.resume,
      checkpointEvery: opts.checkpointEvery,
      workers: opts.workers,
      log: (line) => process.stderr.write(`${line}\n`),
      onStep: (r) => progress.onStep(r),
    });
    result.model.dispose();
    return result;
  } finally {
    progress.stop();
  }
}

async function finetuneDetectionCommand(prepared: PreparedRun): Promise<void> {
  const { opts, runtime, splits } = prepared;
  const { detection, evaluation } = runtime;
  const config = withSamplesPerStep(detection.loadDetectionConfig(opts.config), opts);
  const val = new Set(splits.val);
  const score = await evaluation.detectionValidationScorer(
    { dataroot: opts.data, version: opts.version, split: opts.valSplit, splitFile: opts.splitFile },
    config.head.classRangeM,
    { nusc: splits.nusc, samples: splits.nusc.tables.sample.filter((s) => val.has(s.token)) },
  );
  const result = await trainTask('detection', prepared, config.name, (run) =>
    detection.finetuneDetection({ ...run, config, score }),
  );
  const last = result.evals.at(-1);
  const apKeys = last === undefined ? [] : Object.keys(last).filter((k) => k.startsWith('AP.'));
  printSummary(
    opts.out,
    opts.steps,
    result,
    [
      ['mAP', 'mAP'],
      ['NDS', 'NDS'],
    ],
    ['AP by class', apKeys.map((k) => [k.slice(3), k] as [string, string])],
  );
}

async function finetuneBevSegCommand(prepared: PreparedRun): Promise<void> {
  const { opts, runtime } = prepared;
  const { bevSeg, dataset } = runtime;
  const config = withSamplesPerStep(bevSeg.loadBevSegConfig(opts.config), opts);
  const result = await trainTask('bev-seg', prepared, config.name, (run) =>
    bevSeg.finetuneBevSeg({ ...run, config }),
  );
  printSummary(
    opts.out,
    opts.steps,
    result,
    [
      ['mean IoU (best threshold)', 'map/mean/iou@max'],
      ['mean IoU at 0.5', bevSeg.MEAN_IOU_AT_HALF],
    ],
    [
      'IoU at 0.5 by class',
      dataset.BEV_MAP_CLASSES.map((name) => [name, `map/${name}/iou@0.50`] as [string, string]),
    ],
  );
}

async function finetuneHdMapCommand(prepared: PreparedRun): Promise<void> {
  const { opts, runtime } = prepared;
  const { hdmap, dataset } = runtime;
  const config = withSamplesPerStep(hdmap.loadHdMapConfig(opts.config), opts);
  const result = await trainTask('hdmap', prepared, config.name, (run) =>
    hdmap.finetuneHdMap({ ...run, config }),
  );
  const key = (name: string, t: string) => `NuscMap_chamfer/${name}_AP_thr_${t}`;
  printSummary(
    opts.out,
    opts.steps,
    result,
    [
      ['mAP (Chamfer, mean of 0.5/1.0/1.5 m)', 'NuscMap_chamfer/mAP'],
      ...dataset.MAPTR_CLASSES.map(
        (name) => [`${name} AP`, `NuscMap_chamfer/${name}_AP`] as [string, string],
      ),
    ],
    [
      'AP at 0.5 / 1.0 / 1.5 m',
      dataset.MAPTR_CLASSES.flatMap((name) =>
        ['0.5', '1.0', '1.5'].map((t) => [`${name}@${t}`, key(name, t)] as [string, string]),
      ),
    ],
  );
}

/** The config with --samples-per-step, or its own count raised to --workers (one sample per thread at least). */
function withSamplesPerStep<C extends { optim: { samplesPerStep: number } }>(
  config: C,
  opts: Pick<FinetuneCliOptions, 'workers' | 'samplesPerStep'>,
): C {
  const samplesPerStep = opts.samplesPerStep ?? Math.max(config.optim.samplesPerStep, opts.workers);
  return { ...config, optim: { ...config.optim, samplesPerStep } };
}

function fmt(v: number | null | undefined): string {
  return typeof v === 'number' ? v.toFixed(4) : '-';
}

/** Loads the tfjs runtime and the heads on demand, so the other `mim4d` commands start without them. */
async function loadRuntime() {
  return {
    nn: await import('@mim4d/nn'),
    dataset: await import('@mim4d/dataset'),
    detection: await import('@mim4d/head-detection'),
    bevSeg: await import('@mim4d/head-bev-seg'),
    hdmap: await import('@mim4d/head-hdmap'),
    finetune: await import('@mim4d/finetune'),
    evaluation: await import('@mim4d/eval'),
  };
}
