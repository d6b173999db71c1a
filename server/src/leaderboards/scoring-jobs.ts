import PgBoss from 'pg-boss';
import type { ZooPostgres } from '../postgres/zoo-postgres.ts';

const QUEUE = 'mim4d-scoring';
/** Jobs whose workers all died: their submissions are failed rather than left `scoring` forever. */
const ABANDONED = 'mim4d-scoring-abandoned';

/** Attempts after the first: a job comes back only when its worker died (the handler settles scoring errors itself). */
export const DEFAULT_SCORING_RETRIES = 3;

interface ScoringJobData {
  submissionId: string;
}

/**
 * Submissions to score, as jobs in the shared PostgreSQL database (pg-boss, in the zoo's own schema), so that any
 * number of `mim4d-zoo worker` processes, on any machine, take them one at a time. A job whose worker died (kill -9,
 * a lost machine) is handed out again once its expiry passes.
 */
export class ScoringJobs {
  private constructor(
    private readonly boss: PgBoss,
    private readonly expireInSeconds: number,
    /** How many times a job whose worker died is handed out again. */
    private readonly retries: number,
  ) {}

  /**
   * `expireInSeconds` bounds how long a job may stay with one worker before another gets it: longer than a scoring
   * may take (the worker's scoring timeout), or a slow scoring would be started twice.
   */
  static async open(
    db: ZooPostgres,
    options: { expireInSeconds: number; retries?: number },
  ): Promise<ScoringJobs> {
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
    return new ScoringJobs(boss, Math.max(1, Math.ceil(options.expireInSeconds)), retries);
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
        for (const job of jobs) await score(job.data.submissionId);
      },
    );
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
    await this.boss.stop({ graceful: options.graceful, close: false, wait: true });
  }
}
