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

/** Something that runs queries: the pool, or one client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * The zoo's PostgreSQL database: one pool that the metadata, leaderboard and rate-limit stores share. The schema is
 * the connection's search_path, so `?options=-c%20search_path%3Dzoo` in the URL puts the zoo in its own schema.
 */
export class ZooPostgres {
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

  query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, params);
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
