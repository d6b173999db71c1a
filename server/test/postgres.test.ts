import assert from 'node:assert/strict';
import { POSTGRES_MIGRATIONS } from '../src/postgres/postgres-migrations.ts';
import { ZooPostgres } from '../src/postgres/zoo-postgres.ts';
import { createTestSchema, type TestSchema } from './helpers/test-postgres.ts';

describe('the zoo database in PostgreSQL', () => {
  let schema: TestSchema;
  beforeEach(async () => {
    schema = await createTestSchema();
  });
  afterEach(() => schema.drop());

  it('migrates once when several servers start together on an empty schema', async () => {
    const opened = await Promise.all(Array.from({ length: 4 }, () => ZooPostgres.open(schema.url)));
    const versions = await opened[0].query<{ version: number }>('SELECT version FROM zoo_schema');
    assert.deepEqual(
      versions.rows.map((r) => r.version),
      [POSTGRES_MIGRATIONS.length],
    );
    await Promise.all(opened.map((db) => db.close()));
  });

  it('refuses a schema newer than the server, naming both versions', async () => {
    const db = await ZooPostgres.open(schema.url);
    await db.query('UPDATE zoo_schema SET version = $1', [POSTGRES_MIGRATIONS.length + 1]);
    await db.close();
    await assert.rejects(
      ZooPostgres.open(schema.url),
      /schema is at version \d+, newer than this server knows/,
    );
  });

  it('keeps answering after a newer replica altered a table under a prepared statement', async () => {
    const db = await ZooPostgres.open(schema.url, { maxConnections: 1 });
    const tokens = 'SELECT * FROM tokens';
    await db.query(tokens);
    await db.query('ALTER TABLE tokens ADD COLUMN note text');
    assert.equal((await db.query(tokens)).fields.at(-1)?.name, 'note');
    await db.close();
  });

  it('names the server it cannot reach', async () => {
    await assert.rejects(
      ZooPostgres.open('postgres://postgres@127.0.0.1:1/none'),
      /cannot open the zoo database at postgres:\/\/postgres@127\.0\.0\.1:1\/none: ECONNREFUSED/,
    );
  });
});
