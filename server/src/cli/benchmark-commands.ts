import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DetectionInputError } from 'nuscenes-eval-ts';
import { Leaderboards } from '../leaderboards/leaderboards.ts';

/** `mim4d-zoo benchmark ...`: operator commands working on the data directory directly. */
export function addBenchmarkCommands(program: Command, defaultData: string): void {
  const benchmark = program.command('benchmark').description('benchmarks and their ground truth');

  benchmark
    .command('list')
    .description('list benchmarks and whether their ground truth is installed')
    .option('--data <dir>', 'data directory', defaultData)
    .action(async (opts: { data: string }) => {
      const boards = await Leaderboards.open(resolve(opts.data));
      try {
        for (const b of await boards.store.listBenchmarks()) {
          const gt = !b.scoring
            ? 'not scored here'
            : (await boards.hasGroundTruth(b.id))
              ? 'GT installed'
              : 'no GT';
          process.stdout.write(`${b.id}\t${b.task}\t${b.dataset.name}/${b.dataset.split}\t${gt}\n`);
        }
      } finally {
        await boards.close();
      }
    });

  benchmark
    .command('gt')
    .description(
      'check a ground-truth file (EvalBoxes JSON: sample_token -> boxes) and install it for a benchmark',
    )
    .argument('<id>', 'benchmark id, e.g. nuscenes-detection@v1')
    .argument('<file>', 'ground truth JSON')
    .option('--data <dir>', 'data directory', defaultData)
    .action(async (id: string, file: string, opts: { data: string }) => {
      const boards = await Leaderboards.open(resolve(opts.data));
      try {
        const spec = await boards.store.getBenchmark(id);
        if (!spec) {
          const known = (await boards.store.listBenchmarks()).map((b) => b.id).join(', ');
          program.error(`benchmark ${id} does not exist; known: ${known}`);
        }
        const counts = await boards.installGroundTruth(spec, resolve(file));
        process.stdout.write(
          `installed ${boards.groundTruthPath(id)}: ${counts.samples} samples, ${counts.boxes} boxes\n`,
        );
      } catch (error) {
        if (error instanceof DetectionInputError) program.error(`ground truth refused: ${error.message}`);
        if (error instanceof Error && !('code' in error && error.code === 'commander.error'))
          program.error(error.message);
        throw error;
      } finally {
        await boards.close();
      }
    });
}
