import { integerOption } from '@mim4d/cli-options';
import { addClientCommands } from '@mim4d/zoo/cli';
import { Command, InvalidArgumentError } from 'commander';
import { parseScopes } from '../auth/scopes.ts';
import { createToken } from '../auth/tokens.ts';
import type { IntegrityReport } from '../blob-integrity.ts';
import { DEFAULT_SCORING_MAX_MEMORY_MB, DEFAULT_SUBMISSION_QUOTA } from '../leaderboards/defaults.ts';
import { addBenchmarkCommands } from './benchmark-commands.ts';
import { BLOB_STORE_OPTION } from './blob-store-option.ts';
import { DATABASE_OPTION, JOB_EXPIRY_MARGIN_S } from './database-option.ts';
import { addWorkerCommand } from './worker-command.ts';

const DEFAULT_DATA = './zoo-data';

// The stores, the server and the scoring code are loaded when a command runs, not at start-up: --help and option
// errors need none of them (they cost most of a second).
type StoreOptions = Parameters<typeof import('../zoo-stores.ts')['openZooStores']>[0];
const openZooStores = async (options: StoreOptions) =>
  (await import('../zoo-stores.ts')).openZooStores(options);
const blobIntegrity = async () => (await import('../blob-integrity.ts')).BlobIntegrity;

function bytes(value: string): number {
  const match = /^(\d+)([KMG]i?B?)?$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError('use a byte count such as 1048576, 512MiB or 20GiB');
  const unit = (match[2] ?? '').toUpperCase()[0];
  return Number(match[1]) * (unit === 'K' ? 2 ** 10 : unit === 'M' ? 2 ** 20 : unit === 'G' ? 2 ** 30 : 1);
}

function describe(report: IntegrityReport): string {
  const lines = [
    `${report.checked} blob(s) recorded, ${report.rehashed} re-hashed, ${report.incompleteRemoved} partial upload(s) removed`,
    ...report.adopted.map((sha) => `adopted unrecorded blob ${sha}`),
    ...report.missing.map((sha) => `MISSING blob ${sha} (re-upload it to heal the revisions that use it)`),
    ...report.corrupt.map((sha) => `CORRUPT blob ${sha}: moved to quarantine/, re-upload it`),
  ];
  return lines.join('\n');
}

