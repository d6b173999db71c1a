import type { Sha256Hex } from '../names.ts';
import type { Queryable, ZooPostgres } from '../postgres/zoo-postgres.ts';
import type { Benchmark, LeaderboardRow, RowStatus, Submission, SubmissionError } from './benchmark.ts';
import type {
  CreatedSubmission,
  LeaderboardStore,
  NewSubmission,
  StoredGroundTruth,
  SubmissionQuota,
} from './leaderboard-store.ts';
import { rankRows } from './rank-rows.ts';
import {
  type GroundTruthRow,
  groundTruthParams,
  type RowRow,
  type SubmissionRow,
  toGroundTruth,
  toRow,
  toSubmission,
} from './stored-rows.ts';

const INSERT_ROW = `INSERT INTO lb_rows (id, benchmark, name, model, metrics, status, provenance)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`;

const rowParams = (r: LeaderboardRow) => [
  r.id,
  r.benchmark,
  r.name,
  r.model ?? null,
  JSON.stringify(r.metrics),
  r.status,
  JSON.stringify(r.provenance),
];

/** Leaderboards in PostgreSQL, beside the metadata tables, for servers that share one database. */
export class PostgresLeaderboardStore implements LeaderboardStore {
  constructor(private readonly db: ZooPostgres) {}

  async listBenchmarks(): Promise<Benchmark[]> {
    const rows = (
      await this.db.query<{ spec: string }>('SELECT spec FROM lb_benchmarks ORDER BY id COLLATE "C"')
    ).rows;
    return rows.map((r) => JSON.parse(r.spec) as Benchmark);
  }

  async getBenchmark(id: string): Promise<Benchmark | null> {
    const row = (await this.db.query<{ spec: string }>('SELECT spec FROM lb_benchmarks WHERE id = $1', [id]))
      .rows[0];
    return row ? (JSON.parse(row.spec) as Benchmark) : null;
  }

