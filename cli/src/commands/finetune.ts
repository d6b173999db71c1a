import type { Command } from 'commander';
import { headCommit, positive, stepProgress } from './shared.ts';

interface FinetuneDetectionCliOptions {
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
}

/** Adds `mim4d finetune` (task heads on a MIM4D backbone) to the program. */
export function registerFinetuneCommand(program: Command): void {
  const finetune = program
    .command('finetune')
    .description('fine-tune a task head on a MIM4D backbone, and export it for mim4d-eval and the zoo');
  finetune
    .command('detection')
    .description(
      'fine-tune the UVTR 3D-detection head (heads.md section 1) on the training split and evaluate mAP / NDS on ' +
        'the validation split at the start, every evaluation.every steps and at the end. Writes config.json, ' +
        'finetune.json, loss.jsonl, eval.jsonl, loss-curve.png and checkpoint/ to --out',
    )
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
    .action(async (opts: FinetuneDetectionCliOptions, command: Command) => {
      const missing = (['data', 'backbone', 'out'] as const).find((k) => opts[k] === undefined);
      if (missing !== undefined) {
        command.error(
          `error: required option '--${missing} <${missing === 'backbone' ? 'ref' : 'dir'}>' not specified`,
        );
        return;
      }
      try {
        await finetuneDetectionCommand(opts as Required<FinetuneDetectionCliOptions>);
      } catch (error) {
        command.error(`mim4d finetune detection: ${(error as Error).message}`, { exitCode: 1 });
      }
    });
  finetune
    .command('export <runDir>')
    .description(
      'write <runDir>/export/: detector.onnx (images + ego->image matrices -> scores and boxes), ' +
        'detector.safetensors and card.json (zoo card: task, I/O, classes, backbone, data, validation metrics)',
    )
    .option('--code-commit <sha>', 'commit of the code that trained the run (default: this checkout HEAD)')
    .action(async (runDir: string, opts: { codeCommit?: string }, command: Command) => {
      try {
        const codeCommit = opts.codeCommit ?? headCommit();
        const { nn, detection } = await loadRuntime();
        await nn.initBackend();
        const out = detection.exportDetector(runDir, codeCommit);
        process.stdout.write(
          `wrote ${out.onnx}\nwrote ${out.weights}\nwrote ${out.card}\n  parameters: ${out.params}\n`,
        );
      } catch (error) {
        command.error(`mim4d finetune export: ${(error as Error).message}`, { exitCode: 1 });
      }
    });
}

async function finetuneDetectionCommand(opts: Required<FinetuneDetectionCliOptions>): Promise<void> {
  const { nn, detection, finetune, evaluation } = await loadRuntime();
  const backend = await nn.initBackend({ prefer: nn.parseBackendPreference(opts.backend, '--backend') });
  const config = detection.loadDetectionConfig(opts.config);
  const data = {
    dataroot: opts.data,
    version: opts.version,
    trainSplit: opts.trainSplit,
    valSplit: opts.valSplit,
    ...(opts.splitFile === undefined ? {} : { splitFile: opts.splitFile }),
  };
  const backbone = opts.resume
    ? await finetune.resolveBackbone('none')
    : await finetune.resolveBackbone(opts.backbone, {
        zoo: {
          ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
          ...(opts.token === undefined ? {} : { token: opts.token }),
        },
      });
  const splits = await finetune.openFinetuneSplits(data);
  const val = new Set(splits.val);
  const score = await evaluation.detectionValidationScorer(
    { dataroot: opts.data, version: opts.version, split: opts.valSplit, splitFile: opts.splitFile },
    config.head.classRangeM,
    { nusc: splits.nusc, samples: splits.nusc.tables.sample.filter((s) => val.has(s.token)) },
  );
  const from = opts.resume ? 'the checkpoint' : backbone.description;
  process.stderr.write(
    `finetune detection: config ${config.name}, starting from ${from}, backend ${backend.tfName}\n`,
  );
  const progress = stepProgress('finetune', opts.steps);
  const result = await detection.finetuneDetection({
    config,
    splits,
    backbone,
    steps: opts.steps,
    outDir: opts.out,
    resume: opts.resume,
    checkpointEvery: opts.checkpointEvery,
    score,
    log: (line) => process.stderr.write(`${line}\n`),
    onStep: (r) => progress.onStep(r),
  });
  progress.stop();
  result.model.dispose();
  const loss = (i: number) => result.records.at(i)?.total?.toFixed(4) ?? '-';
  const [e0, e1] = [result.evals.at(0), result.evals.at(-1)];
  const metric = (key: string) =>
    e0 === undefined || e1 === undefined
      ? '-'
      : `${fmt(e0[key])} (step ${e0.step}) -> ${fmt(e1[key])} (step ${e1.step})`;
  const perClass =
    e1 === undefined
      ? []
      : Object.keys(e1)
          .filter((k) => k.startsWith('AP.'))
          .map((k) => `${k.slice(3)} ${fmt(e1[k])}`);
  process.stdout.write(
    [
      `wrote ${opts.out}`,
      `  steps:  ${result.step}/${opts.steps}`,
      `  loss:   ${loss(0)} -> ${loss(-1)}`,
      `  validation mAP: ${metric('mAP')}`,
      `  validation NDS: ${metric('NDS')}`,
      ...(perClass.length > 0 ? [`  AP by class: ${perClass.join(', ')}`] : []),
    ].join('\n') + '\n',
  );
}

function fmt(v: number | null | undefined): string {
  return typeof v === 'number' ? v.toFixed(4) : '-';
}

/** Loads the tfjs runtime and the heads on demand, so the other `mim4d` commands start without them. */
async function loadRuntime() {
  return {
    nn: await import('@mim4d/nn'),
    detection: await import('@mim4d/head-detection'),
    finetune: await import('@mim4d/finetune'),
    evaluation: await import('@mim4d/eval'),
  };
}
