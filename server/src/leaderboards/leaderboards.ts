import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MetadataStore } from '../metadata/metadata-store.ts';
import { SqliteMetadataStore } from '../metadata/sqlite-metadata-store.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { FsBlobStore } from '../storage/fs-blob-store.ts';
import type { Benchmark, LeaderboardRow, Submission } from './benchmark.ts';
import { BASELINE_ROWS, BENCHMARKS } from './catalogue.ts';
import { DEFAULT_SCORING_MAX_MEMORY_MB, DEFAULT_SUBMISSION_QUOTA } from './defaults.ts';
import { GroundTruthStore } from './ground-truth.ts';
import { LeaderboardBlobs, type StoredFile } from './leaderboard-blobs.ts';
import type { LeaderboardStore, StoredGroundTruth, SubmissionQuota } from './leaderboard-store.ts';
import type { ScoringJobs } from './scoring-jobs.ts';
import { type ScoringOutcome, type ScoringProcess, startScoringProcess } from './scoring-process.ts';
import { SqliteLeaderboardStore } from './sqlite-leaderboard-store.ts';

function readToolkitVersion(): string {
  // The package's `exports` hide its package.json; its entry sits in src/, one level below it.
  const entry = createRequire(import.meta.url).resolve('nuscenes-eval-ts');
  const pkg = join(dirname(entry), '..', 'package.json');
  return `nuscenes-eval-ts@${(JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version}`;
}

export interface LeaderboardOptions {
  log?: (line: string) => void;
  /** Per token and benchmark; null for none. Default: 5 a day. */
  quota?: SubmissionQuota | null;
  /** Cap on the unpacked bytes of a bev-seg archive. Default 64 GiB. */
  maxUnpackedBytes?: number;
  /** A scoring process still running after this long is killed and its submission failed. Default 2 h. */
  scoringTimeoutMs?: number;
  /** Memory cap of the scoring process in MiB (heap and resident size); a submission that needs more fails. Default 2048. */
  scoringMaxMemoryMb?: number;
  /** Hands scoring to `mim4d-zoo worker` processes through these jobs; left out, this process scores. */
  jobs?: ScoringJobs;
}

/** Where the leaderboards keep things; each left out is the embedded default under the data directory. */
export interface LeaderboardStorage {
  /** Benchmarks, rows and submissions. Default: `<data>/zoo.sqlite`. */
  store?: LeaderboardStore;
  /** Submission bodies and ground truth, as blobs. Default: `<data>/blobs/`. */
  blobs?: BlobStore;
  /** The blob records and holds (the metadata store's). Default: `<data>/zoo.sqlite`. */
  meta?: MetadataStore;
}

/** What holds a submission's body from garbage collection until it is scored. */
const bodyHolder = (id: string) => `submission/${id}`;

/** `word` as one POSIX shell word, so a printed command can be pasted as it is. */
const shellWord = (word: string) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * The leaderboard service: the store, the installed ground truth and the submissions' bodies (blobs in the blob
 * store, so any replica or worker reaches them), and a queue that scores one submission at a time in a child process
 * (scoring is CPU-bound; two at once would only both be slower). A body arrives in the scratch directory, moves to
 * the blob store once complete, and is fetched back into the scratch directory of whichever process scores it.
 */
export class Leaderboards {
  readonly toolkitVersion = readToolkitVersion();
  readonly groundTruth: GroundTruthStore;
  readonly quota: SubmissionQuota | null;
  private readonly blobs: LeaderboardBlobs;
  private readonly log: (line: string) => void;
  private readonly maxUnpackedBytes: number;
  private readonly scoringTimeoutMs: number;
  private readonly scoringMaxMemoryMb: number;
  private readonly jobs: ScoringJobs | undefined;
  private queue: Promise<void> = Promise.resolve();
  private running: ScoringProcess | undefined;
  private stopping = false;

