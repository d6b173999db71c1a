import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SPEC, toyMapJson, writeTinyDataroot } from '@mim4d/dataset/testing';
import { loadDatasetMapGroundTruth } from '../../src/hdmap/dataset-ground-truth.ts';
import { runCli } from '../detection/run-cli.ts';

describe('mim4d-eval hdmap --dataroot (GT vectors built from the map expansion)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hdmap-dataroot-'));
  const dataroot = join(dir, 'data');
  const split = { dataroot, version: 'v1.0-mini', split: 'mini_train' };

  before(async () => {
    await writeTinyDataroot(dataroot, { ...DEFAULT_SPEC, version: split.version });
    // The toy map lies around (600, 1600); move it under the tiny dataroot's ego path near (100, 200).
    const toy = toyMapJson();
    const map = { ...toy, node: toy.node.map((n) => ({ ...n, x: n.x - 500, y: n.y - 1400 })) };
    mkdirSync(join(dataroot, 'maps', 'expansion'), { recursive: true });
    writeFileSync(join(dataroot, 'maps', 'expansion', 'singapore-onenorth.json'), JSON.stringify(map));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('scores the same as the GT file holding the same vectors', async () => {
    const gt = await loadDatasetMapGroundTruth(split);
    assert.equal(gt.size, 4, 'the 4 samples of scene-0061');
    const vectors = [...gt.values()].flat();
    assert.ok(vectors.length > 0, 'the moved toy map is in view');
    const pts = (xy: Float64Array) =>
      Array.from({ length: xy.length / 2 }, (_, i) => [xy[2 * i], xy[2 * i + 1]]);
    const gtJson = [...gt].map(([token, vs]) => ({
      sample_token: token,
      vectors: vs.map((v) => ({ pts: pts(v.pts), type: v.classId })),
    }));
    // Predictions: every GT vector shifted by 0.3 m, so some match at 0.5 m and all at 1.0 m.
    const results = gtJson.map((s, i) => ({
      sample_token: s.sample_token,
      vectors: s.vectors.map((v, k) => ({
        pts: v.pts.map(([x, y]) => [x + 0.3, y]),
        type: v.type,
        confidence_level: 1 - (i * 100 + k) / 1000,
      })),
    }));
    writeFileSync(join(dir, 'gt.json'), JSON.stringify({ GTs: gtJson }));
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ meta: {}, results }));

    const fromFile = await runCli([
      'hdmap',
      '--results',
      join(dir, 'results.json'),
      '--gt',
      join(dir, 'gt.json'),
      '--output-dir',
      join(dir, 'a'),
      '--json',
    ]);
    const fromDataroot = await runCli([
      'hdmap',
      '--results',
      join(dir, 'results.json'),
      '--dataroot',
      dataroot,
      '--version',
      split.version,
      '--split',
      split.split,
      '--output-dir',
      join(dir, 'b'),
      '--json',
    ]);
    assert.equal(fromDataroot.code, 0, fromDataroot.stderr);
    assert.deepEqual(JSON.parse(fromDataroot.stdout), JSON.parse(fromFile.stdout));
    assert.ok(JSON.parse(fromFile.stdout)['NuscMap_chamfer/mAP'] > 0);
    assert.deepEqual(
      JSON.parse(readFileSync(join(dir, 'b', 'metrics.json'), 'utf8')),
      JSON.parse(fromFile.stdout),
    );
  });

  it('exits 2 naming an unknown split', async () => {
    const run = await runCli([
      'hdmap',
      '--results',
      join(dir, 'results.json'),
      '--dataroot',
      dataroot,
      '--version',
      split.version,
      '--split',
      'nope',
      '--output-dir',
      join(dir, 'c'),
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /nope/);
  });
});
