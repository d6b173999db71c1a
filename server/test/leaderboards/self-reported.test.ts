import { strict as assert } from 'node:assert';
import type { LeaderboardRow } from '../../src/leaderboards/benchmark.ts';
import { backboneRevision } from '../helpers/backbone-files.ts';
import { BACKENDS, startZoo, type ZooFixture } from '../helpers/zoo-fixture.ts';

const DETECTION = '/api/v1/benchmarks/nuscenes-detection@v1';

/** A flood of invented numbers must not reach the top of a leaderboard. */
for (const backend of BACKENDS) {
  describe(`self-reported rows (${backend})`, () => {
    let zoo: ZooFixture;
    let writer: string;
    const report = (token: string, body: Record<string, unknown>) =>
      zoo.request(`${DETECTION}/self-reported`, {
        method: 'POST',
        token,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ source: 'run log', metrics: { NDS: 0.99, mAP: 0.99 }, ...body }),
      });
    const leaderboard = async (query = '') =>
      (await (await zoo.request(`${DETECTION}/leaderboard${query}`)).json()) as { rows: LeaderboardRow[] };

    before(async () => {
      zoo = await startZoo({ backend, boards: { quota: { max: 2, windowMs: 3600_000 } } });
      writer = await zoo.token('write:team');
      const { files, card } = backboneRevision();
      await zoo.publish('team/run', files, { token: writer, card });
    });
    after(() => zoo.close());

    it('needs a model the token may write to', async () => {
      const reader = await zoo.token('read');
      const unnamed = await report(writer, { name: 'no model' });
      assert.equal(unnamed.status, 422);
      assert.equal(((await unnamed.json()) as { errors: { path: string }[] }).errors[0].path, '/model');
      assert.equal((await report(reader, { name: 'flood', model: 'team/run' })).status, 403);
      assert.equal((await report(await zoo.token('write:other'), { model: 'team/run' })).status, 403);
    });

    it('counts against the submission quota', async () => {
      assert.equal((await report(writer, { model: 'team/run', name: 'first' })).status, 201);
      assert.equal((await report(writer, { model: 'team/run', name: 'second' })).status, 201);
      const third = await report(writer, { model: 'team/run', name: 'third' });
      assert.equal(third.status, 429);
      assert.equal(third.headers.get('x-error-code'), 'QuotaExceeded');
      assert.ok(third.headers.get('retry-after'));
    });

    it('ranks verified rows and baselines by default, and self-reported rows only apart', async () => {
      const { rows } = await leaderboard();
      assert.ok(rows.length > 0);
      assert.deepEqual([...new Set(rows.map((r) => r.status))].sort(), ['baseline']);
      const apart = await leaderboard('?status=self-reported');
      assert.deepEqual(
        apart.rows.map((r) => [r.name, r.status]),
        [
          ['first', 'self-reported'],
          ['second', 'self-reported'],
        ],
      );
    });
  });
}
