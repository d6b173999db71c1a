import type Database from 'better-sqlite3';
import type { Sha256Hex } from '../names.ts';
import { openZooDatabase } from '../zoo-database.ts';
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

/**
 * Append-only schema steps. The metadata store owns SQLite's `user_version`, so these are counted in their own
 * table and the two stores can share one database file.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE lb_benchmarks (
    id TEXT PRIMARY KEY,
    spec TEXT NOT NULL
  );
  CREATE TABLE lb_rows (
    id TEXT PRIMARY KEY,
    benchmark TEXT NOT NULL REFERENCES lb_benchmarks(id),
    name TEXT NOT NULL,
    model TEXT,
    metrics TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('verified', 'self-reported', 'baseline')),
    provenance TEXT NOT NULL
  );
  CREATE INDEX lb_rows_benchmark ON lb_rows (benchmark);
  CREATE INDEX lb_rows_model ON lb_rows (model COLLATE NOCASE);
  CREATE TABLE lb_submissions (
    id TEXT PRIMARY KEY,
    benchmark TEXT NOT NULL REFERENCES lb_benchmarks(id),
    name TEXT NOT NULL,
    model TEXT,
    submitted_by TEXT NOT NULL,
    idempotency_key TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'failed', 'scored')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    metrics TEXT,
    errors TEXT NOT NULL,
    row_id TEXT REFERENCES lb_rows(id),
    UNIQUE (submitted_by, idempotency_key)
  );
  `,
  // Statuses renamed to what the pages say (running -> scoring, scored -> verified); every task is scored now, so
  // the per-benchmark `scoring` flag goes; an index for the per-token quota.
  `
  CREATE TABLE lb_submissions_v2 (
    id TEXT PRIMARY KEY,
    benchmark TEXT NOT NULL REFERENCES lb_benchmarks(id),
    name TEXT NOT NULL,
    model TEXT,
    submitted_by TEXT NOT NULL,
    idempotency_key TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued', 'scoring', 'verified', 'failed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    metrics TEXT,
    errors TEXT NOT NULL,
    row_id TEXT REFERENCES lb_rows(id),
    UNIQUE (submitted_by, idempotency_key)
  );
  INSERT INTO lb_submissions_v2
    SELECT id, benchmark, name, model, submitted_by, idempotency_key,
      CASE status WHEN 'running' THEN 'scoring' WHEN 'scored' THEN 'verified' ELSE status END,
      created_at, updated_at, metrics, errors, row_id
    FROM lb_submissions;
  DROP TABLE lb_submissions;
  ALTER TABLE lb_submissions_v2 RENAME TO lb_submissions;
  CREATE INDEX lb_submissions_quota ON lb_submissions (submitted_by, benchmark, created_at);
  UPDATE lb_benchmarks SET spec = json_remove(spec, '$.scoring');
  `,
  // Submission bodies and ground truth move from the data directory into the blob store (held there, see
  // blob_holds): a submission names its body's blob, a benchmark its installed ground-truth files.
  `
  ALTER TABLE lb_submissions ADD COLUMN body_sha256 TEXT;
  CREATE TABLE lb_ground_truth (
    benchmark TEXT PRIMARY KEY REFERENCES lb_benchmarks(id),
    install_id TEXT NOT NULL,
    files TEXT NOT NULL,
    description TEXT NOT NULL,
    installed_at TEXT NOT NULL
  );
  `,
];

/** Leaderboards in SQLite (WAL), beside the metadata tables in `zoo.sqlite`. */
export class SqliteLeaderboardStore implements LeaderboardStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openZooDatabase(file);
    this.migrate();
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS lb_schema (version INTEGER NOT NULL)');
    const row = this.db.prepare('SELECT version FROM lb_schema').get() as { version: number } | undefined;
    const applied = row?.version ?? 0;
    if (applied > MIGRATIONS.length) {
      throw new Error(
        `leaderboard schema version ${applied} is newer than this server knows (${MIGRATIONS.length}); upgrade the server`,
      );
    }
    this.db.transaction(() => {
      for (const step of MIGRATIONS.slice(applied)) this.db.exec(step);
      this.db.prepare('DELETE FROM lb_schema').run();
      this.db.prepare('INSERT INTO lb_schema (version) VALUES (?)').run(MIGRATIONS.length);
    })();
  }

  async listBenchmarks(): Promise<Benchmark[]> {
    const rows = this.db.prepare('SELECT spec FROM lb_benchmarks ORDER BY id').all() as { spec: string }[];
    return rows.map((r) => JSON.parse(r.spec) as Benchmark);
  }

  async getBenchmark(id: string): Promise<Benchmark | null> {
    const row = this.db.prepare('SELECT spec FROM lb_benchmarks WHERE id = ?').get(id) as
      | { spec: string }
      | undefined;
    return row ? (JSON.parse(row.spec) as Benchmark) : null;
  }

  async seed(benchmarks: readonly Benchmark[], rows: readonly LeaderboardRow[]): Promise<void> {
    const addBenchmark = this.db.prepare('INSERT OR IGNORE INTO lb_benchmarks (id, spec) VALUES (?, ?)');
    const addRow = this.db.prepare(
      `INSERT OR IGNORE INTO lb_rows (id, benchmark, name, model, metrics, status, provenance)
       VALUES (@id, @benchmark, @name, @model, @metrics, @status, @provenance)`,
    );
    this.db.transaction(() => {
      for (const b of benchmarks) addBenchmark.run(b.id, JSON.stringify(b));
      for (const r of rows) addRow.run(this.rowParams(r));
    })();
  }

  private rowParams(r: LeaderboardRow) {
    return {
      id: r.id,
      benchmark: r.benchmark,
      name: r.name,
      model: r.model ?? null,
      metrics: JSON.stringify(r.metrics),
      status: r.status,
      provenance: JSON.stringify(r.provenance),
    };
  }

  async listRows(benchmark: string, status?: RowStatus): Promise<LeaderboardRow[]> {
    const spec = await this.getBenchmark(benchmark);
    if (!spec) return [];
    const rows = (
      status
        ? this.db
            .prepare('SELECT * FROM lb_rows WHERE benchmark = ? AND status = ? ORDER BY rowid')
            .all(benchmark, status)
        : this.db.prepare('SELECT * FROM lb_rows WHERE benchmark = ? ORDER BY rowid').all(benchmark)
    ) as RowRow[];
    return rankRows(rows.map(toRow), spec);
  }

  async rowsOfModel(model: string): Promise<LeaderboardRow[]> {
    const rows = this.db
      .prepare('SELECT * FROM lb_rows WHERE model = ? COLLATE NOCASE ORDER BY benchmark, rowid')
      .all(model) as RowRow[];
    return rows.map(toRow);
  }

  /**
   * When the token's quota on the benchmark is used up, the time (ISO 8601) it frees a slot; null otherwise. Both
   * submissions that did not fail and self-reported rows count.
   */
  private quotaUsedUntil(
    submittedBy: string,
    benchmark: string,
    quota: SubmissionQuota,
    now: Date,
  ): string | null {
    const since = new Date(now.getTime() - quota.windowMs).toISOString();
    const counted = this.db
      .prepare(
        `SELECT created_at FROM lb_submissions
           WHERE submitted_by = ? AND benchmark = ? AND created_at > ? AND status != 'failed'
         UNION ALL
         SELECT json_extract(provenance, '$.date') FROM lb_rows
           WHERE status = 'self-reported' AND benchmark = ?
             AND json_extract(provenance, '$.submittedBy') = ? AND json_extract(provenance, '$.date') > ?
         ORDER BY 1`,
      )
      .all(submittedBy, benchmark, since, benchmark, submittedBy, since) as { created_at: string }[];
    if (counted.length < quota.max) return null;
    const oldest = Date.parse(counted[counted.length - quota.max].created_at);
    return new Date(oldest + quota.windowMs).toISOString();
  }

  async addSelfReportedRow(row: LeaderboardRow, quota: SubmissionQuota | null): Promise<string | null> {
    return this.db.transaction((): string | null => {
      const submittedBy = row.provenance.submittedBy as string;
      const retryAt = quota ? this.quotaUsedUntil(submittedBy, row.benchmark, quota, new Date()) : null;
      if (retryAt) return retryAt;
      this.db
        .prepare(
          `INSERT INTO lb_rows (id, benchmark, name, model, metrics, status, provenance)
           VALUES (@id, @benchmark, @name, @model, @metrics, @status, @provenance)`,
        )
        .run(this.rowParams(row));
      return null;
    })();
  }

  async createSubmission(s: NewSubmission, quota: SubmissionQuota | null): Promise<CreatedSubmission> {
    return this.db.transaction((): CreatedSubmission => {
      if (s.idempotencyKey !== undefined) {
        const existing = this.db
          .prepare('SELECT * FROM lb_submissions WHERE submitted_by = ? AND idempotency_key = ?')
          .get(s.submittedBy, s.idempotencyKey) as SubmissionRow | undefined;
        if (existing) return { kind: 'existing', submission: toSubmission(existing) };
      }
      const now = new Date();
      const retryAt = quota ? this.quotaUsedUntil(s.submittedBy, s.benchmark, quota, now) : null;
      if (retryAt) return { kind: 'over-quota', retryAt };
      this.db
        .prepare(
          `INSERT INTO lb_submissions
             (id, benchmark, name, model, submitted_by, idempotency_key, status, created_at, updated_at, errors)
           VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, '[]')`,
        )
        .run(
          s.id,
          s.benchmark,
          s.name,
          s.model ?? null,
          s.submittedBy,
          s.idempotencyKey ?? null,
          now.toISOString(),
          now.toISOString(),
        );
      const row = this.db.prepare('SELECT * FROM lb_submissions WHERE id = ?').get(s.id) as SubmissionRow;
      return { kind: 'created', submission: toSubmission(row) };
    })();
  }

  async listSubmissions(benchmark: string, submittedBy: string | null, limit: number): Promise<Submission[]> {
    const rows = (
      submittedBy === null
        ? this.db
            .prepare('SELECT * FROM lb_submissions WHERE benchmark = ? ORDER BY created_at DESC LIMIT ?')
            .all(benchmark, limit)
        : this.db
            .prepare(
              'SELECT * FROM lb_submissions WHERE benchmark = ? AND submitted_by = ? ORDER BY created_at DESC LIMIT ?',
            )
            .all(benchmark, submittedBy, limit)
    ) as SubmissionRow[];
    return rows.map(toSubmission);
  }

  async getSubmission(id: string): Promise<Submission | null> {
    const row = this.db.prepare('SELECT * FROM lb_submissions WHERE id = ?').get(id) as
      | SubmissionRow
      | undefined;
    return row ? toSubmission(row) : null;
  }

  async recordSubmissionBody(id: string, sha256: Sha256Hex): Promise<void> {
    this.db.prepare('UPDATE lb_submissions SET body_sha256 = ? WHERE id = ?').run(sha256, id);
  }

  async submissionBody(id: string): Promise<Sha256Hex | null> {
    const row = this.db.prepare('SELECT body_sha256 FROM lb_submissions WHERE id = ?').get(id) as
      | { body_sha256: Sha256Hex | null }
      | undefined;
    return row?.body_sha256 ?? null;
  }

  async getGroundTruth(benchmark: string): Promise<StoredGroundTruth | null> {
    const row = this.db.prepare('SELECT * FROM lb_ground_truth WHERE benchmark = ?').get(benchmark) as
      | GroundTruthRow
      | undefined;
    return row ? toGroundTruth(row) : null;
  }

  async setGroundTruth(gt: StoredGroundTruth): Promise<StoredGroundTruth | null> {
    return this.db.transaction(() => {
      const previous = this.db
        .prepare('SELECT * FROM lb_ground_truth WHERE benchmark = ?')
        .get(gt.benchmark) as GroundTruthRow | undefined;
      this.db
        .prepare(
          `INSERT OR REPLACE INTO lb_ground_truth (benchmark, install_id, files, description, installed_at)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(...groundTruthParams(gt));
      return previous ? toGroundTruth(previous) : null;
    })();
  }

  async markScoring(id: string): Promise<void> {
    this.db
      .prepare("UPDATE lb_submissions SET status = 'scoring', updated_at = ? WHERE id = ?")
      .run(new Date().toISOString(), id);
  }

  async requeueUnfinished(): Promise<Submission[]> {
    this.db.prepare("UPDATE lb_submissions SET status = 'queued' WHERE status = 'scoring'").run();
    return this.queuedSubmissions();
  }

  async queuedSubmissions(): Promise<Submission[]> {
    const rows = this.db
      .prepare("SELECT * FROM lb_submissions WHERE status = 'queued' ORDER BY created_at, rowid")
      .all() as SubmissionRow[];
    return rows.map(toSubmission);
  }

  async markFailed(id: string, errors: SubmissionError[]): Promise<void> {
    this.db
      .prepare(
        `UPDATE lb_submissions SET status = 'failed', errors = ?, updated_at = ?
           WHERE id = ? AND status IN ('queued', 'scoring')`,
      )
      .run(JSON.stringify(errors), new Date().toISOString(), id);
  }

  async markScored(id: string, metrics: Record<string, number>, row: LeaderboardRow): Promise<void> {
    this.db.transaction(() => {
      const current = this.db.prepare('SELECT status FROM lb_submissions WHERE id = ?').get(id) as
        | { status: Submission['status'] }
        | undefined;
      if (current?.status !== 'queued' && current?.status !== 'scoring') return;
      this.db
        .prepare(
          `INSERT INTO lb_rows (id, benchmark, name, model, metrics, status, provenance)
           VALUES (@id, @benchmark, @name, @model, @metrics, @status, @provenance)`,
        )
        .run(this.rowParams(row));
      this.db
        .prepare(
          "UPDATE lb_submissions SET status = 'verified', metrics = ?, row_id = ?, updated_at = ? WHERE id = ?",
        )
        .run(JSON.stringify(metrics), row.id, new Date().toISOString(), id);
    })();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
