import { integerOption } from '@mim4d/cli-options';
import type { Command } from 'commander';
import { DEFAULT_SCORING_MAX_MEMORY_MB, DEFAULT_STALE_AFTER_S } from '../leaderboards/defaults.ts';
import { BLOB_STORE_OPTION } from './blob-store-option.ts';
import { DATABASE_OPTION, JOB_EXPIRY_MARGIN_S } from './database-option.ts';

/**
 * `mim4d-zoo worker`: scores submissions that `serve --database` replicas queued, one at a time, on any machine that
 * reaches the database and the blob store (submission bodies and ground truth are blobs there).
 */
export function addWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'score queued submissions from the PostgreSQL job queue (run any number, on any machine that reaches the database and the blob store)',
    )
    .option(
      '--data <dir>',
      "this worker's own scratch directory (fetched submissions, cached ground truth); with no --blob-store also the servers' shared blob directory (<data>/blobs); left out with --blob-store: a temporary directory",
    )
    .option(...DATABASE_OPTION)
    .option(...BLOB_STORE_OPTION)
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
    .option(
      '--stale-after <seconds>',
      'a job whose worker wrote no heartbeat for this long goes to another worker (workers beat six times as often)',
      integerOption('--stale-after', { min: 1 }),
      DEFAULT_STALE_AFTER_S,
    )
    .action(
      async (opts: {
        data?: string;
        database?: string;
        blobStore?: string;
        scoringTimeout: number;
        scoringMaxMemoryMb: number;
        staleAfter: number;
      }) => {
        if (opts.database === undefined) {
          program.error('mim4d-zoo worker needs --database postgres://... (the servers queue jobs there)');
          return;
        }
        if (opts.data === undefined && opts.blobStore === undefined) {
          program.error(
            "mim4d-zoo worker needs --blob-store s3://... (where the servers store submissions), or --data with the servers' shared blob directory",
          );
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
          blobs: stores.blobs,
          meta: stores.meta,
          log,
          scoringTimeoutMs: opts.scoringTimeout * 60_000,
          scoringMaxMemoryMb: opts.scoringMaxMemoryMb,
        });
        const jobs = await ScoringJobs.open(postgres, {
          expireInSeconds: opts.scoringTimeout * 60 + JOB_EXPIRY_MARGIN_S,
          staleAfterSeconds: opts.staleAfter,
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
