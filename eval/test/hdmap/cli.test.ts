import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../detection/run-cli.ts';

interface CaseJson {
  gen_results: { sample_token: string; vectors: unknown[] }[];
  annotations: { sample_token: string; vectors: unknown[] }[];
  expected: Record<string, number>;
}

const unseen = JSON.parse(
  readFileSync(
    new URL('../../../packages/nuscenes-eval-ts/test/hdmap/maptr_chamfer_unseen.json', import.meta.url),
    'utf8',
  ),
) as { cases: CaseJson[] };
const fixture = unseen.cases.find((c) => c.gen_results.length >= 3) as CaseJson;

describe('mim4d-eval hdmap', () => {
  let dir: string;
  let results: string;
  let gt: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-hdmap-'));
    results = join(dir, 'results.json');
    gt = join(dir, 'gt.json');
    writeFileSync(results, JSON.stringify({ meta: { use_camera: true }, results: fixture.gen_results }));
    writeFileSync(gt, JSON.stringify({ GTs: fixture.annotations }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the reference metrics to <output-dir>/metrics.json and prints a table (exit 0)', async () => {
    const out = join(dir, 'out');
    const run = await runCli(['hdmap', '--results', results, '--gt', gt, '--output-dir', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')), fixture.expected);
    assert.match(run.stdout, /ped_crossing/);
    assert.match(run.stdout, new RegExp(`mAP\\s+${fixture.expected['NuscMap_chamfer/mAP'].toFixed(4)}`));
  });

  it('prints only the metrics as JSON with --json, and writes a PR chart per class with --plots', async () => {
    const out = join(dir, 'out-json');
    const run = await runCli([
      'hdmap',
      '--results',
      results,
      '--gt',
      gt,
      '--output-dir',
      out,
      '--json',
      '--plots',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), fixture.expected);
    for (const cls of ['divider', 'ped_crossing', 'boundary']) {
      const png = readFileSync(join(out, `pr_${cls}.png`));
      assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
    }
  });

  it('exits 2 with a one-line message naming the file and path for bad input', async () => {
    const out = join(dir, 'bad');
    const stray = join(dir, 'stray.json');
    writeFileSync(stray, JSON.stringify({ results: [{ sample_token: 'stray', vectors: [] }] }));
    const cases: [string[], RegExp][] = [
      [
        ['--results', stray, '--gt', gt],
        /stray.json: \/results\/0\/sample_token: "stray" is not a sample of the GT/,
      ],
      [['--results', join(dir, 'missing.json'), '--gt', gt], /missing.json: cannot be read: ENOENT/],
      [['--results', results], /the GT is needed: give --gt/],
      [['--results', results, '--gt', gt, '--dataroot', dir], /either --gt or --dataroot, not both/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['hdmap', ...args, '--output-dir', out]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1);
    }
    assert.equal(existsSync(join(out, 'metrics.json')), false, 'nothing written on bad input');
  });
});
