import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCHMARKS } from '../../src/leaderboards/catalogue.ts';
import { MIGRATIONS, SqliteLeaderboardStore } from '../../src/leaderboards/sqlite-leaderboard-store.ts';
import { openZooDatabase } from '../../src/zoo-database.ts';

describe('leaderboard schema step 2 on a database written by step 1', () => {
  it('renames running/scored to scoring/verified and drops the per-benchmark scoring flag', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mim4d-lb-schema-'));
    const file = join(dir, 'zoo.sqlite');
    const old = openZooDatabase(file);
    old.exec(
      'CREATE TABLE lb_schema (version INTEGER NOT NULL); INSERT INTO lb_schema (version) VALUES (1);',
    );
    old.exec(MIGRATIONS[0]);
    const benchmark = BENCHMARKS[0];
    old
      .prepare('INSERT INTO lb_benchmarks (id, spec) VALUES (?, ?)')
      .run(benchmark.id, JSON.stringify({ ...benchmark, scoring: false }));
    const insert = old.prepare(
      `INSERT INTO lb_submissions (id, benchmark, name, submitted_by, status, created_at, updated_at, errors)
       VALUES (?, ?, 'x', 'tok', ?, '2026-11-24T00:00:00.000Z', '2026-11-24T00:00:00.000Z', '[]')`,
    );
    for (const [id, status] of [
      ['sub_q', 'queued'],
      ['sub_r', 'running'],
      ['sub_s', 'scored'],
      ['sub_f', 'failed'],
    ]) {
      insert.run(id, benchmark.id, status);
    }
    old.close();

    const store = new SqliteLeaderboardStore(file);
    try {
      const statuses = await Promise.all(
        ['sub_q', 'sub_r', 'sub_s', 'sub_f'].map(async (id) => (await store.getSubmission(id))?.status),
      );
      assert.deepEqual(statuses, ['queued', 'scoring', 'verified', 'failed']);
      const spec = await store.getBenchmark(benchmark.id);
      assert.ok(spec && !('scoring' in spec));
      assert.deepEqual(spec, benchmark);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
