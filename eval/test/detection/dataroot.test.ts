import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyDataroot } from '@mim4d/dataset/testing';
import { runCli } from './run-cli.ts';
import { SPEC, SPLIT, submission, VERSION } from './tiny-detection-dataset.ts';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/tiny_dataroot_devkit.json', import.meta.url), 'utf8'),
) as {
  metrics_summary: Record<string, unknown>;
  metrics_details: Record<string, unknown>;
};

function closeTo(actual: unknown, expected: unknown, path = '$'): void {
  if (expected === null) {
    assert.equal(actual, null, path);
  } else if (typeof expected === 'number') {
    assert.ok(Math.abs((actual as number) - expected) <= 1e-9, `${path}: ${actual} vs ${expected}`);
  } else if (typeof expected === 'object') {
    for (const [k, v] of Object.entries(expected as object)) {
      closeTo((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    }
  } else {
    assert.equal(actual, expected, path);
  }
}

describe('mim4d-eval detection --dataroot (GT from the dataset, devkit filters)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'det-dataroot-'));
  const dataroot = join(dir, 'data');
  const results = join(dir, 'results.json');

  before(async () => {
    await writeTinyDataroot(dataroot, SPEC);
    // Python writes NaN velocities as bare NaN; the file both tools read has them.
    writeFileSync(results, JSON.stringify(submission()).replaceAll('null', 'NaN'));
  });

  it('matches the devkit on range, zero-point and bike-rack filtering', async () => {
    const out = join(dir, 'out');
    const run = await runCli([
      'detection',
      '--dataroot',
      dataroot,
      '--version',
      VERSION,
      '--split',
      SPLIT,
      '--results',
      results,
      '--output-dir',
      out,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /Filtered results: 15 boxes, 14 within class range, 13 with points, 12 outside bike racks/,
    );
    assert.match(
      run.stderr,
      /Filtered ground truth: 13 boxes, 12 within class range, 10 with points, 9 outside bike racks/,
    );
    const summary = JSON.parse(readFileSync(join(out, 'metrics_summary.json'), 'utf8'));
    closeTo(summary, fixture.metrics_summary);
    const details = JSON.parse(readFileSync(join(out, 'metrics_details.json'), 'utf8'));
    closeTo(details, fixture.metrics_details);
  });

  it('exits 2 for a split of another version and for a missing dataroot', async () => {
    const wrongSplit = await runCli([
      'detection',
      '--dataroot',
      dataroot,
      '--version',
      VERSION,
      '--split',
      'val',
      '--results',
      results,
      '--output-dir',
      dir,
    ]);
    assert.equal(wrongSplit.code, 2);
    assert.match(
      wrongSplit.stderr,
      /--split val needs a trainval version of nuScenes, not --version v1\.0-mini/,
    );
    const missing = await runCli([
      'detection',
      '--dataroot',
      join(dir, 'nowhere'),
      '--version',
      VERSION,
      '--split',
      SPLIT,
      '--results',
      results,
      '--output-dir',
      dir,
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nowhere/);
  });

  it('exits 2 when the results lack a sample of the split', async () => {
    const partial = join(dir, 'partial.json');
    const sub = submission();
    const [first] = Object.keys(sub.results);
    delete sub.results[first];
    writeFileSync(partial, JSON.stringify(sub));
    const run = await runCli([
      'detection',
      '--dataroot',
      dataroot,
      '--version',
      VERSION,
      '--split',
      SPLIT,
      '--results',
      partial,
      '--output-dir',
      dir,
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`results\\["${first}"\\]: sample of the evaluation set is missing`));
  });
});
