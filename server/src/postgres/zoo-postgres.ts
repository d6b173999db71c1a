import { createHash } from 'node:crypto';
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.ts';

// BIGINT columns hold blob sizes (up to 64 GiB), well inside a double; pg hands them out as strings by default.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

const FEATURE_NOT_SUPPORTED = '0A000';

/** Something that runs queries: the pool, or one client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * The zoo's PostgreSQL database: one pool that the metadata, leaderboard and rate-limit stores share. The schema is
 * the connection's search_path, so `?options=-c%20search_path%3Dzoo` in the URL puts the zoo in its own schema.
 */
export class ZooPostgres {
  private readonly statementNames = new Map<string, string>();

  private constructor(
    readonly pool: pg.Pool,
    /** The URL without its password, for messages. */
    readonly where: string,
  ) {}

  /** Connects and brings the schema up to date; fails with a message naming the server when it cannot. */
  static async open(url: string, options: { maxConnections?: number } = {}): Promise<ZooPostgres> {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error(`--database: expected a postgres://user@host:port/database URL, got "${url}"`);
    }
    const where = url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
    const pool = new pg.Pool({ connectionString: url, types, max: options.maxConnections ?? 10 });
    // An idle client losing its server (a restart) must not take the process down; the next query reconnects.
    pool.on('error', () => {});
    const db = new ZooPostgres(pool, where);
    try {
      await db.migrate();
    } catch (error) {
      await pool.end();
      const reason = (error as NodeJS.ErrnoException).code ?? '';
      throw new Error(
        `cannot open the zoo database at ${where}: ${reason} ${(error as Error).message}`.trim(),
      );
    }
    return db;
  }

  /**
   * One statement, prepared once per connection under a name derived from its text: PostgreSQL then skips parsing
   * and planning on every later call, most of a small query's cost.
   */
  query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    let name = this.statementNames.get(sql);
    if (name === undefined) {
      name = `zoo_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      this.statementNames.set(sql, name);
    }
    return this.pool.query<R>({ name, text: sql, values: params }).catch((error: { code?: string }) => {
      // A newer replica's migration changed a table under a statement this connection prepared ("cached plan must
      // not change result type"): the statement runs unprepared instead.
      if (error.code === FEATURE_NOT_SUPPORTED) return this.pool.query<R>(sql, params);
      throw error;
    });
  }

  /** Any SQL text, several statements included, unprepared: for pg-boss, which brings its own. */
  queryText(sql: string, params?: unknown[]): Promise<pg.QueryResult> {
    return this.pool.query(sql, params);
  }

  /** Runs `body` in one transaction on one connection; rolls back if it throws. */
  async transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Applies the missing migration steps in one transaction under an advisory lock keyed by the schema, so replicas
   * starting together wait for one another and each step runs exactly once.
   */
  private async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(
        `SELECT pg_advisory_xact_lock(hashtext('mim4d-zoo migrations in ' || current_schema()))`,
      );
      await client.query('CREATE TABLE IF NOT EXISTS zoo_schema (version integer NOT NULL)');
      const row = (await client.query<{ version: number }>('SELECT version FROM zoo_schema')).rows[0];
      const applied = row?.version ?? 0;
      if (applied > POSTGRES_MIGRATIONS.length) {
        throw new Error(
          `the zoo schema is at version ${applied}, newer than this server knows (${POSTGRES_MIGRATIONS.length}); upgrade the server`,
        );
      }
      for (const step of POSTGRES_MIGRATIONS.slice(applied)) await client.query(step);
      await client.query('DELETE FROM zoo_schema');
      await client.query('INSERT INTO zoo_schema (version) VALUES ($1)', [POSTGRES_MIGRATIONS.length]);
    });
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
