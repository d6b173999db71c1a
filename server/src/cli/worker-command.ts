import { integerOption } from '@mim4d/cli-options';
import type { Command } from 'commander';
import { DEFAULT_SCORING_MAX_MEMORY_MB } from '../leaderboards/defaults.ts';
import { DATABASE_OPTION, JOB_EXPIRY_MARGIN_S } from './database-option.ts';

/**
 * `mim4d-zoo worker`: scores submissions that `serve --database` replicas queued, one at a time, on any machine that
 * reaches the database and sees the data directory (submission bodies and ground truth live there).
 */
export function addWorkerCommand(program: Command, defaultData: string): void {
  program
    .command('worker')
    .description('score queued submissions from the PostgreSQL job queue (run any number, on any machine)')
    .option('--data <dir>', 'data directory the servers write submissions to (shared)', defaultData)
    .option(...DATABASE_OPTION)
    .option(
      '--scoring-timeout <minutes>',
      'stop scoring a submission (and fail it) after this many minutes; keep it equal to the servers',
      integerOption('--scoring-timeout', { min: 1 }),
      120,
    )
    .option(
      '--scoring-max-memory-mb <MiB>',
      'memory cap of the scoring process (its heap and resident size); a submission that needs more fails',
      integerOption('--scoring-max-memory-mb', { min: 1 }),
      DEFAULT_SCORING_MAX_MEMORY_MB,
    )
    .action(
      async (opts: {
        data: string;
        database?: string;
        scoringTimeout: number;
        scoringMaxMemoryMb: number;
      }) => {
        if (opts.database === undefined) {
          program.error('mim4d-zoo worker needs --database postgres://... (the servers queue jobs there)');
          return;
        }
        // Loaded here, not at start-up: --help and option errors need none of it.
        const [{ openZooStores }, { Leaderboards }, { ScoringJobs }] = await Promise.all([
          import('../zoo-stores.ts'),
          import('../leaderboards/leaderboards.ts'),
          import('../leaderboards/scoring-jobs.ts'),
        ]);
        const stores = await openZooStores(opts);
        const postgres = stores.postgres as NonNullable<typeof stores.postgres>;
        const log = (line: string) => process.stderr.write(`${line}\n`);
        const boards = await Leaderboards.open(stores.dataDir, {
          store: stores.openLeaderboardStore(),
          log,
          scoringTimeoutMs: opts.scoringTimeout * 60_000,
          scoringMaxMemoryMb: opts.scoringMaxMemoryMb,
        });
        const jobs = await ScoringJobs.open(postgres, {
          expireInSeconds: opts.scoringTimeout * 60 + JOB_EXPIRY_MARGIN_S,
        });
        await jobs.work((id) => boards.scoreJob(id));
        await jobs.workAbandoned((id, attempts) => boards.failAbandoned(id, attempts));
        process.stdout.write(
          `mim4d-zoo worker ${process.pid} waiting for jobs (database: ${postgres.where})\n`,
        );
        const stop = () => {
          // The running scoring is killed; its job fails and goes back to the queue for another worker.
          void boards
            .shutdown()
            .then(() => jobs.stop({ graceful: true }))
            .then(() => stores.close());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );
}
