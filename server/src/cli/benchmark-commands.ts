import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Leaderboards } from '../leaderboards/leaderboards.ts';
import { TASK_FORMS } from '../leaderboards/task-forms.ts';
import { BLOB_STORE_OPTION } from './blob-store-option.ts';
import { DATABASE_OPTION } from './database-option.ts';

interface BoardOptions {
  data: string;
  database?: string;
  blobStore?: string;
}

/**
 * The leaderboard service over the data directory, or over the PostgreSQL database and blob store replicas share;
 * loaded when a command runs: --help and option errors need none of it. `close` releases the stores too.
 */
async function openBoards(opts: BoardOptions): Promise<{ boards: Leaderboards; close(): Promise<void> }> {
  const { Leaderboards } = await import('../leaderboards/leaderboards.ts');
  const stores = await (await import('../zoo-stores.ts')).openZooStores(opts);
  const boards = await Leaderboards.open(stores.dataDir, {
    store: stores.openLeaderboardStore(),
    blobs: stores.blobs,
    meta: stores.meta,
  });
  return {
    boards,
    async close() {
      await boards.close();
      await stores.close();
    },
  };
}

/** `mim4d-zoo benchmark ...`: operator commands working on the data directory directly. */
export function addBenchmarkCommands(program: Command, defaultData: string): void {
  const benchmark = program.command('benchmark').description('benchmarks and their ground truth');

  benchmark
    .command('list')
    .description('list benchmarks and whether their ground truth is installed')
    .option('--data <dir>', 'data directory', defaultData)
    .option(...DATABASE_OPTION)
    .option(...BLOB_STORE_OPTION)
    .action(async (opts: BoardOptions) => {
      const { boards, close } = await openBoards(opts);
      try {
        for (const b of await boards.store.listBenchmarks()) {
          const gt = await boards.currentGroundTruth(b);
          const installed = gt ? `GT installed ${gt.installedAt}: ${gt.description}` : 'no GT';
          process.stdout.write(`${b.id}\t${b.task}\t${b.dataset.name}/${b.dataset.split}\t${installed}\n`);
        }
        for (const notice of await boards.previousLayoutNotices()) process.stderr.write(`${notice}\n`);
      } finally {
        await close();
      }
    });

  benchmark
    .command('gt')
    .description(
      `check ground truth and install it for a benchmark; detection: ${TASK_FORMS.detection.groundTruthForm}; hdmap: ${TASK_FORMS.hdmap.groundTruthForm}; bev-seg: ${TASK_FORMS['bev-seg'].groundTruthForm}`,
    )
    .argument('<id>', 'benchmark id, e.g. nuscenes-detection@v1')
    .argument('<path>', 'ground truth: a JSON file, or for bev-seg a directory or stacked .npy')
    .option(
      '--data <dir>',
      'data directory (with no --blob-store the ground truth is stored in its blobs/)',
      defaultData,
    )
    .option(...DATABASE_OPTION)
    .option(...BLOB_STORE_OPTION)
    .action(async (id: string, path: string, opts: BoardOptions) => {
      const { boards, close } = await openBoards(opts);
      try {
        const spec = await boards.store.getBenchmark(id);
        if (!spec) {
          const known = (await boards.store.listBenchmarks()).map((b) => b.id).join(', ');
          program.error(`benchmark ${id} does not exist; known: ${known}`);
        }
        const installed = await boards.groundTruth.install(spec, resolve(path));
        // A BEV-seg install is a file per sample: name a few, count the rest.
        const named = installed.files.slice(0, 3).map((f) => `${f.name} (sha256 ${f.sha256})`);
        const rest = installed.files.length - named.length;
        const files = [...named, ...(rest > 0 ? [`and ${rest} more files`] : [])].join(', ');
        process.stdout.write(`installed ${installed.installId}: ${installed.description}; ${files}\n`);
      } catch (error) {
        const { LocatedInputError, NpyError } = await import('nuscenes-eval-ts');
        if (error instanceof LocatedInputError || error instanceof NpyError)
          program.error(`ground truth refused: ${error.message}`);
        if (error instanceof Error && !('code' in error && error.code === 'commander.error'))
          program.error(error.message);
        throw error;
      } finally {
        await close();
      }
    });
}
