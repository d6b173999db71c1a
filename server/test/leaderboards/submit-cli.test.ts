import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from 'nuscenes-eval-ts';
import { Leaderboards } from '../../src/leaderboards/leaderboards.ts';
import { runZooCli } from '../helpers/cli-runner.ts';
import { mapCase, segmentationCase, writeStackedMasks } from '../helpers/scoring-cases.ts';
import { startZoo, type ZooFixture } from '../helpers/zoo-fixture.ts';

describe('mim4d-zoo submit', function () {
  this.timeout(120_000);
  let zoo: ZooFixture;
  let boards: Leaderboards;
  let work: string;
  let env: Record<string, string>;
  const map = mapCase();
  const seg = segmentationCase();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'mim4d-submit-cli-'));
    const dataDir = await mkdtemp(join(tmpdir(), 'mim4d-submit-cli-data-'));
    boards = await Leaderboards.open(dataDir, { quota: null });
    const hdmap = await boards.store.getBenchmark('nuscenes-hdmap@v1');
    const bevSeg = await boards.store.getBenchmark('nuscenes-bev-seg@v1');
    assert.ok(hdmap && bevSeg);
    await writeFile(join(work, 'map-gt.json'), JSON.stringify(map.gt));
    await boards.groundTruth.install(hdmap, join(work, 'map-gt.json'));
    await boards.groundTruth.install(bevSeg, await writeStackedMasks(join(work, 'gt'), seg));
    zoo = await startZoo({ dataDir, leaderboards: boards });
    env = {
      MIM4D_ZOO_ENDPOINT: zoo.url,
      MIM4D_ZOO_TOKEN: await zoo.token('read'),
      MIM4D_ZOO_CONFIG: join(work, 'zoo.json'),
      MIM4D_ZOO_CACHE: join(work, 'cache'),
    };
  });

  after(async () => {
    await boards.close();
    await zoo.close();
    await rm(work, { recursive: true, force: true });
  });

  it('packs a folder of .npy probabilities, waits for the score and prints it', async () => {
    const folder = join(work, 'probs');
    await mkdir(folder);
    await writeFile(join(folder, 'tokens.json'), JSON.stringify(seg.tokens));
    seg.tokens.forEach((t, i) => {
      writeNpy(join(folder, `${t}.npy`), '<f4', seg.shape, seg.probabilities[i]);
    });
    const run = await runZooCli(env, 'submit', 'nuscenes-bev-seg@v1', folder, '--name', 'from the cli');
    assert.equal(run.code, 0, run.stderr);
    const [id, ...metrics] = run.stdout.trim().split('\n');
    assert.match(id, /^sub_[0-9a-f]{16}$/);
    assert.deepEqual(metrics, [`mIoU\t${seg.expected['map/mean/iou@max']}`]);
    assert.match(run.stderr, new RegExp(`${id}: verified`));
  });

  it('prints where a refused file is wrong and exits 1', async () => {
    const results = structuredClone(map.results);
    results.results[0].sample_token = 'not-in-the-gt';
    await writeFile(join(work, 'bad.json'), JSON.stringify(results));
    const run = await runZooCli(env, 'submit', 'nuscenes-hdmap@v1', join(work, 'bad.json'));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /\/results\/0\/sample_token: "not-in-the-gt" is not a sample of the GT/);
    assert.match(run.stderr, /sub_[0-9a-f]{16} failed/);
  });

  it('returns the id at once with --no-wait', async () => {
    await writeFile(join(work, 'good.json'), JSON.stringify(map.results));
    const run = await runZooCli(env, 'submit', 'nuscenes-hdmap@v1', join(work, 'good.json'), '--no-wait');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^sub_[0-9a-f]{16}\n$/);
    await boards.idle();
  });
});
