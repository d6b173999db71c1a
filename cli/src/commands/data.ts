// The options alone: the generator (and the rest of the package) loads only when a dataset is made.

import { join } from 'node:path';
import { integerOption } from '@mim4d/cli-options';
import { MINI_SCENES, SYNTH_DEFAULTS, type SynthOptions } from '@mim4d/dataset/synth-options';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';

/** Adds `mim4d data synth` (synthetic nuScenes-format dataset) to the program. */
export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('datasets in the nuScenes layout');
  data
    .command('synth')
    .description(
      'generate a synthetic, license-free dataset in the exact nuScenes layout (tables, samples/, sweeps/, maps/) ' +
        'that nuscenes-devkit loads; the same options and seed give byte-identical output',
    )
    .requiredOption('--out <dir>', 'dataroot to create (must be empty or absent unless --force)')
    .option(
      '--scenes <n>',
      `scenes, 1..${MINI_SCENES.length}, named after the official v1.0-mini scenes (${MINI_SCENES.map((s) => `${s.name} ${s.split}`).join(', ')})`,
      integerOption('--scenes'),
      SYNTH_DEFAULTS.scenes,
    )
    .option(
      '--samples <n>',
      'key frames per scene (2 Hz), 2..60',
      integerOption('--samples'),
      SYNTH_DEFAULTS.samples,
    )
    .option(
      '--sweeps <n>',
      'camera sweeps before each key frame (nuScenes: 5, i.e. 12 Hz)',
      integerOption('--sweeps'),
      SYNTH_DEFAULTS.sweeps,
    )
    .option(
      '--lidar-sweeps <n>',
      'LiDAR sweeps before each key frame (nuScenes: 9, i.e. 20 Hz)',
      integerOption('--lidar-sweeps'),
      SYNTH_DEFAULTS.lidarSweeps,
    )
    .option('--width <px>', 'image width (nuScenes: 1600)', integerOption('--width'), SYNTH_DEFAULTS.width)
    .option('--height <px>', 'image height (nuScenes: 900)', integerOption('--height'), SYNTH_DEFAULTS.height)
    .option('--seed <n>', 'random seed, 0..4294967295', integerOption('--seed'), SYNTH_DEFAULTS.seed)
    .option(
      '--jpeg-quality <q>',
      'JPEG quality 1..100',
      integerOption('--jpeg-quality'),
      SYNTH_DEFAULTS.jpegQuality,
    )
    .option('--version <name>', 'version folder name', SYNTH_DEFAULTS.version)
    .option(
      '--workers <n>',
      'worker threads generating scenes in parallel (default: one per core, at most one per scene; 1: no threads)',
      integerOption('--workers'),
    )
    .option(
      '--force',
      'write into a non-empty --out: replaces its samples/, sweeps/, maps/ and version folder, keeps all else',
      false,
    )
    .option(
      '--preview',
      `also draw each scene's map and ego route from above into <out>/${PREVIEW_DIR}/<scene>.png`,
    )
    .action(async (opts: SynthCliOptions, command: Command) => {
      const started = performance.now();
      const bar = new SingleBar({
        format: 'synth [{bar}] {percentage}% | {value}/{total} captures | {eta}s left',
        stream: process.stderr,
        hideCursor: true,
      });
      let barStarted = false;
      try {
        const { generateSynthDataset } = await import('@mim4d/dataset');
        const summary = await generateSynthDataset(
          {
            out: opts.out,
            scenes: opts.scenes,
            samples: opts.samples,
            sweeps: opts.sweeps,
            lidarSweeps: opts.lidarSweeps,
            width: opts.width,
            height: opts.height,
            seed: opts.seed,
            jpegQuality: opts.jpegQuality,
            version: opts.version,
          },
          {
            force: opts.force,
            workers: opts.workers,
            onProgress: ({ done, total }) => {
              if (!barStarted) {
                bar.start(total, 0);
                barStarted = true;
              }
              bar.update(done);
            },
          },
        );
        if (barStarted) bar.stop();
        const seconds = (performance.now() - started) / 1000;
        const lines = [
          `wrote ${summary.out} (${summary.version})`,
          `  scenes:      ${summary.scenes.length} (${summary.scenes.map((s) => `${s.name} ${s.split} ${s.location}`).join('; ')})`,
          `  samples:     ${summary.samples}`,
          `  sample_data: ${summary.sampleData}`,
          `  annotations: ${summary.annotations} (${summary.instances} instances)`,
          `  files:       ${summary.files}, ${(summary.bytes / 1e6).toFixed(1)} MB`,
          `  seconds:     ${seconds.toFixed(1)} (${summary.workers} worker${summary.workers > 1 ? 's' : ''})`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
        if (opts.preview) await writePreviews(summary.out, summary.version, join(summary.out, PREVIEW_DIR));
      } catch (error) {
        if (barStarted) bar.stop();
        command.error((error as Error).message, { exitCode: 1 });
      }
    });
  data
    .command('preview')
    .description(
      "draw each scene of a dataroot from above: its map expansion's layers around the ego's route, the route, and how far and how much the ego turned",
    )
    .requiredOption('--dataroot <dir>', 'nuScenes dataroot (synthetic or real, with maps/expansion)')
    .option('--version <name>', 'version folder', SYNTH_DEFAULTS.version)
    .option('--out <dir>', `where the pictures go (default: <dataroot>/${PREVIEW_DIR})`)
    .action(async (opts: { dataroot: string; version: string; out?: string }, command: Command) => {
      try {
        await writePreviews(opts.dataroot, opts.version, opts.out ?? join(opts.dataroot, PREVIEW_DIR));
      } catch (error) {
        command.error((error as Error).message, { exitCode: 1 });
      }
    });
}

const PREVIEW_DIR = 'preview';

async function writePreviews(dataroot: string, version: string, dir: string): Promise<void> {
  // Its own entry point: the figure library it draws with stays out of the generator's memory.
  const { writeScenePreviews } = await import('@mim4d/dataset/preview');
  const paths = await writeScenePreviews(dataroot, version, dir);
  process.stdout.write(`  previews:    ${paths.length} scenes under ${dir}\n`);
}

type SynthCliOptions = SynthOptions & { force: boolean; workers?: number; preview?: boolean };
