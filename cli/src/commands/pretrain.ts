import type { Mim4dConfig, PretrainObjective } from '@mim4d/pretrain';
import type { Command } from 'commander';
import { headCommit, positive, stepProgress, withDataParallelOptions } from './shared.ts';

interface PretrainCliOptions {
  data?: string;
  version: string;
  split?: string;
  splitFile?: string;
  config: string;
  objective?: string;
  steps: number;
  out?: string;
  resume: boolean;
  checkpointEvery: number;
  backend: string;
  workers: number;
  samplesPerStep?: number;
}

/** Adds `mim4d pretrain` (MIM4D masked 4D pretraining) to the program. */
export function registerPretrainCommand(program: Command): void {
  const pretrainCommand = program.command('pretrain');
  pretrainCommand
    .command('export <runDir>')
    .description(
      'write <runDir>/export/backbone.onnx (multi-view images + ego->image matrices -> voxel features), ' +
        'backbone.safetensors (the weights of those modules, which fine-tuning loads) and card.json ' +
        '(zoo card format) from the run checkpoint',
    )
    .option('--code-commit <sha>', 'commit of the code that trained the run (default: this checkout HEAD)')
    .action(async (runDir: string, opts: { codeCommit?: string }, command: Command) => {
      try {
        const codeCommit = opts.codeCommit ?? headCommit();
        const { nn, pretrain: lib } = await loadRuntime();
        const { initBackend } = nn;
        const { exportRun } = lib;
        await initBackend();
        const out = exportRun(runDir, codeCommit);
        process.stdout.write(`wrote ${out.onnx}
wrote ${out.weights}
wrote ${out.card}
  backbone parameters: ${out.params}
`);
      } catch (error) {
        command.error(`mim4d pretrain export: ${(error as Error).message}`, { exitCode: 1 });
      }
    });
  withDataParallelOptions(pretrainCommand)
    .description(
      'MIM4D pretraining on a nuScenes-layout dataset: masked multi-view video -> voxel volumes, dropped-frame ' +
        'reconstruction and SDF rendering losses. The last scene is held out: its depth error and PSNR are logged ' +
        'to eval.jsonl at the start and the end. Writes loss.jsonl, eval.jsonl, loss-curve.png, checkpoint/ and ' +
        'before/after renders of a held-out sample to --out',
    )
    .option('--data <dir>', 'dataroot (nuScenes layout, e.g. from `mim4d data synth`)')
    .option('--version <name>', 'table folder under the dataroot', 'v1.0-mini')
    .option(
      '--split <name>',
      "pretrain on this split's scenes only (e.g. mini_train), so validation and test scenes never reach the backbone",
    )
    .option('--split-file <file>', 'JSON {split: [scene names]} for a custom --split')
    .option('--config <name|file>', 'preset (tiny, micro, paper) or a JSON config file', 'tiny')
    .option(
      '--objective <name>',
      "mim4d (the config's, by default) or spatial: the spatial-only ablation (one frame, the encoded volume " +
        'rendered, no warp and no temporal decoder), every other setting equal',
    )
    .option('--steps <n>', 'total optimisation steps (the schedule length)', positive('--steps'), 200)
    .option('--out <dir>', 'run directory')
    .option('--resume', 'continue from the run directory checkpoint (same config and --steps)', false)
    .option('--checkpoint-every <n>', 'steps between checkpoints', positive('--checkpoint-every'), 50)
    .option('--backend <name>', 'auto, node, wasm or cpu', 'auto')
    .action(async (opts: PretrainCliOptions, command: Command) => {
      // Checked here, not as required options, so that `pretrain export` does not demand them.
      const { data, out } = opts;
      if (data === undefined || out === undefined) {
        command.error(
          `error: required option '--${data === undefined ? 'data' : 'out'} <dir>' not specified`,
        );
        return;
      }
      if (opts.splitFile !== undefined && opts.split === undefined) {
        command.error('error: --split-file needs --split <name> (the split of the file to pretrain on)');
        return;
      }
      try {
        // Loaded on use: the tfjs runtime is heavy and other subcommands do not need it.
        const { nn, pretrain: lib } = await loadRuntime();
        const { initBackend, parseBackendPreference } = nn;
        const {
          loadConfig,
          openPretrainDataset,
          pretrain,
          pretrainTrainSetCall,
          RUN_FILES,
          splitPretrainDataset,
        } = lib;
        const backend = await initBackend({ prefer: parseBackendPreference(opts.backend, '--backend') });
        const config = withSamplesPerStep(
          withObjectiveOption(loadConfig(opts.config), opts.objective, lib),
          opts,
        );
        const scenes =
          opts.split === undefined ? undefined : { split: opts.split, splitFile: opts.splitFile };
        const dataset = await openPretrainDataset(data, opts.version, config, scenes);
        const { train, heldOut, heldOutScene } = await splitPretrainDataset(dataset, config);
        process.stderr.write(
          `pretrain: config ${config.name}, ${opts.split === undefined ? '' : `split ${opts.split}, `}` +
            `${train.count} training samples (${train.cacheCapacity} cached), ` +
            `held out: ${heldOutScene} (${heldOut.length} evaluated), backend ${backend.tfName}, ` +
            `${config.optim.samplesPerStep} sample(s) per step on ${opts.workers} thread(s)\n`,
        );
        const progress = stepProgress('pretrain', opts.steps);
        const result = await pretrain({
          config,
          steps: opts.steps,
          outDir: out,
          train,
          heldOut,
          resume: opts.resume,
          checkpointEvery: opts.checkpointEvery,
          onStep: (r) => progress.onStep(r),
          workers:
            opts.workers === 1
              ? undefined
              : {
                  count: opts.workers,
                  train: pretrainTrainSetCall({ dataroot: data, version: opts.version, config, scenes }),
                },
        });
        progress.stop();
        const loss = (i: number) => result.records.at(i)?.total?.toFixed(4) ?? '-';
        const [e0, e1] = [result.evals.at(0), result.evals.at(-1)];
        const held = (f: (e: NonNullable<typeof e0>) => string) =>
          e0 === undefined || e1 === undefined
            ? '-'
            : `${f(e0)} (step ${e0.step}) -> ${f(e1)} (step ${e1.step})`;
        result.model.dispose();
        process.stdout.write(
          [
            `wrote ${out}`,
            `  steps:  ${result.step}/${opts.steps}`,
            `  loss:   ${loss(0)} -> ${loss(-1)}`,
            `  held-out depth L1: ${held((e) => `${e.depthL1.toFixed(3)} m`)}`,
            `  held-out depth abs-rel: ${held((e) => e.depthAbsRel.toFixed(4))}`,
            `  held-out PSNR: ${held((e) => `${e.psnr.toFixed(2)} dB`)}`,
            `  files:  ${Object.values(RUN_FILES).join(', ')}, checkpoint/`,
          ].join('\n') + '\n',
        );
      } catch (error) {
        command.error(`mim4d pretrain: ${(error as Error).message}`, { exitCode: 1 });
      }
    });
}

/** The config with --samples-per-step, or its own count raised to --workers (one sample per thread at least). */
function withSamplesPerStep(
  config: Mim4dConfig,
  opts: Pick<PretrainCliOptions, 'workers' | 'samplesPerStep'>,
): Mim4dConfig {
  const samplesPerStep = opts.samplesPerStep ?? Math.max(config.optim.samplesPerStep, opts.workers);
  return { ...config, optim: { ...config.optim, samplesPerStep } };
}

function withObjectiveOption(
  config: Mim4dConfig,
  objective: string | undefined,
  lib: Awaited<ReturnType<typeof loadRuntime>>['pretrain'],
): Mim4dConfig {
  if (objective === undefined) return config;
  if (!(lib.PRETRAIN_OBJECTIVES as readonly string[]).includes(objective)) {
    throw new Error(`--objective ${objective}: expected one of ${lib.PRETRAIN_OBJECTIVES.join(', ')}`);
  }
  return lib.withPretrainObjective(config, objective as PretrainObjective);
}

/** Loads the tfjs runtime on demand, so the other `mim4d` commands start without it. */
async function loadRuntime() {
  return { nn: await import('@mim4d/nn'), pretrain: await import('@mim4d/pretrain') };
}
