import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from 'express-rate-limit';
import type { ZooPostgres } from './zoo-postgres.ts';

/**
 * express-rate-limit's counters in the shared database, so that every replica counts a client's requests against
 * one limit. A fixed window per key: the first hit after a window ended starts the next one. One upsert per request.
 */
export class PostgresRateLimitStore implements Store {
  private windowMs = 60_000;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: ZooPostgres,
    /** Keeps buckets apart: `api`, `files` and `uploads` count the same client separately. */
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
    // Windows that ended are dead weight; any replica may drop them.
    this.sweeper = setInterval(() => {
      void this.db.query('DELETE FROM rate_limit_hits WHERE reset_at < now()').catch(() => {});
    }, this.windowMs);
    this.sweeper.unref();
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = (
      await this.db.query<{ hits: number; reset_at: Date }>(
        'SELECT hits, reset_at FROM rate_limit_hits WHERE key = $1 AND reset_at > now()',
        [this.key(key)],
      )
    ).rows[0];
    return row ? { totalHits: row.hits, resetTime: row.reset_at } : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const row = (
      await this.db.query<{ hits: number; reset_at: Date }>(
        `INSERT INTO rate_limit_hits AS h (key, hits, reset_at)
           VALUES ($1, 1, now() + make_interval(secs => $2::float8 / 1000))
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN h.reset_at <= now() THEN 1 ELSE h.hits + 1 END,
           reset_at = CASE WHEN h.reset_at <= now() THEN excluded.reset_at ELSE h.reset_at END
         RETURNING hits, reset_at`,
        [this.key(key), this.windowMs],
      )
    ).rows[0];
    return { totalHits: row.hits, resetTime: row.reset_at };
  }

  async decrement(key: string): Promise<void> {
    await this.db.query('UPDATE rate_limit_hits SET hits = greatest(hits - 1, 0) WHERE key = $1', [
      this.key(key),
    ]);
  }

  async resetKey(key: string): Promise<void> {
    await this.db.query('DELETE FROM rate_limit_hits WHERE key = $1', [this.key(key)]);
  }

  shutdown(): void {
    clearInterval(this.sweeper);
  }
}