  private constructor(
    readonly store: LeaderboardStore,
    /** The data directory: scratch space, and where an earlier mim4d-zoo kept bodies and GT. Null: none. */
    readonly dataDir: string | null,
    /** Bodies arriving, scoring work and the ground-truth cache; removed on close when it is a temporary one. */
    private readonly scratchDir: string,
    blobs: BlobStore,
    meta: MetadataStore,
    /** What close() releases besides the store. */
    private readonly owned: { meta?: MetadataStore; scratch?: string },
    options: LeaderboardOptions,
  ) {
    this.log = options.log ?? (() => {});
    this.blobs = new LeaderboardBlobs(blobs, meta, this.log);
    this.groundTruth = new GroundTruthStore(store, this.blobs, dataDir);
    this.quota = options.quota === undefined ? DEFAULT_SUBMISSION_QUOTA : options.quota;
    this.maxUnpackedBytes = options.maxUnpackedBytes ?? 64 * 2 ** 30;
    this.scoringTimeoutMs = options.scoringTimeoutMs ?? 2 * 3600 * 1000;
    this.scoringMaxMemoryMb = options.scoringMaxMemoryMb ?? DEFAULT_SCORING_MAX_MEMORY_MB;
    this.jobs = options.jobs;
  }

  /**
   * Opens the storage (each part left out: the embedded default under `dataDir`), seeds the catalogue benchmarks and
   * baselines missing from it, and moves ground truth an earlier mim4d-zoo kept under `dataDir` into the blob store.
   * Without a data directory every part must be given, and scratch space is a temporary directory.
   */
  static async open(
    dataDir: string | null,
    options: LeaderboardOptions & LeaderboardStorage = {},
  ): Promise<Leaderboards> {
    const embedded = (part: string) => {
      if (dataDir === null) throw new Error(`leaderboards without a data directory need their ${part}`);
      return dataDir;
    };
    if (dataDir !== null) await mkdir(dataDir, { recursive: true });
    const store = options.store ?? new SqliteLeaderboardStore(join(embedded('store'), 'zoo.sqlite'));
    const blobs = options.blobs ?? (await FsBlobStore.open(embedded('blob store')));
    const ownedMeta = options.meta
      ? undefined
      : new SqliteMetadataStore(join(embedded('metadata'), 'zoo.sqlite'));
    const meta = options.meta ?? (ownedMeta as MetadataStore);
    const scratch = dataDir === null ? await mkdtemp(join(tmpdir(), 'mim4d-zoo-scratch-')) : undefined;
    const boards = new Leaderboards(
      store,
      dataDir,
      scratch ?? join(dataDir as string, 'scoring'),
      blobs,
      meta,
      { ...(ownedMeta ? { meta: ownedMeta } : {}), ...(scratch ? { scratch } : {}) },
      options,
    );
    await store.seed(BENCHMARKS, BASELINE_ROWS);
    for (const benchmark of await store.listBenchmarks()) {
      if (await boards.groundTruth.importFilesLayout(benchmark)) {
        boards.log(`moved the ground truth of ${benchmark.id} from ${dataDir} into the blob store`);
      }
    }
    return boards;
  }

  async currentGroundTruth(benchmark: Benchmark): Promise<StoredGroundTruth | null> {
    return this.groundTruth.current(benchmark);
  }

  /**
   * One line per benchmark without ground truth whose GT sits in the earlier `benchmarks/<id>/gt.json` layout, naming
   * the file and the command that installs it again; the server prints them at start-up, `benchmark list` too.
   */
  async previousLayoutNotices(): Promise<string[]> {
    const notices: string[] = [];
    for (const benchmark of await this.store.listBenchmarks()) {
      const file = await this.groundTruth.previousLayoutFile(benchmark.id);
      if (!file || (await this.currentGroundTruth(benchmark))) continue;
      notices.push(
        `${file} is ground truth in the layout of an earlier mim4d-zoo, which is not read any more: ${benchmark.id} scores no submissions until you run: mim4d-zoo benchmark gt ${benchmark.id} ${shellWord(file)} --data ${shellWord(this.dataDir ?? '')}`,
      );
    }
    return notices;
  }

  /** Where a submission's body is written while it arrives, until {@link storeBody} moves it to the blob store. */
  partialBodyPath(id: string): string {
    return join(this.scratchDir, 'incoming', id);
  }

  /**
   * Moves the complete body at {@link partialBodyPath} into the blob store and records it for the scorers; `received`
   * is its sha256 and size when they were taken as it arrived (the store checks them again).
   */
  async storeBody(id: string, received?: StoredFile): Promise<void> {
    await this.storeBodyFrom(id, this.partialBodyPath(id), received);
  }

  private async storeBodyFrom(id: string, path: string, received?: StoredFile): Promise<void> {
    const { sha256 } = await this.blobs.store(path, bodyHolder(id), received);
    await this.store.recordSubmissionBody(id, sha256);
    await rm(path, { force: true });
  }

