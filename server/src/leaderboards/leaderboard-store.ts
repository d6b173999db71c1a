import type { Benchmark, LeaderboardRow, RowStatus, Submission, SubmissionError } from './benchmark.ts';

export interface NewSubmission {
  id: string;
  benchmark: string;
  name: string;
  model?: string;
  submittedBy: string;
  /** With `submittedBy`, makes a retried POST return the first submission. */
  idempotencyKey?: string;
}

/**
 * Benchmarks, leaderboard rows and submissions. Asynchronous for the same reason as MetadataStore: a networked
 * database can replace the embedded SQLite one without touching routes.
 */
export interface LeaderboardStore {
  listBenchmarks(): Promise<Benchmark[]>;
  getBenchmark(id: string): Promise<Benchmark | null>;
  /** Inserts benchmarks and rows whose ids are not stored yet; never overwrites. */
  seed(benchmarks: readonly Benchmark[], rows: readonly LeaderboardRow[]): Promise<void>;

  /** Rows ranked by the benchmark's primary metric (best first, rows without it last). */
  listRows(benchmark: string, status?: RowStatus): Promise<LeaderboardRow[]>;
  /** Rows of one zoo model across benchmarks. */
  rowsOfModel(model: string): Promise<LeaderboardRow[]>;
  addRow(row: LeaderboardRow): Promise<void>;

  /** Creates the submission, or returns the existing one for the same submitter and idempotency key. */
  createSubmission(submission: NewSubmission): Promise<{ submission: Submission; created: boolean }>;
  getSubmission(id: string): Promise<Submission | null>;
  markRunning(id: string): Promise<void>;
  /** Fails every queued or running submission (their validated input lived in a process that ended); returns them. */
  failUnfinished(reason: string): Promise<string[]>;
  markFailed(id: string, errors: SubmissionError[]): Promise<void>;
  /** Records the metrics and the verified row in one transaction. */
  markScored(id: string, metrics: Record<string, number>, row: LeaderboardRow): Promise<void>;

  close(): Promise<void>;
}
