/**
 * Benchmarks and leaderboard rows. Metric values are in the units nuscenes-eval-ts reports (fractions: NDS 0.326,
 * not 32.6); pages multiply by 100 when they show percent.
 */
import type { Submission as ApiSubmission } from '@mim4d/zoo';

export type BenchmarkTask = 'detection' | 'hdmap' | 'bev-seg';

export interface MetricSpec {
  /** Key in a row's `metrics`, e.g. `NDS`. */
  key: string;
  description: string;
  /** Whether a larger value is better. */
  higherIsBetter: boolean;
  /** `fraction` values are shown as percent on the pages; `metres`, `radians`... as they are. */
  unit: 'fraction' | 'metres' | 'radians' | 'metres-per-second';
}

export interface Benchmark {
  /** `<name>@v<version>`: a changed split, metric set or GT is a new version, never an edit. */
  id: string;
  title: string;
  task: BenchmarkTask;
  dataset: { name: string; version: string; split: string };
  metrics: MetricSpec[];
  /** Key of the metric rows are ranked by. */
  primaryMetric: string;
  /** Where the server's ground truth for this benchmark comes from, in words. */
  groundTruth: string;
}

export type RowStatus = 'verified' | 'self-reported' | 'baseline';
export const ROW_STATUSES: readonly RowStatus[] = ['verified', 'self-reported', 'baseline'];

/**
 * Leaderboards rank rows this server scored and published baselines; numbers anyone typed in (self-reported) are
 * ranked apart, so invented scores cannot push real ones down.
 */
export const rankedByDefault = (row: { status: RowStatus }): boolean => row.status !== 'self-reported';

export interface Provenance {
  /** Who reported the numbers: a paper or README for baselines, this server for verified rows. */
  source: string;
  sourceUrl?: string;
  /** Token id that submitted the row; absent for seeded baselines. */
  submittedBy?: string;
  submissionId?: string;
  /** ISO 8601. */
  date: string;
  /** `nuscenes-eval-ts@<version>` for rows scored here. */
  toolkitVersion?: string;
}

export interface LeaderboardRow {
  id: string;
  benchmark: string;
  name: string;
  /** `ns/name` of a zoo model, when the row belongs to one. */
  model?: string;
  metrics: Record<string, number>;
  status: RowStatus;
  provenance: Provenance;
}

export { SUBMISSION_STATUSES, type SubmissionError, type SubmissionStatus } from '@mim4d/zoo';

/** The API's submission (the zoo client's wire type) plus who made it, which the server keeps. */
export interface Submission extends ApiSubmission {
  submittedBy: string;
}