  /** Where an earlier mim4d-zoo kept a submission's complete body: `<data>/submissions/<id>/body`. */
  private filesLayoutDir(id: string): string | null {
    return this.dataDir === null ? null : join(this.dataDir, 'submissions', id);
  }

  /**
   * Whether the submission's complete body is stored; one an earlier mim4d-zoo left under the data directory is
   * moved into the blob store first.
   */
  private async hasBody(id: string): Promise<boolean> {
    if (await this.store.submissionBody(id)) return true;
    const old = this.filesLayoutDir(id);
    if (old === null || !existsSync(join(old, 'body'))) return false;
    try {
      await this.storeBodyFrom(id, join(old, 'body'));
    } catch (error) {
      // Another process sharing the folder (a replica starting at the same time) moved it first.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return (await this.store.submissionBody(id)) !== null;
      throw error;
    }
    await rm(old, { recursive: true, force: true });
    return true;
  }

  /** Removes what a submission left (a partial body, an old body) and releases its stored body to gc. */
  async discard(id: string): Promise<void> {
    await rm(this.partialBodyPath(id), { force: true });
    const old = this.filesLayoutDir(id);
    if (old !== null) await rm(old, { recursive: true, force: true });
    await this.blobs.release(bodyHolder(id));
  }

  /**
   * Queues the submissions a stopped server left unscored (their complete bodies are stored) and fails those whose
   * upload never finished. Only the serving process calls this: operator commands open the store alongside it. With
   * jobs, it only sends the jobs a killed replica may have left unsent (see resendQueuedJobs).
   */
  async resumeUnfinished(): Promise<void> {
    if (this.jobs) {
      await this.resendQueuedJobs(this.jobs);
      return;
    }
    for (const submission of await this.store.requeueUnfinished()) {
      if (await this.hasBody(submission.id)) {
        void this.enqueue(submission);
      } else {
        await this.store.markFailed(submission.id, [
          { path: '$', rule: 'the server stopped before the upload finished; submit the file again' },
        ]);
        await this.discard(submission.id);
      }
    }
  }

  /**
   * Sends a job again for each queued submission whose body is complete: a replica killed between storing a body
   * and sending its job left it without one. Most already have a job; the second finds them scored and stops.
   * Submissions still `scoring` belong to live workers, and bodies still arriving to live replicas: both are left be.
   */
  private async resendQueuedJobs(jobs: ScoringJobs): Promise<void> {
    for (const submission of await this.store.queuedSubmissions()) {
      if (await this.hasBody(submission.id)) await jobs.send(submission.id);
    }
  }

  /** Queues the scoring of a submission whose body is complete; the store records each state change. */
  enqueue(submission: Submission): Promise<void> {
    if (this.jobs) return this.jobs.send(submission.id);
    const job = this.queue
      .then(() => this.score(submission))
      .catch((error: Error) => this.log(`submission ${submission.id}: ${error.stack ?? error}`));
    this.queue = job;
    return job;
  }

  /** Resolves when every queued evaluation has finished. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** The process id of the child scoring a submission right now, if any. */
  scoringProcessId(): number | undefined {
    return this.running?.pid;
  }

  /**
   * Scores a submission taken from the jobs, in this process's turn. One already verified or failed is left as it is:
   * its job came back because the worker that scored it died before it could report the job done.
   */
  async scoreJob(submissionId: string): Promise<void> {
    const submission = await this.store.getSubmission(submissionId);
    if (!submission) throw new Error(`scoring job for submission ${submissionId}, which does not exist`);
    if (submission.status === 'verified' || submission.status === 'failed') {
      this.log(`submission ${submissionId} is already ${submission.status}; not scored again`);
      return;
    }
    const job = this.queue.then(() => this.score(submission));
    this.queue = job.catch(() => {});
    await job;
    if (this.stopping)
      throw new Error(`stopped while scoring submission ${submissionId}; its job goes back to the queue`);
  }

  /** Fails a submission whose scoring job ran out of retries: every worker that took it died before reporting. */
  async failAbandoned(submissionId: string, attempts: number): Promise<void> {
    this.log(
      `submission ${submissionId}: ${attempts} scoring attempt(s) ended with their worker; failing it`,
    );
    await this.store.markFailed(submissionId, [
      {
        path: '$',
        rule: `scoring failed on the server: the worker scoring it stopped ${attempts} time(s) (killed or out of memory); submit it again`,
      },
    ]);
    await this.discard(submissionId);
  }

