import type { LeaderboardRow, RowStatus, Submission, SubmissionError } from './benchmark.ts';

/** Rows of `lb_rows` and `lb_submissions` as both backends store them, and the records they become. */
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