  async seed(benchmarks: readonly Benchmark[], rows: readonly LeaderboardRow[]): Promise<void> {
    await this.db.transaction(async (client) => {
      for (const b of benchmarks) {
        await client.query('INSERT INTO lb_benchmarks (id, spec) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
          b.id,
          JSON.stringify(b),
        ]);
      }
      for (const r of rows) await client.query(`${INSERT_ROW} ON CONFLICT DO NOTHING`, rowParams(r));
    });
  }

  async listRows(benchmark: string, status?: RowStatus): Promise<LeaderboardRow[]> {
    const spec = await this.getBenchmark(benchmark);
    if (!spec) return [];
    const rows = (
      status
        ? await this.db.query<RowRow>(
            'SELECT * FROM lb_rows WHERE benchmark = $1 AND status = $2 ORDER BY seq',
            [benchmark, status],
          )
        : await this.db.query<RowRow>('SELECT * FROM lb_rows WHERE benchmark = $1 ORDER BY seq', [benchmark])
    ).rows;
    return rankRows(rows.map(toRow), spec);
  }

  async rowsOfModel(model: string): Promise<LeaderboardRow[]> {
    const rows = (
      await this.db.query<RowRow>(
        'SELECT * FROM lb_rows WHERE lower(model) = lower($1) ORDER BY benchmark COLLATE "C", seq',
        [model],
      )
    ).rows;
    return rows.map(toRow);
  }

  /**
   * Takes a transaction-scoped lock on (submitter, benchmark), so that concurrent requests from any replica count
   * the quota one after the other.
   */
  private async lockQuota(client: Queryable, submittedBy: string, benchmark: string): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`quota ${submittedBy} ${benchmark}`]);
  }

  /** When the quota is used up, the time (ISO 8601) it frees a slot; null otherwise. */
  private async quotaUsedUntil(
    client: Queryable,
    submittedBy: string,
    benchmark: string,
    quota: SubmissionQuota,
    now: Date,
  ): Promise<string | null> {
    const since = new Date(now.getTime() - quota.windowMs).toISOString();
    const counted = (
      await client.query<{ at: string }>(
        `SELECT created_at AS at FROM lb_submissions
           WHERE submitted_by = $1 AND benchmark = $2 AND created_at > $3 AND status != 'failed'
         UNION ALL
         SELECT provenance::json ->> 'date' FROM lb_rows
           WHERE status = 'self-reported' AND benchmark = $2
             AND provenance::json ->> 'submittedBy' = $1 AND provenance::json ->> 'date' > $3
         ORDER BY 1`,
        [submittedBy, benchmark, since],
      )
    ).rows;
    if (counted.length < quota.max) return null;
    const oldest = Date.parse(counted[counted.length - quota.max].at);
    return new Date(oldest + quota.windowMs).toISOString();
  }

  async addSelfReportedRow(row: LeaderboardRow, quota: SubmissionQuota | null): Promise<string | null> {
    return this.db.transaction(async (client) => {
      const submittedBy = row.provenance.submittedBy as string;
      if (quota) {
        await this.lockQuota(client, submittedBy, row.benchmark);
        const retryAt = await this.quotaUsedUntil(client, submittedBy, row.benchmark, quota, new Date());
        if (retryAt) return retryAt;
      }
      await client.query(INSERT_ROW, rowParams(row));
      return null;
    });
  }

  async createSubmission(s: NewSubmission, quota: SubmissionQuota | null): Promise<CreatedSubmission> {
    return this.db.transaction(async (client): Promise<CreatedSubmission> => {
      // Also serialises two requests with one idempotency key: the second finds the first's submission.
      await this.lockQuota(client, s.submittedBy, s.benchmark);
      if (s.idempotencyKey !== undefined) {
        const existing = (
          await client.query<SubmissionRow>(
            'SELECT * FROM lb_submissions WHERE submitted_by = $1 AND idempotency_key = $2',
            [s.submittedBy, s.idempotencyKey],
          )
        ).rows[0];
        if (existing) return { kind: 'existing', submission: toSubmission(existing) };
      }
      const now = new Date();
      const retryAt = quota
        ? await this.quotaUsedUntil(client, s.submittedBy, s.benchmark, quota, now)
        : null;
      if (retryAt) return { kind: 'over-quota', retryAt };
      const row = (
        await client.query<SubmissionRow>(
          `INSERT INTO lb_submissions
             (id, benchmark, name, model, submitted_by, idempotency_key, status, created_at, updated_at, errors)
           VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $7, '[]') RETURNING *`,
          [
            s.id,
            s.benchmark,
            s.name,
            s.model ?? null,
            s.submittedBy,
            s.idempotencyKey ?? null,
            now.toISOString(),
          ],
        )
      ).rows[0];
      return { kind: 'created', submission: toSubmission(row) };
    });
  }

  async listSubmissions(benchmark: string, submittedBy: string | null, limit: number): Promise<Submission[]> {
    const rows = (
      submittedBy === null
        ? await this.db.query<SubmissionRow>(
            'SELECT * FROM lb_submissions WHERE benchmark = $1 ORDER BY created_at DESC, seq DESC LIMIT $2',
            [benchmark, limit],
          )
        : await this.db.query<SubmissionRow>(
            `SELECT * FROM lb_submissions WHERE benchmark = $1 AND submitted_by = $2
               ORDER BY created_at DESC, seq DESC LIMIT $3`,
            [benchmark, submittedBy, limit],
          )
    ).rows;
    return rows.map(toSubmission);
  }

  async getSubmission(id: string): Promise<Submission | null> {
    const row = (await this.db.query<SubmissionRow>('SELECT * FROM lb_submissions WHERE id = $1', [id]))
      .rows[0];
    return row ? toSubmission(row) : null;
  }

  async recordSubmissionBody(id: string, sha256: Sha256Hex): Promise<void> {
    await this.db.query('UPDATE lb_submissions SET body_sha256 = $1 WHERE id = $2', [sha256, id]);
  }

  async submissionBody(id: string): Promise<Sha256Hex | null> {
    const row = (
      await this.db.query<{ body_sha256: Sha256Hex | null }>(
        'SELECT body_sha256 FROM lb_submissions WHERE id = $1',
        [id],
      )
    ).rows[0];
    return row?.body_sha256 ?? null;
  }

  async getGroundTruth(benchmark: string): Promise<StoredGroundTruth | null> {
    const row = (
      await this.db.query<GroundTruthRow>('SELECT * FROM lb_ground_truth WHERE benchmark = $1', [benchmark])
    ).rows[0];
    return row ? toGroundTruth(row) : null;
  }

  async setGroundTruth(gt: StoredGroundTruth): Promise<StoredGroundTruth | null> {
    return this.db.transaction(async (client) => {
      const previous = (
        await client.query<GroundTruthRow>('SELECT * FROM lb_ground_truth WHERE benchmark = $1 FOR UPDATE', [
          gt.benchmark,
        ])
      ).rows[0];
      await client.query(
        `INSERT INTO lb_ground_truth (benchmark, install_id, files, description, installed_at)
           VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (benchmark) DO UPDATE SET install_id = excluded.install_id, files = excluded.files,
           description = excluded.description, installed_at = excluded.installed_at`,
        groundTruthParams(gt),
      );
      return previous ? toGroundTruth(previous) : null;
    });
  }

  async markScoring(id: string): Promise<void> {
    await this.db.query("UPDATE lb_submissions SET status = 'scoring', updated_at = $1 WHERE id = $2", [
      new Date().toISOString(),
      id,
    ]);
  }

  async requeueUnfinished(): Promise<Submission[]> {
    await this.db.query("UPDATE lb_submissions SET status = 'queued' WHERE status = 'scoring'");
    return this.queuedSubmissions();
  }

  async queuedSubmissions(): Promise<Submission[]> {
    const rows = (
      await this.db.query<SubmissionRow>(
        "SELECT * FROM lb_submissions WHERE status = 'queued' ORDER BY created_at, seq",
      )
    ).rows;
    return rows.map(toSubmission);
  }

  async markFailed(id: string, errors: SubmissionError[]): Promise<void> {
    await this.db.query(
      `UPDATE lb_submissions SET status = 'failed', errors = $1, updated_at = $2
         WHERE id = $3 AND status IN ('queued', 'scoring')`,
      [JSON.stringify(errors), new Date().toISOString(), id],
    );
  }

  async markScored(id: string, metrics: Record<string, number>, row: LeaderboardRow): Promise<void> {
    await this.db.transaction(async (client) => {
      // The row lock makes two workers finishing the same submission record it one after the other; the second
      // finds it verified and adds nothing.
      const current = await client.query<{ status: Submission['status'] }>(
        'SELECT status FROM lb_submissions WHERE id = $1 FOR UPDATE',
        [id],
      );
      const status = current.rows[0]?.status;
      if (status !== 'queued' && status !== 'scoring') return;
      await client.query(INSERT_ROW, rowParams(row));
      await client.query(
        "UPDATE lb_submissions SET status = 'verified', metrics = $1, row_id = $2, updated_at = $3 WHERE id = $4",
        [JSON.stringify(metrics), row.id, new Date().toISOString(), id],
      );
    });
  }

  /** The database is shared with the metadata store; whoever opened it closes it. */
  async close(): Promise<void> {}
}
