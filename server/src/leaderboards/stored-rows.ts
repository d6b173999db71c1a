import type { LeaderboardRow, RowStatus, Submission, SubmissionError } from './benchmark.ts';
import type { GroundTruthFile, StoredGroundTruth } from './leaderboard-store.ts';

/** Rows of `lb_rows`, `lb_submissions` and `lb_ground_truth` as both backends store them, and the records they become. */
export interface RowRow {
  id: string;
  benchmark: string;
  name: string;
  model: string | null;
  metrics: string;
  status: RowStatus;
  provenance: string;
}

export interface SubmissionRow {
  id: string;
  benchmark: string;
  name: string;
  model: string | null;
  submitted_by: string;
  status: Submission['status'];
  created_at: string;
  updated_at: string;
  metrics: string | null;
  errors: string;
  row_id: string | null;
}

export const toRow = (r: RowRow): LeaderboardRow => ({
  id: r.id,
  benchmark: r.benchmark,
  name: r.name,
  ...(r.model ? { model: r.model } : {}),
  metrics: JSON.parse(r.metrics) as Record<string, number>,
  status: r.status,
  provenance: JSON.parse(r.provenance) as LeaderboardRow['provenance'],
});

export const toSubmission = (r: SubmissionRow): Submission => ({
  id: r.id,
  benchmark: r.benchmark,
  name: r.name,
  ...(r.model ? { model: r.model } : {}),
  submittedBy: r.submitted_by,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  ...(r.metrics ? { metrics: JSON.parse(r.metrics) as Record<string, number> } : {}),
  errors: JSON.parse(r.errors) as SubmissionError[],
  ...(r.row_id ? { rowId: r.row_id } : {}),
});

export interface GroundTruthRow {
  benchmark: string;
  install_id: string;
  files: string;
  description: string;
  installed_at: string;
}

export const toGroundTruth = (r: GroundTruthRow): StoredGroundTruth => ({
  benchmark: r.benchmark,
  installId: r.install_id,
  files: JSON.parse(r.files) as GroundTruthFile[],
  description: r.description,
  installedAt: r.installed_at,
});

export const groundTruthParams = (gt: StoredGroundTruth) => [
  gt.benchmark,
  gt.installId,
  JSON.stringify(gt.files),
  gt.description,
  gt.installedAt,
];
