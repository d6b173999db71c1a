import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthDataset } from '@mim4d/dataset';
import { openFinetuneSplits, resolveBackbone } from '@mim4d/finetune';
import {
  type BevSegmenter,
  BevSegSamples,
  bevGrid,
  exportBevSeg,
  finetuneBevSeg,
  groundTruthMasks,
  loadBevSegConfig,
  predictProbabilities,
} from '@mim4d/head-bev-seg';
import { initBackend } from '@mim4d/nn';
import { evaluateSegmentationFiles, NpyFile } from 'nuscenes-eval-ts';
import { type CliRun, runCli } from '../detection/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'bevseg-model-'));
const dataroot = join(root, 'data');
let outputs = 0;
const outDir = () => join(root, `out-${outputs++}`);

function evaluate(model: string, out: string, ...extra: string[]): Promise<CliRun> {
  return runCli([
    'bev-seg',
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

/** A refused run exits 2 with one error line naming the problem and leaves nothing in the output folder. */
function assertRefused(run: CliRun, out: string, message: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  const errors = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
  assert.equal(errors.length, 1, run.stderr);
  assert.match(errors[0], message);
  assert.deepEqual(existsSync(out) ? readdirSync(out) : [], []);
}

const readNpy = (file: string) => {
  const npy = NpyFile.open(file);
  try {
    return { shape: npy.header.shape, data: npy.readAll() };
  } finally {
    npy.close();
  }
};

describe('mim4d-eval bev-seg --model (a BEV segmenter run over a dataroot)', function () {
  this.timeout(180_000);
  const config = loadBevSegConfig('micro');
  const exportDir = join(root, 'run', 'export');
  let model: BevSegmenter;
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
    const run = await finetuneBevSeg({
      config,
      splits,
      backbone: await resolveBackbone('none'),
      steps: 3,
      outDir: join(root, 'run'),
    });
    model = run.model;
    exportBevSeg(join(root, 'run'), 'abc1234');
  });
  after(() => {
    model.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes the probabilities the TF.js model gives and BEVFusion’s masks as .npy sets, and scores them', async () => {
    const out = outDir();
    const run = await evaluate(exportDir, out);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /2 samples[\s\S]*drivable_area[\s\S]*mean/);
    assert.match(run.stderr, /samples segmented in [\d.]+ s: [\d.]+ samples\/s/);
    const tokens = JSON.parse(readFileSync(join(out, 'probs', 'tokens.json'), 'utf8'));
    assert.deepEqual(tokens, splits.val);
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'masks', 'tokens.json'), 'utf8')), splits.val);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    assert.deepEqual(metrics, evaluateSegmentationFiles(join(out, 'probs'), join(out, 'masks')).metrics);

    // The harness feeds the graph what training fed the model: the same images, camera and lidar matrices.
    const val = new BevSegSamples(splits.nusc, splits.val, config);
    for (let k = 0; k < val.count; k++) {
      const sample = await val.get(k);
      const probs = readNpy(join(out, 'probs', `${sample.token}.npy`));
      assert.deepEqual(probs.shape, [6, 9, 9]);
      const want = predictProbabilities(model, sample);
      const diff = Math.max(...Array.from(want, (v, i) => Math.abs(v - (probs.data[i] as number))));
      assert.ok(diff < 1e-4, `sample ${sample.token}: probabilities differ by ${diff}`);
      const masks = readNpy(join(out, 'masks', `${sample.token}.npy`));
      assert.deepEqual(
        Array.from(masks.data as Uint8Array),
        Array.from(groundTruthMasks(sample.map, sample.pose, bevGrid(config.head)).data),
      );
    }
  });

  it('draws the IoU chart and a picture of the chosen samples with --plots, taking the graph file as MODEL', async () => {
    const out = outDir();
    const run = await evaluate(
      join(exportDir, 'bev-seg.onnx'),
      out,
      '--plots',
      '--plot-samples',
      '1',
      '--json',
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(typeof JSON.parse(run.stdout)['map/mean/iou@max'], 'number');
    const png = (file: string) => [...readFileSync(file).subarray(1, 4)];
    assert.deepEqual(png(join(out, 'iou_thresholds.png')), [...Buffer.from('PNG')]);
    assert.deepEqual(readdirSync(join(out, 'samples')), [`${splits.val[0]}.png`]);
    assert.deepEqual(png(join(out, 'samples', `${splits.val[0]}.png`)), [...Buffer.from('PNG')]);
  });

  describe('refuses, naming the problem, and writes nothing', () => {
    const withCard = (edit: (card: Record<string, unknown>) => void) => {
      const dir = join(root, `card-${outputs++}`);
      const card = JSON.parse(readFileSync(join(exportDir, 'card.json'), 'utf8'));
      edit(card);
      cpSync(exportDir, dir, { recursive: true });
      writeFileSync(join(dir, 'card.json'), JSON.stringify(card));
      return dir;
    };

    it('a model of another task', async () => {
      const out = outDir();
      const dir = withCard((c) => {
        c.task = 'detection';
      });
      assertRefused(await evaluate(dir, out), out, /card\.json: task: is "detection", not "bev-seg"/);
    });

    it('labels in another order', async () => {
      const out = outDir();
      const dir = withCard((c) => {
        c.labels = ['divider', 'ped_crossing', 'walkway', 'stop_line', 'carpark_area', 'drivable_area'];
      });
      assertRefused(
        await evaluate(dir, out),
        out,
        /labels: \[divider, .*\] are not BEVFusion's map classes in order/,
      );
    });

    it('a grid not centred on the lidar, or outputs in the ego frame', async () => {
      const out = outDir();
      const off = withCard((c) => {
        (c.preprocessing as Record<string, unknown>).bevRangeM = [-9, -9, 10, 9];
      });
      assertRefused(
        await evaluate(off, out),
        out,
        /preprocessing\.bevRangeM: \[-9, -9, 10, 9\] is not a range centred/,
      );
      const ego = withCard((c) => {
        (c.preprocessing as Record<string, unknown>).outputFrame = 'ego';
      });
      assertRefused(
        await evaluate(ego, out),
        out,
        /preprocessing\.outputFrame: is "ego"; the harness scores maps/,
      );
    });

    it('flags of the other mode', async () => {
      const out = outDir();
      assertRefused(
        await evaluate(exportDir, out, '--gt', join(root, 'x')),
        out,
        /--model scores against --dataroot/,
      );
      assertRefused(
        await evaluate(exportDir, out, '--plot-samples', '2'),
        out,
        /--plot-samples goes with --plots/,
      );
      assertRefused(
        await runCli(['bev-seg', '--results', join(root, 'x'), '--output-dir', out]),
        out,
        /give --results R and --gt G, or --model MODEL/,
      );
      assertRefused(
        await runCli(['bev-seg', '--results', 'r', '--gt', 'g', '--batch', '2', '--output-dir', out]),
        out,
        /--batch goes with --model, not --results\/--gt/,
      );
    });
  });
});
