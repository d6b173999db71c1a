import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Leaderboards } from '../../src/leaderboards/leaderboards.ts';
import { runZooCli } from '../helpers/cli-runner.ts';
import { mapCase } from '../helpers/scoring-cases.ts';

const HDMAP = 'nuscenes-hdmap@v1';

describe('ground truth left in the layout of an earlier mim4d-zoo (benchmarks/<id>/gt.json)', () => {
  let dataDir: string;
  let boards: Leaderboards;
  let oldFile: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mim4d-gt layout-'));
    boards = await Leaderboards.open(dataDir);
    oldFile = join(dataDir, 'benchmarks', HDMAP, 'gt.json');
    await mkdir(join(dataDir, 'benchmarks', HDMAP), { recursive: true });
    await writeFile(oldFile, JSON.stringify(mapCase().gt));
  });
  afterEach(async () => {
    await boards.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is named with the command that installs it again, quoted for the shell', async () => {
    const notices = await boards.previousLayoutNotices();
    assert.equal(notices.length, 1);
    const [notice] = notices;
    assert.ok(notice.startsWith(`${oldFile} is ground truth in the layout of an earlier mim4d-zoo`), notice);
    const command = `mim4d-zoo benchmark gt ${HDMAP} '${oldFile}' --data '${dataDir}'`;
    assert.ok(notice.endsWith(`until you run: ${command}`), notice);

    const hdmap = await boards.store.getBenchmark(HDMAP);
    assert.ok(hdmap);
    assert.equal(await boards.currentGroundTruth(hdmap), null);
    await boards.groundTruth.install(hdmap, oldFile);
    assert.deepEqual(
      await boards.previousLayoutNotices(),
      [],
      'once installed again, nothing is left to say',
    );
  });

  it('is reported by mim4d-zoo benchmark list, next to the benchmark without GT', async () => {
    const listed = await runZooCli({}, 'benchmark', 'list', '--data', dataDir);
    assert.equal(listed.code, 0);
    assert.match(listed.stdout, new RegExp(`${HDMAP}\\t.*\\tno GT`));
    assert.deepEqual(listed.stderr.trim().split('\n'), await boards.previousLayoutNotices());
  });
});
