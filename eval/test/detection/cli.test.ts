import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';

const fixture = JSON.parse(
  readFileSync(
    new URL('../../../packages/nuscenes-eval-ts/test/fixtures/nuscenes_detection.json', import.meta.url),
    'utf8',
  ),
) as { cases: { gt: object; pred: Record<string, unknown[]>; expected: Record<string, unknown> }[] };

const dir = mkdtempSync(join(tmpdir(), 'det-cli-'));
const gtPath = join(dir, 'gt.json');
const resultsPath = join(dir, 'results.json');
const testCase = fixture.cases[0];
writeFileSync(gtPath, JSON.stringify(testCase.gt));
writeFileSync(resultsPath, JSON.stringify({ meta: { use_lidar: true }, results: testCase.pred }));

function closeTo(actual: unknown, expected: unknown, path = '$'): void {
  if (expected === null) {
    assert.equal(actual, null, path);
    return;
  }
  if (typeof expected === 'number') {
    assert.ok(Math.abs((actual as number) - expected) <= 1e-9, `${path}: ${actual} vs ${expected}`);
    return;
  }
  if (typeof expected === 'object') {
    for (const [k, v] of Object.entries(expected as object))
      closeTo((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    return;
  }
  assert.equal(actual, expected, path);
}

describe('mim4d-eval detection', () => {
  it('evaluates --gt and --results, writes the devkit files and prints the summary table', async () => {
    const out = join(dir, 'out');
    const run = await runCli(['detection', '--gt', gtPath, '--results', resultsPath, '--output-dir', out]);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(readFileSync(join(out, 'metrics_summary.json'), 'utf8'));
    assert.deepEqual(Object.keys(summary), [
      'label_aps',
      'mean_dist_aps',
      'mean_ap',
      'label_tp_errors',
      'tp_errors',
      'tp_scores',
      'nd_score',
      'eval_time',
      'cfg',
      'meta',
    ]);
    closeTo(summary, testCase.expected);
    assert.deepEqual(summary.meta, { use_lidar: true });
    assert.equal(summary.label_tp_errors.traffic_cone.attr_err, null, 'NaN is written as null');
    const details = JSON.parse(readFileSync(join(out, 'metrics_details.json'), 'utf8'));
    assert.equal(Object.keys(details).length, 40);
    assert.deepEqual(Object.keys(details).slice(0, 4), ['car:0.5', 'car:1.0', 'car:2.0', 'car:4.0']);
    assert.equal(details['car:2.0'].precision.length, 101);
    assert.match(run.stdout, new RegExp(`^mAP: ${(testCase.expected.mean_ap as number).toFixed(4)}\n`));
    assert.match(run.stdout, /NDS: \d\.\d{4}\n/);
    assert.match(run.stdout, /\ncar {17}\t\d\.\d{3} \t/);
  });

  it('prints only JSON with --json', async () => {
    const run = await runCli([
      'detection',
      '--gt',
      gtPath,
      '--results',
      resultsPath,
      '--output-dir',
      join(dir, 'json'),
      '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout);
    closeTo(printed.nd_score, testCase.expected.nd_score);
    assert.equal(run.stderr, '');
  });

  it('writes PR and TP curves as PNG images with --plots', async () => {
    const out = join(dir, 'plots');
    const run = await runCli([
      'detection',
      '--gt',
      gtPath,
      '--results',
      resultsPath,
      '--output-dir',
      out,
      '--plots',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const files = readdirSync(join(out, 'plots')).sort();
    assert.equal(files.length, 24);
    assert.ok(
      files.includes('car_pr.png') && files.includes('barrier_tp.png') && files.includes('dist_pr_2.0.png'),
    );
    const png = readFileSync(join(out, 'plots', 'car_pr.png'));
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  });

  it('exits 2 naming the file and JSON path for a bad box', async () => {
    const bad = join(dir, 'bad.json');
    const results = structuredClone(testCase.pred);
    (results.tok1[2] as Record<string, unknown>).detection_name = 'tram';
    writeFileSync(bad, JSON.stringify({ meta: {}, results }));
    const run = await runCli([
      'detection',
      '--gt',
      gtPath,
      '--results',
      bad,
      '--output-dir',
      join(dir, 'bad'),
    ]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      new RegExp(`\nerror: ${bad}: results\\["tok1"\\]\\[2\\]\\.detection_name: "tram" is not allowed`),
    );
  });

  it('exits 2 when a sample of the ground truth is missing from the results', async () => {
    const partial = join(dir, 'partial.json');
    const { tok3: _dropped, ...rest } = testCase.pred;
    writeFileSync(partial, JSON.stringify({ meta: {}, results: rest }));
    const run = await runCli([
      'detection',
      '--gt',
      gtPath,
      '--results',
      partial,
      '--output-dir',
      join(dir, 'p'),
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /results\["tok3"\]: sample of the evaluation set is missing from the results/);
  });

  it('exits 2 for a missing file, conflicting or missing GT options and unknown options', async () => {
    const missing = await runCli([
      'detection',
      '--gt',
      join(dir, 'none.json'),
      '--results',
      resultsPath,
      '--output-dir',
      dir,
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /none\.json: file not found/);
    const both = await runCli([
      'detection',
      '--gt',
      gtPath,
      '--dataroot',
      dir,
      '--results',
      resultsPath,
      '--output-dir',
      dir,
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--gt cannot be combined with --dataroot/);
    const neither = await runCli(['detection', '--results', resultsPath, '--output-dir', dir]);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /give --gt G\.json, or all of --dataroot D --version V --split S/);
    const unknown = await runCli(['detection', '--bogus']);
    assert.equal(unknown.code, 2);
    const workers = await runCli([
      ...['detection', '--gt', gtPath, '--results', resultsPath],
      '--load-workers',
      '-1',
    ]);
    assert.equal(workers.code, 2);
    assert.match(workers.stderr, /--load-workers takes an integer from 0 up, not "-1"/);
  });

  it('accepts --load-workers 0 to parse the files in the main thread', async () => {
    const out = join(dir, 'in-thread');
    const args = ['--gt', gtPath, '--results', resultsPath, '--output-dir', out, '--json'];
    const run = await runCli(['detection', ...args, '--load-workers', '0']);
    assert.equal(run.code, 0, run.stderr);
    closeTo(JSON.parse(run.stdout).nd_score, testCase.expected.nd_score);
  });
});
