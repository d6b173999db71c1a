import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyDataroot } from '@mim4d/dataset/testing';
import { runCli } from '../detection/run-cli.ts';
import { SPEC, SPLIT, submission, VERSION } from '../detection/tiny-detection-dataset.ts';

const root = mkdtempSync(join(tmpdir(), 'compare-'));

function writeMetrics(folder: string, file: string, metrics: object): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), JSON.stringify(metrics));
  return dir;
}

/** Cells of the table row that starts with `metric`. */
function row(table: string, metric: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`${metric} `));
  assert.ok(line, `no row ${metric} in\n${table}`);
  return line.slice(metric.length).trim().split(/\s+/);
}

describe('mim4d-eval compare', function () {
  this.timeout(30_000);
  let full: string;
  let half: string;

  before(async () => {
    const dataroot = join(root, 'data');
    await writeTinyDataroot(dataroot, SPEC);
    const halved = submission();
    for (const token of Object.keys(halved.results)) {
      halved.results[token] = halved.results[token].slice(0, 1);
    }
    const runs: [string, object][] = [
      ['full', submission()],
      ['half', halved],
    ];
    for (const [name, results] of runs) {
      const file = join(root, `${name}.json`);
      writeFileSync(file, JSON.stringify(results));
      const run = await runCli([
        'detection',
        '--results',
        file,
        '--dataroot',
        dataroot,
        '--version',
        VERSION,
        '--split',
        SPLIT,
        '--output-dir',
        join(root, name),
      ]);
      assert.equal(run.code, 0, run.stderr);
    }
    full = join(root, 'full');
    half = join(root, 'half');
  });

  it('puts detection runs side by side: mAP, NDS, TP errors and per-class AP, with deltas to the first', async () => {
    const run = await runCli(['compare', full, half]);
    assert.equal(run.code, 0, run.stderr);
    const a = JSON.parse(readFileSync(join(full, 'metrics_summary.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(half, 'metrics_summary.json'), 'utf8'));
    assert.match(run.stdout, /^detection: deltas against full\nmetric\s+full\s+half\s+Δ half\n/);
    const f = (x: number) => x.toFixed(4);
    const delta = (x: number) => (x >= 0 ? `+${f(x)}` : f(x));
    assert.deepEqual(row(run.stdout, 'mAP'), [f(a.mean_ap), f(b.mean_ap), delta(b.mean_ap - a.mean_ap)]);
    assert.deepEqual(row(run.stdout, 'NDS'), [f(a.nd_score), f(b.nd_score), delta(b.nd_score - a.nd_score)]);
    assert.deepEqual(row(run.stdout, 'mATE'), [
      f(a.tp_errors.trans_err),
      f(b.tp_errors.trans_err),
      delta(b.tp_errors.trans_err - a.tp_errors.trans_err),
    ]);
    assert.deepEqual(row(run.stdout, 'AP car'), [
      f(a.mean_dist_aps.car),
      f(b.mean_dist_aps.car),
      delta(b.mean_dist_aps.car - a.mean_dist_aps.car),
    ]);
    assert.ok(b.mean_ap < a.mean_ap, 'dropping boxes must cost AP');
    const metrics = run.stdout
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((l) => l.split(/\s{2,}/)[0]);
    assert.deepEqual(metrics.slice(0, 7), ['mAP', 'NDS', 'mATE', 'mASE', 'mAOE', 'mAVE', 'mAAE']);
    assert.equal(metrics.length, 17);
  });

  it('prints the comparison as JSON with --json', async () => {
    const run = await runCli(['compare', full, half, full, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout);
    assert.equal(json.task, 'detection');
    // Two folders share the name "full": columns fall back to the paths as given.
    assert.deepEqual(json.columns, [full, half, full]);
    const mAP = json.rows.find((r: { metric: string }) => r.metric === 'mAP');
    assert.equal(mAP.deltas[0], 0);
    assert.equal(mAP.deltas[2], 0);
    assert.ok(Math.abs(mAP.values[1] - mAP.values[0] - mAP.deltas[1]) < 1e-12);
  });

  it('compares hdmap and bev-seg folders by their metrics.json keys, NaN and missing metrics without delta', async () => {
    const mapA = writeMetrics('map-a', 'metrics.json', {
      'NuscMap_chamfer/divider_AP': 0.5,
      'NuscMap_chamfer/mAP': 0.4,
    });
    const mapB = writeMetrics('map-b', 'metrics.json', {
      'NuscMap_chamfer/divider_AP': 0.25,
      'NuscMap_chamfer/boundary_AP': 0.3,
      'NuscMap_chamfer/mAP': null,
    });
    const map = await runCli(['compare', mapA, mapB]);
    assert.equal(map.code, 0, map.stderr);
    assert.match(map.stdout, /^hdmap: deltas against map-a/);
    assert.deepEqual(row(map.stdout, 'NuscMap_chamfer/divider_AP'), ['0.5000', '0.2500', '-0.2500']);
    assert.deepEqual(row(map.stdout, 'NuscMap_chamfer/mAP'), ['0.4000', 'nan']);
    assert.deepEqual(row(map.stdout, 'NuscMap_chamfer/boundary_AP'), ['-', '0.3000']);

    const segA = writeMetrics('seg-a', 'metrics.json', { 'map/drivable_area/iou@0.50': 0.7 });
    const segB = writeMetrics('seg-b', 'metrics.json', { 'map/drivable_area/iou@0.50': 0.75 });
    const seg = await runCli(['compare', segA, segB]);
    assert.equal(seg.code, 0, seg.stderr);
    assert.match(seg.stdout, /^bev-seg: /);
    assert.deepEqual(row(seg.stdout, 'map/drivable_area/iou@0.50'), ['0.7000', '0.7500', '+0.0500']);
  });

  it('refuses to mix tasks, naming the folder that differs', async () => {
    const seg = writeMetrics('seg-mixed', 'metrics.json', { 'map/mean/iou@max': 0.5 });
    const run = await runCli(['compare', full, seg]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      new RegExp(
        `error: ${seg}: a bev-seg evaluation cannot be compared with ${full}, a detection evaluation`,
      ),
    );
  });

  it('refuses folders that hold no evaluation, files of other tools, and a single folder', async () => {
    const empty = writeMetrics('empty', 'notes.json', {});
    let run = await runCli(['compare', full, empty]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      new RegExp(`${empty}: neither metrics_summary.json \\(detection\\) nor metrics.json`),
    );
    const other = writeMetrics('other', 'metrics.json', { accuracy: 0.9 });
    run = await runCli(['compare', full, other]);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /metrics\.json: keys are neither NuscMap_chamfer\/\.\.\. \(hdmap\) nor map\/\.\.\. \(bev-seg\): accuracy/,
    );
    const text = writeMetrics('text', 'metrics.json', { 'map/mean/iou@max': 'high' });
    run = await runCli(['compare', text, text]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /metrics\.json: map\/mean\/iou@max is "high", not a number/);
    run = await runCli(['compare', full]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /compare needs at least two folders/);
  });
});
