/**
 * Benchmarks and leaderboard rows. Metric values are in the units nuscenes-eval-ts reports (fractions: NDS 0.326,
 * not 32.6); pages multiply by 100 when they show percent.
 */
import type {
  LeaderboardRow,
  RowStatus,
  Benchmark as WireBenchmark,
  Submission as WireSubmission,
} from '@mim4d/zoo';

export {
  type BenchmarkTask,
  type LeaderboardRow,
  type MetricSpec,
  ROW_STATUSES,
  type RowStatus,
  SUBMISSION_STATUSES,
  type SubmissionStatus,
} from '@mim4d/zoo';

/** A benchmark as stored; the API adds whether its GT is installed, its submission form and the quota. */
export type Benchmark = Omit<WireBenchmark, 'groundTruthInstalled' | 'submissionFormat' | 'submissionQuota'>;

/**
 * Leaderboards rank rows this server scored and published baselines; numbers anyone typed in (self-reported) are
 * ranked apart, so invented scores cannot push real ones down.
 */
export const rankedByDefault = (row: { status: RowStatus }): boolean => row.status !== 'self-reported';

export type Provenance = LeaderboardRow['provenance'];

/** Why a submission failed, as stored: where (a JSON path, archive member or `$`) and the rule it broke. */
export interface SubmissionError {
  path: string;
  rule: string;
}

/** A submission as stored; the API sends each error's rule as its `message` too. */
export interface Submission extends Omit<WireSubmission, 'errors'> {
  errors: SubmissionError[];
}
