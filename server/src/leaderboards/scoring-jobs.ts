import PgBoss from 'pg-boss';
import type { ZooPostgres } from '../postgres/zoo-postgres.ts';
import { DEFAULT_STALE_AFTER_S } from './defaults.ts';

const QUEUE = 'mim4d-scoring';
/** Jobs whose workers all died: their submissions are failed rather than left `scoring` forever. */
const ABANDONED = 'mim4d-scoring-abandoned';

/** Attempts after the first: a job comes back only when its worker died (the handler settles scoring errors itself). */
export const DEFAULT_SCORING_RETRIES = 3;

export interface ScoringJobOptions {
  /**
   * How long a job may stay with one worker at most, heartbeat or not: longer than a scoring may take (the worker's
   * scoring timeout), or a slow scoring would be started twice.
   */
  expireInSeconds: number;
  retries?: number;
  /**
   * A job whose worker wrote no heartbeat for this long is failed, and so handed to another worker (pg-boss 10 has no
   * heartbeat of its own: without this a dead worker's job waited out its expiry). Workers beat six times as often;
   * every process with jobs open sweeps that often too. Default {@link DEFAULT_STALE_AFTER_S}.
   */
  staleAfterSeconds?: number;
}

interface ScoringJobData {
  submissionId: string;
}

/**
 * Submissions to score, as jobs in the shared PostgreSQL database (pg-boss, in the zoo's own schema), so that any
 * number of `mim4d-zoo worker` processes, on any machine, take them one at a time. A job whose worker died (kill -9,
 * a lost machine) is handed out again once its expiry passes.
 */
export class ScoringJobs {
  private readonly sweeper: NodeJS.Timeout;

  private constructor(
    private readonly boss: PgBoss,
    private readonly db: ZooPostgres,
    private readonly expireInSeconds: number,
    /** How many times a job whose worker died is handed out again. */
    private readonly retries: number,
    private readonly staleAfterSeconds: number,
  ) {
    this.sweeper = setInterval(() => {
      this.failStaleJobs().catch((error: Error) =>
        process.stderr.write(`scoring jobs: sweeping stale jobs failed: ${error.message}\n`),
      );
    }, this.beatMs());
    this.sweeper.unref();
  }

  private beatMs(): number {
    return (this.staleAfterSeconds * 1000) / 6;
  }

  static async open(db: ZooPostgres, options: ScoringJobOptions): Promise<ScoringJobs> {
    const retries = options.retries ?? DEFAULT_SCORING_RETRIES;
    const schema = (await db.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0].schema;
    const boss = new PgBoss({
      db: { executeSql: (text, values) => db.queryText(text, values) },
      schema,
      schedule: false,
      // Expired jobs are found by this sweep (any one process runs it per interval): a dead worker's job waits for
      // its expiry plus at most this long.
      maintenanceIntervalSeconds: 2,
    });
    boss.on('error', (error) => process.stderr.write(`scoring jobs: ${error.message}\n`));
    await boss.start();
    await boss.createQueue(ABANDONED, { name: ABANDONED });
    await boss.createQueue(QUEUE, { name: QUEUE, deadLetter: ABANDONED });
    return new ScoringJobs(
      boss,
      db,
      Math.max(1, Math.ceil(options.expireInSeconds)),
      retries,
      options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_S,
    );
  }

  /** Queues the scoring of a submission whose body is complete. */
  async send(submissionId: string): Promise<void> {
    await this.boss.send(QUEUE, { submissionId } satisfies ScoringJobData, {
      expireInSeconds: this.expireInSeconds,
      retryLimit: this.retries,
      retryDelay: 0,
    });
  }

  /** Scores jobs one at a time with `score` until {@link stop}; a job whose `score` throws is retried. */
  async work(score: (submissionId: string) => Promise<void>): Promise<void> {
    await this.boss.work<ScoringJobData>(
      QUEUE,
      { batchSize: 1, pollingIntervalSeconds: 0.5 },
      async (jobs) => {
        for (const job of jobs) await this.withHeartbeat(job.id, job.data.submissionId, score);
      },
    );
  }

  /** Runs `score` while writing the job's heartbeat every sixth of the stale time. */
  private async withHeartbeat(
    jobId: string,
    submissionId: string,
    score: (submissionId: string) => Promise<void>,
  ): Promise<void> {
    const beat = () =>
      this.db.query(
        `INSERT INTO scoring_heartbeats (job_id, submission_id, beat_at) VALUES ($1, $2, now())
           ON CONFLICT (job_id) DO UPDATE SET submission_id = excluded.submission_id, beat_at = now()`,
        [jobId, submissionId],
      );
    await beat();
    const timer = setInterval(() => {
      beat().catch((error: Error) =>
        process.stderr.write(`scoring jobs: heartbeat of job ${jobId} failed: ${error.message}\n`),
      );
    }, this.beatMs());
    try {
      await score(submissionId);
    } finally {
      clearInterval(timer);
      await this.db.query('DELETE FROM scoring_heartbeats WHERE job_id = $1', [jobId]);
    }
  }

  /**
   * Fails the active jobs whose worker has been silent for the stale time (no heartbeat since, and not started
   * since: a worker that died before its first beat is covered too), so pg-boss hands them to another worker or, out
   * of retries, to the dead-letter queue. Every process with jobs open runs this; a transaction-scoped advisory lock
   * lets one at a time do it, so a job is failed once, not once per process. Returns the jobs failed.
   */
  async failStaleJobs(): Promise<string[]> {
    return this.db.transaction(async (client) => {
      const lock = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_xact_lock(hashtext('mim4d-zoo scoring sweep in ' || current_schema())) AS locked`,
      );
      if (!lock.rows[0].locked) return [];
      const stale = (
        await client.query<{ id: string }>(
          `SELECT j.id::text AS id FROM job j LEFT JOIN scoring_heartbeats h ON h.job_id = j.id::text
             WHERE j.name = $1 AND j.state = 'active'
               AND greatest(h.beat_at, j.started_on) < now() - make_interval(secs => $2)`,
          [QUEUE, this.staleAfterSeconds],
        )
      ).rows.map((r) => r.id);
      if (stale.length === 0) return [];
      for (const id of stale) {
        await this.boss.fail(QUEUE, id, {
          message: `its worker wrote no heartbeat for ${this.staleAfterSeconds} s`,
        });
      }
      await client.query('DELETE FROM scoring_heartbeats WHERE job_id = ANY($1)', [stale]);
      return stale;
    });
  }

  /**
   * Hands `abandon` each submission whose job ran out of retries (its workers kept dying), with the number of attempts
   * its sender allowed, until {@link stop}.
   */
  async workAbandoned(abandon: (submissionId: string, attempts: number) => Promise<void>): Promise<void> {
    await this.boss.work<ScoringJobData>(
      ABANDONED,
      { batchSize: 1, pollingIntervalSeconds: 2, includeMetadata: true },
      async (jobs) => {
        // pg-boss copies the failed job's retry limit onto its dead letter.
        for (const job of jobs) await abandon(job.data.submissionId, job.retryLimit + 1);
      },
    );
  }

  /** Stops taking jobs; `graceful` waits for the running one. */
  async stop(options: { graceful: boolean }): Promise<void> {
    clearInterval(this.sweeper);
    await this.boss.stop({ graceful: options.graceful, close: false, wait: true });
  }
}
