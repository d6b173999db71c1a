import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backboneRevision } from '../helpers/backbone-files.ts';
import { runZooCli } from '../helpers/cli-runner.ts';
import { startZoo, type ZooFixture } from '../helpers/zoo-fixture.ts';

const DETECTION = 'nuscenes-detection@v1';

describe('mim4d-zoo benchmarks, leaderboard, tag, tokens and revoke-token', () => {
  let zoo: ZooFixture;
  let home: string;
  let revision: string;
  const as = (token: string, ...args: string[]) =>
    runZooCli(
      {
        MIM4D_ZOO_ENDPOINT: zoo.url,
        MIM4D_ZOO_TOKEN: token,
        MIM4D_ZOO_CONFIG: join(home, 'zoo.json'),
        MIM4D_ZOO_CACHE: join(home, 'cache'),
      },
      ...args,
    );
  let writer: string;

  before(async () => {
    zoo = await startZoo({ boards: {} });
    home = await mkdtemp(join(tmpdir(), 'mim4d-zoo-cli-'));
    writer = await zoo.token('write:team');
    const { files, card } = backboneRevision();
    revision = await zoo.publish('team/run', files, { token: writer, card });
  });
  after(async () => {
    await zoo.close();
    await rm(home, { recursive: true, force: true });
  });

  it('lists the benchmarks with their task and primary metric', async () => {
    const run = await as('', 'benchmarks');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^nuscenes-detection@v1\tdetection\tNDS\tself-reported rows only\t/m);
  });

  it('prints a leaderboard ranked, primary metric first, and names a wrong --status', async () => {
    const report = await zoo.request(`/api/v1/benchmarks/${DETECTION}/self-reported`, {
      method: 'POST',
      token: writer,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'mine',
        model: 'team/run',
        source: 'run log',
        metrics: { mAP: 0.3, NDS: 0.4 },
      }),
    });
    assert.equal(report.status, 201);
    const run = await as('', 'leaderboard', DETECTION, '--status', 'self-reported');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '1\tmine\tteam/run\tself-reported\tNDS=0.4\tmAP=0.3\n');
    const wrong = await as('', 'leaderboard', DETECTION, '--status', 'best');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /--status "best" must be one of verified, self-reported, baseline/);
  });

  it('points a tag at a revision, and wants the revision named', async () => {
    const run = await as(writer, 'tag', `team/run@${revision}`, 'stable');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `team/run@stable -> ${revision}\n`);
    const unnamed = await as(writer, 'tag', 'team/run', 'stable');
    assert.equal(unnamed.code, 1);
    assert.match(unnamed.stderr, /name the revision to tag as namespace\/name@<40-hex revision id>/);
  });

  it('lists the tokens this token sees and revokes it', async () => {
    const own = await zoo.token('read');
    const listed = await as(own, 'tokens');
    assert.equal(listed.code, 0, listed.stderr);
    const [id, name, scopes, , state] = listed.stdout.trim().split('\t');
    assert.deepEqual([name, scopes, state], ['test', 'read', 'active']);
    const revoked = await as(own, 'revoke-token', id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, new RegExp(`^${id}\\ttest\\tread\\t.*\\trevoked \\d{4}-`));
    const after = await as(own, 'tokens');
    assert.equal(after.code, 1);
    assert.match(after.stderr, /list tokens: 401 Unauthorized/);
  });
});
