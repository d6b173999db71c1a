import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { access, copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Benchmark, LeaderboardRow, Submission } from './benchmark.ts';
import { BASELINE_ROWS, BENCHMARKS } from './catalogue.ts';
import {
  GroundTruthCache,
  scoreDetection,
  type ValidatedDetection,
  validateDetectionSubmission,
} from './detection-scoring.ts';
import type { LeaderboardStore } from './leaderboard-store.ts';
import { SqliteLeaderboardStore } from './sqlite-leaderboard-store.ts';

function readToolkitVersion(): string {
  // The package's `exports` hide its package.json; its entry sits in src/, one level below it.
  const entry = createRequire(import.meta.url).resolve('nuscenes-eval-ts');
  const pkg = join(dirname(entry), '..', 'package.json');
  return `nuscenes-eval-ts@${(JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version}`;
}

/** Benchmark ids are used as directory names, so they are checked before touching the file system. */
const BENCHMARK_ID = /^[a-z0-9][a-z0-9-]{0,62}@v[0-9]{1,4}$/;

export function isBenchmarkId(id: string): boolean {
  return BENCHMARK_ID.test(id);
}

/**
 * The leaderboard service: the store, the ground truth under `<data>/benchmarks/<id>/gt.json` and a queue that
 * scores one submission at a time (scoring is CPU-bound; two at once would only both be slower).
 */
export class Leaderboards {
  readonly toolkitVersion = readToolkitVersion();
  private readonly gtCache = new GroundTruthCache();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly store: LeaderboardStore,
    readonly dataDir: string,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Opens the store in `<data>/zoo.sqlite` and seeds the catalogue benchmarks and baselines missing from it. */
  static async open(dataDir: string, log?: (line: string) => void): Promise<Leaderboards> {
    await mkdir(dataDir, { recursive: true });
    const store = new SqliteLeaderboardStore(join(dataDir, 'zoo.sqlite'));
    await store.seed(BENCHMARKS, BASELINE_ROWS);
    // Scoring works from input held in memory, so a submission the last process did not finish cannot resume.
    const orphans = await store.failUnfinished(
      'the server restarted before scoring finished; submit the file again',
    );
    if (orphans.length > 0) log?.(`leaderboards: ${orphans.length} unfinished submission(s) marked failed`);
    return new Leaderboards(store, dataDir, log);
  }

  groundTruthPath(benchmark: string): string {
    if (!isBenchmarkId(benchmark))
      throw new Error(`"${benchmark}" is not a benchmark id such as nuscenes-detection@v1`);
    return join(this.dataDir, 'benchmarks', benchmark, 'gt.json');
  }

  async hasGroundTruth(benchmark: string): Promise<boolean> {
    return access(this.groundTruthPath(benchmark)).then(
      () => true,
      () => false,
    );
  }

  /** Checks `file` is valid GT for the benchmark, then puts a copy in place atomically. */
  async installGroundTruth(benchmark: Benchmark, file: string): Promise<{ samples: number; boxes: number }> {
    if (benchmark.task !== 'detection') {
      throw new Error(
        `${benchmark.id}: scoring ${benchmark.task} submissions is not offered yet, so no GT is taken`,
      );
    }
    const boxes = await new GroundTruthCache().load(file);
    const target = this.groundTruthPath(benchmark.id);
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.${randomBytes(4).toString('hex')}.partial`;
    try {
      await copyFile(file, partial);
      await rename(partial, target);
    } finally {
      await rm(partial, { force: true });
    }
    return { samples: boxes.sampleTokens.length, boxes: boxes.sampleOffsets[boxes.sampleTokens.length] ?? 0 };
  }

  /** Validates the file against the benchmark's GT; throws InvalidSubmissionError for bad content. */
  validate(benchmark: Benchmark, file: string): Promise<ValidatedDetection> {
    return validateDetectionSubmission(file, this.groundTruthPath(benchmark.id), this.gtCache);
  }

  /** Queues the evaluation of a validated submission; the store records each state change. */
  enqueue(submission: Submission, validated: ValidatedDetection): Promise<void> {
    const job = this.queue.then(() => this.score(submission, validated));
    this.queue = job;
    return job;
  }

  /** Resolves when every queued evaluation has finished. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async score(submission: Submission, validated: ValidatedDetection): Promise<void> {
    try {
      await this.store.markRunning(submission.id);
      const metrics = scoreDetection(validated);
      const row: LeaderboardRow = {
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
      await this.store.markScored(submission.id, metrics, row);
    } catch (error) {
      this.log(`submission ${submission.id}: scoring failed: ${(error as Error).stack ?? error}`);
      await this.store.markFailed(submission.id, [
        { path: '$', rule: `scoring failed on the server: ${(error as Error).message}` },
      ]);
    }
  }

  async close(): Promise<void> {
    await this.queue;
    await this.store.close();
  }
}
