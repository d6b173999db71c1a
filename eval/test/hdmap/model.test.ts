import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthDataset } from '@mim4d/dataset';
import { openFinetuneSplits, resolveBackbone } from '@mim4d/finetune';
import {
  exportHdMap,
  finetuneHdMap,
  type HdMapModel,
  HdMapSamples,
  loadHdMapConfig,
  predictOutputs,
  topVectors,
} from '@mim4d/head-hdmap';
import { initBackend } from '@mim4d/nn';
import { evaluateChamferFiles } from 'nuscenes-eval-ts';
import { type CliRun, runCli } from '../detection/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'hdmap-model-'));
const dataroot = join(root, 'data');
let outputs = 0;
const outDir = () => join(root, `out-${outputs++}`);

function evaluate(model: string, out: string, ...extra: string[]): Promise<CliRun> {
  return runCli([
    'hdmap',
    '--model',
    model,
    '--dataroot',
    dataroot,
    '--version',
    'v1.0-mini',
    '--split',
    'mini_val',
    '--output-dir',
    out,
    '--threads',
    '1',
    ...extra,
  ]);
}

describe('mim4d-eval hdmap --model (an HD-map model run over a dataroot)', function () {
  this.timeout(180_000);
  const config = loadHdMapConfig('micro');
  const exportDir = join(root, 'run', 'export');
  let model: HdMapModel;
  let splits: Awaited<ReturnType<typeof openFinetuneSplits>>;

  before(async () => {
    await initBackend();
    await generateSynthDataset(
      { out: dataroot, scenes: 4, samples: 2, sweeps: 0, lidarSweeps: 0, width: 96, height: 54, seed: 4 },
      { workers: 1 },
    );
    splits = await openFinetuneSplits({
      dataroot,
      version: 'v1.0-mini',
      trainSplit: 'mini_train',
      valSplit: 'mini_val',
    });
    const run = await finetuneHdMap({
      config,
      splits,
      backbone: await resolveBackbone('none'),
      steps: 2,
      outDir: join(root, 'run'),
    });
    model = run.model;
    exportHdMap(join(root, 'run'), 'abc1234');
  });
  after(() => {
    model.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it("writes MapTR's results file with the TF.js model's top vectors and scores it against the GT in the card's patch", async () => {
    const out = outDir();
    const run = await evaluate(exportDir, out, '--plots', '--plot-samples', '1');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /2 samples[\s\S]*divider[\s\S]*boundary[\s\S]*mAP/);
    assert.match(run.stderr, /GT in the card's 16 x 16 m patch/);
    assert.match(run.stderr, /samples mapped in [\d.]+ s: [\d.]+ samples\/s/);
    const results = JSON.parse(readFileSync(join(out, 'results_maptr.json'), 'utf8'));
    assert.deepEqual(
      results.results.map((r: { sample_token: string }) => r.sample_token),
      splits.val,
    );
    // The graph's vectors are the TF.js model's: same classes in the same order, points within 1e-3 m.
    const val = new HdMapSamples(splits.nusc, splits.val, config);
    let gtCount = 0;
    for (let k = 0; k < val.count; k++) {
      const sample = await val.get(k);
      gtCount += sample.vectors.length;
      const want = topVectors(predictOutputs(model, sample), config.head.points, config.head.vectors);
      const got = results.results[k].vectors as { pts: number[][]; type: number; cls_name: string }[];
      assert.deepEqual(
        got.map((v) => v.type),
        want.map((v) => v.classId),
      );
      got.forEach((v, i) => {
        const diff = Math.max(...v.pts.flat().map((x, j) => Math.abs(x - want[i].pts[j])));
        assert.ok(diff < 1e-3, `sample ${sample.token} vector ${i}: points differ by ${diff} m`);
      });
    }
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    // The GT is the head's 16 x 16 m patch, the one its validation scores against.
    const gt = new Map(
      await Promise.all(
        splits.val.map(async (token, k) => {
          const sample = await val.get(k);
          const vectors = sample.vectors.map((v) => ({ pts: v.pts, type: v.type }));
          return [token, vectors] as const;
        }),
      ),
    );
    const gtFile = join(root, 'gt.json');
    writeFileSync(
      gtFile,
      JSON.stringify({ GTs: [...gt].map(([sample_token, vectors]) => ({ sample_token, vectors })) }),
    );
    const rescored = await evaluateChamferFiles(join(out, 'results_maptr.json'), gtFile);
    assert.deepEqual(metrics, rescored.metrics);
    assert.equal(
      rescored.curves.filter((c) => c.thresholdM === 0.5).reduce((n, c) => n + c.numGts, 0),
      gtCount,
    );
    const png = (file: string) => [...readFileSync(file).subarray(1, 4)];
    assert.deepEqual(png(join(out, 'pr_divider.png')), [...Buffer.from('PNG')]);
    assert.deepEqual(readdirSync(join(out, 'samples')), [`${splits.val[0]}.png`]);
  });

  it("writes the GT in the card's patch with --gt-out, which scores the results as the run did", async () => {
    const out = outDir();
    const gtOut = join(out, 'gt', 'gt.json');
    const run = await evaluate(exportDir, out, '--gt-out', gtOut);
    assert.equal(run.code, 0, run.stderr);
    const rescored = await evaluateChamferFiles(join(out, 'results_maptr.json'), gtOut);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')), rescored.metrics);
  });

  it('refuses a card of another task and --gt with --model, naming them, and writes nothing', async () => {
    const card = JSON.parse(readFileSync(join(exportDir, 'card.json'), 'utf8'));
    const other = join(root, 'other');
    rmSync(other, { recursive: true, force: true });
    cpSync(exportDir, other, { recursive: true });
    writeFileSync(join(other, 'card.json'), JSON.stringify({ ...card, task: 'bev-seg' }));
    const out = outDir();
    const refused = await evaluate(other, out);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /task: is "bev-seg", not "hdmap"/);
    const withGt = await evaluate(exportDir, outDir(), '--gt', 'gt.json');
    assert.equal(withGt.code, 2);
    assert.match(withGt.stderr, /--model scores against --dataroot\/--version\/--split, not --gt/);
    assert.equal(existsSync(out), false);
  });
});
