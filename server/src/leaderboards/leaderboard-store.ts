import type { Sha256Hex } from '../names.ts';
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

/** One file of an installed ground truth, stored as a blob. */
export interface GroundTruthFile {
  /** Its name inside the install (what the task's scorer looks for). */
  name: string;
  sha256: Sha256Hex;
  sizeBytes: number;
}

/** A benchmark's current ground truth: its files in the blob store, held by `ground-truth/<benchmark>/<installId>`. */
export interface StoredGroundTruth {
  benchmark: string;
  installId: string;
  files: GroundTruthFile[];
  description: string;
  installedAt: string;
}

/** At most `max` submissions that did not fail per token and benchmark within any `windowMs`. */
export interface SubmissionQuota {
  max: number;
  windowMs: number;
}

export type CreatedSubmission =
  | { kind: 'created'; submission: Submission }
  /** The submitter used this idempotency key before. */
  | { kind: 'existing'; submission: Submission }
  /** The quota is used up until `retryAt` (ISO 8601). */
  | { kind: 'over-quota'; retryAt: string };

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
  /**
   * Adds a self-reported row unless its submitter's quota on the benchmark is used up (self-reported rows and
   * submissions count alike); then returns when a slot frees (ISO 8601), else null.
   */
  addSelfReportedRow(row: LeaderboardRow, quota: SubmissionQuota | null): Promise<string | null>;

  /**
   * Creates the submission, returns the existing one for the same submitter and idempotency key, or refuses it
   * when the quota is used up; one transaction, so concurrent requests cannot both take the last slot.
   */
  createSubmission(submission: NewSubmission, quota: SubmissionQuota | null): Promise<CreatedSubmission>;
  getSubmission(id: string): Promise<Submission | null>;
  /** Newest first; `submittedBy` null lists everyone's. */
  listSubmissions(benchmark: string, submittedBy: string | null, limit: number): Promise<Submission[]>;
  /** Records the blob holding a submission's complete body. */
  recordSubmissionBody(id: string, sha256: Sha256Hex): Promise<void>;
  /** The blob of a submission's complete body; null while it arrives (or when it never did). */
  submissionBody(id: string): Promise<Sha256Hex | null>;
  markScoring(id: string): Promise<void>;
  /** Puts submissions a stopped process was scoring back in the queue; returns the queue, oldest first. */
  requeueUnfinished(): Promise<Submission[]>;
  /** Submissions waiting to be scored (or for their body), oldest first. */
  queuedSubmissions(): Promise<Submission[]>;
  /**
   * markFailed and markScored leave a submission that is already verified or failed as it is, so a job retried after
   * its worker died once it had recorded the outcome adds no second row.
   */
  markFailed(id: string, errors: SubmissionError[]): Promise<void>;
  /** Records the metrics and the verified row in one transaction. */
  markScored(id: string, metrics: Record<string, number>, row: LeaderboardRow): Promise<void>;

  getGroundTruth(benchmark: string): Promise<StoredGroundTruth | null>;
  /** Makes `gt` its benchmark's current ground truth in one step; returns the one it replaced. */
  setGroundTruth(gt: StoredGroundTruth): Promise<StoredGroundTruth | null>;

  close(): Promise<void>;
}