  private async score(submission: Submission): Promise<void> {
    // A submission cut short by shutdown keeps its body and is queued again by the next resumeUnfinished.
    if (this.stopping) return;
    await this.store.markScoring(submission.id);
    this.log(`scoring submission ${submission.id}`);
    const outcome = await this.evaluate(submission);
    if (this.stopping) return;
    if (outcome.kind === 'scored') {
      await this.store.markScored(
        submission.id,
        outcome.metrics,
        this.verifiedRow(submission, outcome.metrics),
      );
    } else if (outcome.kind === 'invalid') {
      await this.store.markFailed(submission.id, outcome.errors);
    } else {
      this.log(`submission ${submission.id}: scoring failed: ${outcome.message}`);
      const reason = outcome.message.split('\n')[0];
      await this.store.markFailed(submission.id, [
        { path: '$', rule: `scoring failed on the server: ${reason}` },
      ]);
    }
    await this.discard(submission.id);
  }

  /**
   * Local copies of the submission's body (in `workDir`) and its benchmark's ground truth (in the cache), or why
   * there are none.
   */
  private async fetchInputs(
    submission: Submission,
    workDir: string,
  ): Promise<{ task: Benchmark['task']; input: string; groundTruth: string } | { error: string }> {
    const benchmark = await this.store.getBenchmark(submission.benchmark);
    const gt = benchmark && (await this.currentGroundTruth(benchmark));
    if (!benchmark || !gt) return { error: `${submission.benchmark} has no ground truth installed any more` };
    const body = await this.store.submissionBody(submission.id);
    if (!body) return { error: 'its body was never stored' };
    const input = join(workDir, 'body');
    try {
      await this.blobs.fetch(body, input);
      const groundTruth = await this.groundTruth.localEntry(
        benchmark,
        gt,
        join(this.scratchDir, 'ground-truth'),
      );
      return { task: benchmark.task, input, groundTruth };
    } catch (error) {
      return { error: `reading it from the blob store failed: ${(error as Error).message}` };
    }
  }

  private async evaluate(submission: Submission): Promise<ScoringOutcome> {
    // A directory of this run's own: workers sharing a scratch folder may both be scoring one submission.
    await mkdir(join(this.scratchDir, 'work'), { recursive: true });
    const workDir = await mkdtemp(join(this.scratchDir, 'work', `${submission.id}-`));
    try {
      return await this.evaluateIn(submission, workDir);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private async evaluateIn(submission: Submission, workDir: string): Promise<ScoringOutcome> {
    const inputs = await this.fetchInputs(submission, workDir);
    if ('error' in inputs) return { kind: 'error', message: inputs.error };
    this.running = startScoringProcess(
      { ...inputs, workDir: join(workDir, 'unpacked'), maxUnpackedBytes: this.maxUnpackedBytes },
      this.scoringMaxMemoryMb,
    );
    const running = this.running;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      running.kill();
    }, this.scoringTimeoutMs);
    try {
      const outcome = await running.outcome;
      return timedOut
        ? {
            kind: 'error',
            message: `scoring took longer than ${this.scoringTimeoutMs / 1000} s and was stopped`,
          }
        : outcome;
    } finally {
      clearTimeout(timer);
      this.running = undefined;
    }
  }

  private verifiedRow(submission: Submission, metrics: Record<string, number>): LeaderboardRow {
    return {
      id: `row_${randomBytes(8).toString('hex')}`,
      benchmark: submission.benchmark,
      name: submission.name,
      ...(submission.model ? { model: submission.model } : {}),
      metrics,
      status: 'verified',
      provenance: {
        source: 'scored by this server',
        submittedBy: submission.submittedBy,
        submissionId: submission.id,
        date: new Date().toISOString(),
        toolkitVersion: this.toolkitVersion,
      },
    };
  }

  /** Waits for the queue to finish scoring, then closes the store (and what open() opened for itself). */
  async close(): Promise<void> {
    await this.queue;
    await this.store.close();
    await this.owned.meta?.close();
    if (this.owned.scratch) await rm(this.owned.scratch, { recursive: true, force: true });
  }

  /** Stops at once: the running child is killed and unscored submissions stay queued for the next start. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    this.running?.kill();
    await this.close();
  }
}
