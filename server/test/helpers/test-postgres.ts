import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the tests use; each run works in schemas of its own inside it. */
export const TEST_DATABASE = process.env.MIM4D_TEST_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/test';

const HOW_TO_START = `start it (on Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or point MIM4D_TEST_DATABASE at a postgres:// URL where the tests may create schemas`;

export interface TestSchema {
  /** TEST_DATABASE with the new schema as its search_path. */
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `the PostgreSQL tests need a server at ${TEST_DATABASE}, which answered ${(error as Error).message}: ${HOW_TO_START}`,
    );
  }
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty schema with a random name, so parallel runs and reruns never meet; `drop` removes it. */
export async function createTestSchema(): Promise<TestSchema> {
  const schema = `zoo_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE SCHEMA ${schema}`));
  const url = new URL(TEST_DATABASE);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: () => admin((client) => client.query(`DROP SCHEMA ${schema} CASCADE`)).then(() => {}),
  };
}
