import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SegmentationEvaluator, writeNpy } from 'nuscenes-eval-ts';
import { seededSample } from '../../../packages/nuscenes-eval-ts/test/bevseg/seeded-arrays.ts';
import { runCli } from '../detection/run-cli.ts';

const SHAPE = [6, 20, 20];
const TOKENS = ['t0', 't1', 't2', 't3'];

describe('mim4d-eval bev-seg', () => {
  let dir: string;
  let expected: Record<string, number>;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-bevseg-'));
    const evaluator = new SegmentationEvaluator();
    for (const sub of ['probs', 'masks']) {
      mkdirSync(join(dir, sub));
      writeFileSync(join(dir, sub, 'tokens.json'), JSON.stringify(TOKENS));
    }
    TOKENS.forEach((t, k) => {
      const s = seededSample(11, k, SHAPE, 'float32');
      evaluator.addSample({ sampleToken: t, ...s });
      writeNpy(join(dir, 'probs', `${t}.npy`), '<f4', SHAPE, s.probabilities);
      writeNpy(join(dir, 'masks', `${t}.npy`), '|b1', SHAPE, s.masks);
    });
    expected = evaluator.result().metrics;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes map/<class>/iou@<t> keys to metrics.json, prints them with --json, plots with --plots', async () => {
    const out = join(dir, 'out');
    const args = [
      'bev-seg',
      '--results',
      join(dir, 'probs'),
      '--gt',
      join(dir, 'masks'),
      '--output-dir',
      out,
    ];
    const table = await runCli(args);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /drivable_area/);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')), expected);
    const json = await runCli([...args, '--json', '--plots']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), expected);
    assert.deepEqual(
      [...readFileSync(join(out, 'iou_thresholds.png')).subarray(1, 4)],
      [...Buffer.from('PNG')],
    );
  });

  it('exits 2 naming the file when masks are given as results', async () => {
    const run = await runCli([
      'bev-seg',
      '--results',
      join(dir, 'masks'),
      '--gt',
      join(dir, 'masks'),
      '--output-dir',
      join(dir, 'bad'),
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /masks[/\\]t0.npy: results arrays must be float32 or float64, got bool/);
  });
});