/** Builds the `mim4d-zoo` program: the server and the client commands. */
export function buildProgram(): Command {
  const program = new Command('mim4d-zoo')
    .description('MIM4D model zoo: serve, pull, push, ls, login, submit')
    .showHelpAfterError();

  program
    .command('serve')
    .description(
      'serve the zoo: metadata in <data>/zoo.sqlite or a PostgreSQL database, blobs under <data> or in an S3-compatible store',
    )
    .option('--data <dir>', 'data directory', DEFAULT_DATA)
    .option(...DATABASE_OPTION)
    .option(...BLOB_STORE_OPTION)
    .option(
      '--redirect-downloads',
      'answer downloads with a 302 to a presigned URL of the --blob-store object store instead of passing the bytes through',
    )
    .option('--port <port>', 'TCP port (0 picks a free one)', integerOption('--port', { max: 65535 }), 8080)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--max-upload <bytes>', 'largest accepted blob', bytes, 64 * 2 ** 30)
    .option('--no-rate-limit', 'turn rate limiting off')
    .option(
      '--body-timeout <seconds>',
      'time a request body other than an upload may take to arrive (then 408)',
      integerOption('--body-timeout', { min: 1 }),
      30,
    )
    .option(
      '--max-connections-per-address <n>',
      'open connections one client address may hold (default 256; 0: no cap, the default with --trust-proxy)',
      integerOption('--max-connections-per-address'),
    )
    .option(
      '--scrub-every <hours>',
      're-hash every blob this often while serving, quarantining rotted ones (0: only at fsck)',
      integerOption('--scrub-every'),
      0,
    )
    .option(
      '--trust-proxy <hops>',
      'number of reverse proxies in front (for client addresses)',
      integerOption('--trust-proxy', { max: 65535 }),
    )
    .option(
      '--submission-quota <n>',
      'scored submissions a token may make per benchmark in 24 h; failed ones do not count (0: no limit)',
      integerOption('--submission-quota'),
      DEFAULT_SUBMISSION_QUOTA.max,
    )
    .option(
      '--scoring-timeout <minutes>',
      'stop scoring a submission (and fail it) after this many minutes',
      integerOption('--scoring-timeout'),
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
        blobStore?: string;
        redirectDownloads?: boolean;
        port: number;
        host: string;
        maxUpload: number;
        rateLimit: boolean;
        scrubEvery: number;
        bodyTimeout: number;
        maxConnectionsPerAddress?: number;
        trustProxy?: number;
        submissionQuota: number;
        scoringTimeout: number;
        scoringMaxMemoryMb: number;
      }) => {
        if (opts.redirectDownloads && opts.blobStore === undefined) {
          program.error('--redirect-downloads needs an object store: add --blob-store s3://bucket/prefix');
        }
        const [{ ScoringJobs }, { Leaderboards }, { startServer }] = await Promise.all([
          import('../leaderboards/scoring-jobs.ts'),
          import('../leaderboards/leaderboards.ts'),
          import('../serve.ts'),
        ]);
        const stores = await openZooStores(opts);
        // With a shared database, `mim4d-zoo worker` processes score; without, this process does.
        const jobs =
          stores.postgres &&
          (await ScoringJobs.open(stores.postgres, {
            expireInSeconds: opts.scoringTimeout * 60 + JOB_EXPIRY_MARGIN_S,
          }));
        const leaderboards = await Leaderboards.open(stores.dataDir, {
          store: stores.openLeaderboardStore(),
          blobs: stores.blobs,
          meta: stores.meta,
          ...(jobs ? { jobs } : {}),
          log: (line) => process.stderr.write(`${line}\n`),
          quota:
            opts.submissionQuota === 0 ? null : { ...DEFAULT_SUBMISSION_QUOTA, max: opts.submissionQuota },
          maxUnpackedBytes: opts.maxUpload,
          scoringTimeoutMs: opts.scoringTimeout * 60_000,
          scoringMaxMemoryMb: opts.scoringMaxMemoryMb,
        });
        for (const notice of await leaderboards.previousLayoutNotices()) process.stderr.write(`${notice}\n`);
        await leaderboards.resumeUnfinished();
        const running = await startServer({
          blobs: stores.blobs,
          meta: stores.meta,
          ...(stores.rateLimitStore ? { rateLimitStore: stores.rateLimitStore } : {}),
          leaderboards,
          host: opts.host,
          port: opts.port,
          maxUploadBytes: opts.maxUpload,
          bodyTimeoutMs: opts.bodyTimeout * 1000,
          ...(opts.maxConnectionsPerAddress !== undefined
            ? { maxConnectionsPerAddress: opts.maxConnectionsPerAddress }
            : {}),
          ...(opts.scrubEvery > 0 ? { scrubIntervalMs: opts.scrubEvery * 3_600_000 } : {}),
          ...(opts.rateLimit ? {} : { rateLimits: false as const }),
          ...(opts.trustProxy !== undefined ? { trustProxy: opts.trustProxy } : {}),
        });
        process.stderr.write(`store check: ${describe(running.startupCheck)}\n`);
        process.stdout.write(
          `mim4d-zoo listening on ${running.url} (data: ${stores.dataDir}${stores.postgres ? `, database: ${stores.postgres.where}` : ''}${opts.blobStore ? `, blobs: ${opts.blobStore}` : ''})\n`,
        );
        const stop = () => {
          void running
            .close()
            .then(() => leaderboards.shutdown())
            .then(() => jobs?.stop({ graceful: false }))
            .then(() => stores.close());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );

  const token = program.command('token').description('manage access tokens');
  token
    .command('create')
    .description('create a bearer token; its secret is printed once and only its hash is stored')
    .requiredOption('--scopes <list>', 'comma-separated: read, read:<ns>, write:<ns>, admin')
    .option('--name <name>', 'what the token is for', 'operator')
    .option(
      '--expires <days>',
      'the token stops working this many days from now (default: never)',
      integerOption('--expires', { min: 1 }),
    )
    .option('--data <dir>', 'data directory', DEFAULT_DATA)
    .option(...DATABASE_OPTION)
    .action(
      async (opts: { scopes: string; name: string; data: string; database?: string; expires?: number }) => {
        let scopes: ReturnType<typeof parseScopes> = [];
        try {
          scopes = parseScopes(opts.scopes);
        } catch (error) {
          program.error(`--scopes: ${(error as Error).message}`);
        }
        const stores = await openZooStores(opts);
        const expiresAt =
          opts.expires === undefined
            ? undefined
            : new Date(Date.now() + opts.expires * 86_400_000).toISOString();
        const { secret, stored } = createToken(
          stores.meta,
          opts.name,
          scopes,
          expiresAt ? { expiresAt } : {},
        );
        const token = await stored;
        await stores.close();
        process.stderr.write(
          `created ${token.id} "${token.name}" with scopes ${token.scopes.join(', ')}${expiresAt ? `, expiring ${expiresAt}` : ''}\n`,
        );
        process.stdout.write(`${secret}\n`);
      },
    );

  token
    .command('list')
    .description('list tokens: id, name, scopes, created, and revoked or active (secrets are never shown)')
    .option('--data <dir>', 'data directory', DEFAULT_DATA)
    .option(...DATABASE_OPTION)
    .action(async (opts: { data: string; database?: string }) => {
      const stores = await openZooStores(opts);
      const tokens = await stores.meta.listTokens();
      await stores.close();
      for (const t of tokens) {
        const state = t.revokedAt
          ? `revoked ${t.revokedAt}`
          : t.expiresAt && Date.parse(t.expiresAt) <= Date.now()
            ? `expired ${t.expiresAt}`
            : `active${t.expiresAt ? ` until ${t.expiresAt}` : ''}`;
        process.stdout.write(`${t.id}\t${t.name}\t${t.scopes.join(',')}\t${t.createdAt}\t${state}\n`);
      }
    });

  token
    .command('revoke')
    .description('revoke a token by id: it answers 401 from then on (the record stays for provenance)')
    .argument('<id>', 'token id, e.g. tok_0123456789ab (see token list)')
    .option('--data <dir>', 'data directory', DEFAULT_DATA)
    .option(...DATABASE_OPTION)
    .action(async (id: string, opts: { data: string; database?: string }) => {
      const stores = await openZooStores(opts);
      const revoked = await stores.meta.revokeToken(id);
      await stores.close();
      if (!revoked) {
        program.error(`no token ${id}; mim4d-zoo token list shows them`);
        return;
      }
      process.stdout.write(`revoked ${revoked.id} "${revoked.name}" at ${revoked.revokedAt}\n`);
    });

  program
    .command('fsck')
    .description('re-hash every blob against its name; corrupt ones are quarantined (exit 1 if any is bad)')
    .option('--data <dir>', 'data directory', DEFAULT_DATA)
    .option(...DATABASE_OPTION)
    .option(...BLOB_STORE_OPTION)
    .action(async (opts: { data: string; database?: string; blobStore?: string }) => {
      const stores = await openZooStores(opts);
      const integrity = new (await blobIntegrity())(stores.blobs, stores.meta, (line) =>
        process.stderr.write(`${line}\n`),
      );
      const report = await integrity.check({ full: true });
      await stores.close();
      process.stdout.write(`${describe(report)}\n`);
      if (report.corrupt.length > 0 || report.missing.length > 0) process.exitCode = 1;
    });

  program
    .command('gc')
    .description(
      'remove blobs no revision names and no submission or ground truth holds (uploads whose commit never came, scored submissions), older than a grace period',
    )
    .option('--data <dir>', 'data directory', DEFAULT_DATA)
    .option(...DATABASE_OPTION)
    .option(...BLOB_STORE_OPTION)
    .option(
      '--older-than <hours>',
      'keep younger blobs: their push may still be under way',
      integerOption('--older-than'),
      24,
    )
    .action(async (opts: { data: string; database?: string; blobStore?: string; olderThan: number }) => {
      const stores = await openZooStores(opts);
      const integrity = new (await blobIntegrity())(stores.blobs, stores.meta, (line) =>
        process.stderr.write(`${line}\n`),
      );
      const removed = await integrity.collectGarbage({ olderThanMs: opts.olderThan * 3_600_000 });
      await stores.close();
      for (const sha256 of removed) process.stdout.write(`removed unreferenced blob ${sha256}\n`);
      process.stdout.write(`${removed.length} unreferenced blob(s) removed\n`);
    });

  addBenchmarkCommands(program, DEFAULT_DATA);
  addWorkerCommand(program);
  addClientCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  await buildProgram().parseAsync(argv);
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
