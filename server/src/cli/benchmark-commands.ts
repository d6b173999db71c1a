import { resolve } from 'node:path';
import type { Command } from 'commander';
import { TASK_FORMS } from '../leaderboards/task-forms.ts';

/** The leaderboard service, loaded when a command runs: --help and option errors need none of it. */
const openBoards = async (data: string) =>
  (await import('../leaderboards/leaderboards.ts')).Leaderboards.open(resolve(data));

/** `mim4d-zoo benchmark ...`: operator commands working on the data directory directly. */
export function addBenchmarkCommands(program: Command, defaultData: string): void {
  const benchmark = program.command('benchmark').description('benchmarks and their ground truth');

  benchmark
    .command('list')
    .description('list benchmarks and whether their ground truth is installed')
    .option('--data <dir>', 'data directory', defaultData)
    .action(async (opts: { data: string }) => {
      const boards = await openBoards(opts.data);
      try {
        for (const b of await boards.store.listBenchmarks()) {
          const gt = await boards.currentGroundTruth(b);
          const installed = gt ? `GT installed ${gt.installedAt}: ${gt.description}` : 'no GT';
          process.stdout.write(`${b.id}\t${b.task}\t${b.dataset.name}/${b.dataset.split}\t${installed}\n`);
        }
        for (const notice of await boards.previousLayoutNotices()) process.stderr.write(`${notice}\n`);
      } finally {
        await boards.close();
      }
    });

  benchmark
    .command('gt')
    .description(
      `check ground truth and install it for a benchmark; detection: ${TASK_FORMS.detection.groundTruthForm}; hdmap: ${TASK_FORMS.hdmap.groundTruthForm}; bev-seg: ${TASK_FORMS['bev-seg'].groundTruthForm}`,
    )
    .argument('<id>', 'benchmark id, e.g. nuscenes-detection@v1')
    .argument('<path>', 'ground truth: a JSON file, or for bev-seg a directory or stacked .npy')
    .option('--data <dir>', 'data directory', defaultData)
    .action(async (id: string, path: string, opts: { data: string }) => {
      const boards = await openBoards(opts.data);
      try {
        const spec = await boards.store.getBenchmark(id);
        if (!spec) {
          const known = (await boards.store.listBenchmarks()).map((b) => b.id).join(', ');
          program.error(`benchmark ${id} does not exist; known: ${known}`);
        }
        const installed = await boards.groundTruth.install(spec, resolve(path));
        process.stdout.write(`installed ${installed.entry}: ${installed.description}\n`);
      } catch (error) {
        const { LocatedInputError, NpyError } = await import('nuscenes-eval-ts');
        if (error instanceof LocatedInputError || error instanceof NpyError)
          program.error(`ground truth refused: ${error.message}`);
        if (error instanceof Error && !('code' in error && error.code === 'commander.error'))
          program.error(error.message);
        throw error;
      } finally {
        await boards.close();
      }
    });
}
