import assert from 'node:assert/strict';
import { ZooClient, type ZooError } from '@mim4d/zoo';
import { assertWireShape } from '@mim4d/zoo/testing';
import { backboneRevision } from '../helpers/backbone-files.ts';
import { startZoo, type ZooFixture } from '../helpers/zoo-fixture.ts';

const DETECTION = 'nuscenes-detection@v1';

/** The client's typed calls against a started server, each answer checked against the wire contract's schema. */
describe('the zoo client: benchmarks, leaderboards, tags and tokens', () => {
  let zoo: ZooFixture;
  let writer: ZooClient;
  let revisions: string[];
  const client = (token?: string) =>
    new ZooClient({ endpoint: zoo.url, ...(token ? { token } : {}), offline: false });

  before(async () => {
    zoo = await startZoo({ boards: {} });
    writer = client(await zoo.token('write:team'));
    const { files, card } = backboneRevision();
    const first = await writer.publish('team/run', files, card);
    const second = await writer.publish(
      'team/run',
      { ...files, 'notes.txt': new TextEncoder().encode('v2') },
      card,
    );
    revisions = [first.revision, second.revision];
  });
  after(() => zoo.close());

  it('lists benchmarks and reads one, in the shape the contract gives', async () => {
    const benchmarks = await client().listBenchmarks();
    assert.ok(benchmarks.some((b) => b.id === DETECTION));
    assertWireShape('BenchmarkList', { benchmarks });
    const detection = await client().benchmark(DETECTION);
    assertWireShape('Benchmark', detection);
    assert.equal(detection.primaryMetric, 'NDS');
  });

  it('reports results and finds the row on the self-reported leaderboard only', async () => {
    const row = await writer.reportResults(DETECTION, {
      model: 'team/run',
      source: 'run log',
      metrics: { NDS: 0.41, mAP: 0.33 },
    });
    assertWireShape('LeaderboardRow', row);
    const apart = await client().leaderboard(DETECTION, 'self-reported');
    assertWireShape('Leaderboard', apart);
    assert.deepEqual(
      apart.rows.map((r) => [r.id, r.model, r.metrics.NDS]),
      [[row.id, 'team/run', 0.41]],
    );
    const ranked = await client().leaderboard(DETECTION);
    assertWireShape('Leaderboard', ranked);
    assert.ok(!ranked.rows.some((r) => r.id === row.id));
  });

  it('reads refused results as "path: message" lines', async () => {
    const refused = await writer
      .reportResults(DETECTION, { model: 'team/run', source: 'run log', metrics: { NDS: 47 } })
      .then(
        () => assert.fail('a percentage was taken as a fraction'),
        (error: unknown) => error as ZooError,
      );
    assert.equal(refused.code, 'InvalidSubmission');
    assert.match(refused.message, /\n {2}\/metrics\/NDS: is a fraction in \[0, 1\] \(0\.47, not 47\)/);
  });

  it("reads a failed submission's errors with their message", async () => {
    const boards = zoo.leaderboards;
    assert.ok(boards);
    const id = 'sub_wire';
    await boards.store.createSubmission(
      { id, benchmark: DETECTION, name: 'broken', submittedBy: 'tok_x' },
      null,
    );
    await boards.store.markFailed(id, [{ path: 'results["t"][0].size', rule: 'must be positive' }]);
    const failed = await client(await zoo.token('admin')).submission(id);
    assertWireShape('Submission', failed);
    assert.deepEqual(failed.errors, [
      { path: 'results["t"][0].size', message: 'must be positive', rule: 'must be positive' },
    ]);
  });

  it('points a tag at a revision', async () => {
    const tag = await writer.setTag('team/run', 'stable', revisions[0]);
    assertWireShape('Tag', tag);
    assert.deepEqual(tag, { tag: 'stable', revision: revisions[0] });
    const info = await client().modelInfo('team/run');
    assertWireShape('ModelInfo', info);
    assert.equal(info.refs.stable, revisions[0]);
    assert.equal(info.card?.name, backboneRevision().card.name);
  });

  it('lists the tokens it may see and revokes itself', async () => {
    const own = client(await zoo.token('read'));
    const tokens = await own.listTokens();
    assertWireShape('TokenList', { tokens });
    assert.equal(tokens.length, 1);
    const revoked = await own.revokeToken(tokens[0].id);
    assertWireShape('Token', revoked);
    assert.match(revoked.revokedAt ?? '', /^\d{4}-/);
    await assert.rejects(own.listTokens(), (error: ZooError) => error.status === 401);
  });
});
