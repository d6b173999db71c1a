import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeNpy } from 'nuscenes-eval-ts';
import { mapCase, segmentationCase, writeStackedMasks } from '../helpers/scoring-cases.ts';
import { createTestSchema } from '../helpers/test-postgres.ts';

const BIN = fileURLToPath(new URL('../../bin/mim4d-zoo.js', import.meta.url));
const exec = promisify(execFile);

async function zooCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const gt = (
  JSON.parse(
    readFileSync(
      new URL('../../../packages/nuscenes-eval-ts/test/fixtures/nuscenes_detection.json', import.meta.url),
      'utf8',
    ),
  ) as { cases: { gt: Record<string, Record<string, unknown>[]> }[] }
).cases[0].gt;

describe('mim4d-zoo benchmark gt / list', function () {
  // Each command is a fresh mim4d-zoo process (tsx start-up): seconds apiece on a loaded machine.
  this.timeout(90_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mim4d-benchmark-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('lists the benchmarks of a PostgreSQL database and installs ground truth for them with --database', async () => {
    const schema = await createTestSchema();
    try {
      const data = join(dir, 'pg-data');
      await writeFile(join(dir, 'pg-gt.json'), JSON.stringify(gt));
      const args = ['--data', data, '--database', schema.url];
      assert.match((await zooCli('benchmark', 'list', ...args)).stdout, /nuscenes-detection@v1\t.*\tno GT/);
      const installed = await zooCli(
        'benchmark',
        'gt',
        'nuscenes-detection@v1',
        join(dir, 'pg-gt.json'),
        ...args,
      );
      assert.equal(installed.code, 0, installed.stderr);
      assert.match(
        (await zooCli('benchmark', 'list', ...args)).stdout,
        /nuscenes-detection@v1\t.*\tGT installed/,
      );
    } finally {
      await schema.drop();
    }
  });

  it('refuses bad ground truth naming the box, installs good ground truth, and list reports it', async () => {
    const data = join(dir, 'data');
    const [token] = Object.keys(gt);
    const bad = structuredClone(gt);
    bad[token][0].translation = [0, 0];
    await writeFile(join(dir, 'bad.json'), JSON.stringify(bad));
    await writeFile(join(dir, 'gt.json'), JSON.stringify(gt));

    const refused = await zooCli(
      'benchmark',
      'gt',
      'nuscenes-detection@v1',
      join(dir, 'bad.json'),
      '--data',
      data,
    );
    assert.notEqual(refused.code, 0);
    assert.ok(refused.stderr.includes(`[${JSON.stringify(token)}][0].translation`), refused.stderr);
    assert.match(
      (await zooCli('benchmark', 'list', '--data', data)).stdout,
      /nuscenes-detection@v1\t.*\tno GT/,
    );

    const installed = await zooCli(
      'benchmark',
      'gt',
      'nuscenes-detection@v1',
      join(dir, 'gt.json'),
      '--data',
      data,
    );
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, new RegExp(`${Object.keys(gt).length} samples`));
    assert.match(
      (await zooCli('benchmark', 'list', '--data', data)).stdout,
      /nuscenes-detection@v1\t.*\tGT installed/,
    );
  });

  it('installs HD-map GT and stacked BEV masks, refusing masks that are not uint8 with the file named', async () => {
    const data = join(dir, 'data-maps');
    const map = mapCase();
    await writeFile(join(dir, 'map-gt.json'), JSON.stringify(map.gt));
    const hdmap = await zooCli(
      'benchmark',
      'gt',
      'nuscenes-hdmap@v1',
      join(dir, 'map-gt.json'),
      '--data',
      data,
    );
    assert.equal(hdmap.code, 0, hdmap.stderr);
    assert.match(hdmap.stdout, new RegExp(`${map.gt.GTs.length} samples, \\d+ vectors`));

    const seg = segmentationCase();
    const floatMasks = join(dir, 'float', 'masks.npy');
    await writeStackedMasks(join(dir, 'float'), seg);
    writeNpy(
      floatMasks,
      '<f4',
      [seg.tokens.length, ...seg.shape],
      new Float32Array(seg.tokens.length * 6 * 400),
    );
    const refused = await zooCli('benchmark', 'gt', 'nuscenes-bev-seg@v1', floatMasks, '--data', data);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /masks\.npy\[0\]: GT masks must be uint8 or bool, got float32/);

    const masks = await writeStackedMasks(join(dir, 'masks'), seg);
    const bevSeg = await zooCli('benchmark', 'gt', 'nuscenes-bev-seg@v1', masks, '--data', data);
    assert.equal(bevSeg.code, 0, bevSeg.stderr);
    assert.match(
      bevSeg.stdout,
      /: 5 samples of \[6,20,20\] masks; masks\.npy \(sha256 [0-9a-f]{64}\), masks\.tokens\.json/,
    );
    // A folder holds a file per sample: the command names three and counts the rest.
    const folder = join(dir, 'mask-folder');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'tokens.json'), JSON.stringify(seg.tokens));
    for (const [i, t] of seg.tokens.entries())
      writeNpy(join(folder, `${t}.npy`), '|u1', seg.shape, seg.masks[i]);
    const perSample = await zooCli('benchmark', 'gt', 'nuscenes-bev-seg@v1', folder, '--data', data);
    assert.equal(perSample.code, 0, perSample.stderr);
    assert.match(
      perSample.stdout,
      /: 5 samples of \[6,20,20\] masks; (\S+ \(sha256 [0-9a-f]{64}\), ){3}and 3 more files\n$/,
    );
    const listed = (await zooCli('benchmark', 'list', '--data', data)).stdout;
    assert.match(listed, /nuscenes-hdmap@v1\t.*\tGT installed/);
    assert.match(listed, /nuscenes-bev-seg@v1\t.*\tGT installed .*: 5 samples/);
    assert.match(listed, /nuscenes-detection@v1\t.*\tno GT/);
  });

  it('names the known benchmarks when given an unknown one', async () => {
    const res = await zooCli(
      'benchmark',
      'gt',
      'kitti@v1',
      join(dir, 'gt.json'),
      '--data',
      join(dir, 'data'),
    );
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /kitti@v1 does not exist; known: .*nuscenes-detection@v1/);
  });
});
