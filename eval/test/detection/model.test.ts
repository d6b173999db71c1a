import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleToken } from '@mim4d/dataset/testing';
import {
  detectorCard,
  detectorGraph,
  PRESENT,
  SAMPLES,
  SCALED_RANGES,
  SPLIT,
  VERSION,
  writeDetectorDataroot,
  writeExport,
} from './detector-fixture.ts';
import { type CliRun, runCli } from './run-cli.ts';

interface Summary {
  mean_ap: number;
  mean_dist_aps: Record<string, number>;
  label_tp_errors: Record<string, Record<string, number | null>>;
  cfg: { class_range: Record<string, number> };
  meta: Record<string, boolean>;
}

const root = mkdtempSync(join(tmpdir(), 'det-model-'));
const dataroot = join(root, 'data');
let outputs = 0;

function outDir(): string {
  return join(root, `out-${outputs++}`);
}

function evaluate(model: string, out: string, ...extra: string[]): Promise<CliRun> {
  return runCli([
    'detection',
    '--model',
    model,
    '--dataroot',
    dataroot,
    '--version',
    VERSION,
    '--split',
    SPLIT,
    '--output-dir',
    out,
    '--threads',
    '1',
    ...extra,
  ]);
}

function assertNear(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual}, expected ${expected}`);
}

function summaryOf(out: string): Summary {
  return JSON.parse(readFileSync(join(out, 'metrics_summary.json'), 'utf8'));
}

/** A refused run exits 2 with one error line naming the problem and leaves nothing in the output folder. */
function assertRefused(run: CliRun, out: string, message: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  const errors = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
  assert.equal(errors.length, 1, run.stderr);
  assert.match(errors[0], message);
  assert.deepEqual(existsSync(out) ? readdirSync(out) : [], []);
}

describe('mim4d-eval detection --model (a detector run over a dataroot)', function () {
  this.timeout(60_000);
  let graph: Awaited<ReturnType<typeof detectorGraph>>;
  const exportDir = join(root, 'export');

  before(async () => {
    await writeDetectorDataroot(dataroot);
    graph = await detectorGraph(dataroot);
    await writeExport(exportDir, graph.bytes, detectorCard(graph.io));
  });

  it('runs an export folder over the split in batches and scores AP 1 on every class present', async () => {
    const out = outDir();
    const run = await evaluate(exportDir, out, '--batch', '2');
    assert.equal(run.code, 0, run.stderr);
    const summary = summaryOf(out);
    for (const name of PRESENT) {
      assertNear(summary.mean_dist_aps[name], 1, `AP ${name}`);
      const tp = summary.label_tp_errors[name];
      // Centres, sizes, yaws and velocities survive decoding and ego -> global to float32 precision.
      for (const metric of ['trans_err', 'scale_err', 'orient_err', 'vel_err', 'attr_err']) {
        const err = tp[metric];
        if (err === null) continue;
        assert.ok(err < 1e-4, `${name} ${metric} = ${err}`);
      }
    }
    assertNear(summary.mean_ap, PRESENT.length / 10, 'mAP');
    assert.deepEqual(summary.meta, {
      use_camera: true,
      use_lidar: false,
      use_radar: false,
      use_map: false,
      use_external: false,
    });
    assert.deepEqual(readdirSync(out).sort(), [
      'metrics_details.json',
      'metrics_summary.json',
      'results_nusc.json',
    ]);
    assert.match(
      run.stderr,
      /Time split: image decoding [\d.]+ s, onnxruntime [\d.]+ s, post-processing [\d.]+ s, scoring [\d.]+ s/,
    );
    assert.match(run.stderr, /5 samples detected in [\d.]+ s: [\d.]+ samples\/s/);
  });

  it('writes a submission with every sample of the split, in sample order, that scores the same as --results', async () => {
    const out = outDir();
    assert.equal((await evaluate(exportDir, out, '--batch', '3')).code, 0);
    const submission = JSON.parse(readFileSync(join(out, 'results_nusc.json'), 'utf8'));
    assert.deepEqual(
      Object.keys(submission.results),
      Array.from({ length: SAMPLES }, (_, i) => sampleToken('scene-0061', i)),
    );
    const rescored = outDir();
    const run = await runCli([
      'detection',
      '--results',
      join(out, 'results_nusc.json'),
      '--dataroot',
      dataroot,
      '--version',
      VERSION,
      '--split',
      SPLIT,
      '--output-dir',
      rescored,
    ]);
    assert.equal(run.code, 0, run.stderr);
    // The results mode filters with the official 50 m car range: the 30 m car is then a miss.
    assert.ok(summaryOf(rescored).mean_dist_aps.car < 1);
    assertNear(summaryOf(out).mean_dist_aps.car, 1, 'AP car');
  });

  it('filters ground truth and detections with the card ranges, not the official ones', async () => {
    const out = outDir();
    const run = await evaluate(exportDir, out);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(summaryOf(out).cfg.class_range, SCALED_RANGES);
    assert.match(run.stderr, /Filtered ground truth: 25 boxes, 23 within class range, 23 with points/);
    const submission = JSON.parse(readFileSync(join(out, 'results_nusc.json'), 'utf8'));
    const far = Object.values(submission.results)
      .flat()
      .filter((b) => (b as { translation: number[] }).translation[0] > 125);
    assert.deepEqual(far, [], 'the car 29-30 m away is beyond every class range of the card');
  });

  it('scores about 0 when the graph gives its boxes in the LIDAR_TOP frame instead of the frame ego', async () => {
    const wrong = await detectorGraph(dataroot, { frame: 'lidar' });
    const dir = join(root, 'export-lidar');
    await writeExport(dir, wrong.bytes, detectorCard(wrong.io));
    const out = outDir();
    const run = await evaluate(dir, out);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(summaryOf(out).mean_ap < 0.05, `mAP ${summaryOf(out).mean_ap}`);
  });

  it('takes the .onnx file with card.json beside it, and writes the submission to --results-out', async () => {
    const out = outDir();
    const resultsOut = join(root, 'elsewhere', 'det.json');
    const run = await evaluate(join(exportDir, 'detector.onnx'), out, '--results-out', resultsOut, '--json');
    assert.equal(run.code, 0, run.stderr);
    assertNear(JSON.parse(run.stdout).mean_dist_aps.car, 1, 'AP car');
    assert.ok(existsSync(resultsOut));
    assert.deepEqual(readdirSync(out).sort(), ['metrics_details.json', 'metrics_summary.json']);
  });

  it('writes the ground truth it scored against with --gt-out, which scores a submission as the dataroot does', async () => {
    const resultsOut = join(root, 'gt-out', 'det.json');
    const gtOut = join(root, 'gt-out', 'gt.json');
    const run = await evaluate(exportDir, outDir(), '--results-out', resultsOut, '--gt-out', gtOut, '--json');
    assert.equal(run.code, 0, run.stderr);
    const score = async (...source: string[]) => {
      const scored = await runCli([
        'detection',
        '--results',
        resultsOut,
        ...source,
        '--output-dir',
        outDir(),
        '--json',
      ]);
      assert.equal(scored.code, 0, scored.stderr);
      const { eval_time: _time, ...summary } = JSON.parse(scored.stdout);
      return summary;
    };
    const fromFile = await score('--gt', gtOut);
    assert.ok(fromFile.mean_dist_aps.car > 0.5, `AP car ${fromFile.mean_dist_aps.car}`);
    assert.deepEqual(fromFile, await score('--dataroot', dataroot, '--version', VERSION, '--split', SPLIT));
  });

  it('leaves nothing behind when a sample cannot be decoded', async () => {
    const poisoned = await detectorGraph(dataroot, { nanSample: 3 });
    const dir = join(root, 'export-nan');
    await writeExport(dir, poisoned.bytes, detectorCard(poisoned.io));
    const out = outDir();
    assertRefused(
      await evaluate(dir, out, '--batch', '2'),
      out,
      /sample sample:scene-0061:3: the detector's outputs: boxes\[0\]\[0\] is NaN, not a finite number/,
    );
  });

  describe('refuses a card that lacks what the harness needs, naming the field', () => {
    type Card = ReturnType<typeof detectorCard>;
    const cases: [string, (card: Card) => void, RegExp][] = [
      [
        'no task',
        (c) => delete c.task,
        /card\.json: task: missing; the harness runs cards with task "detection"/,
      ],
      [
        'a backbone',
        (c) => Object.assign(c, { task: 'backbone' }),
        /task: is "backbone", not "detection": this model is not a detector/,
      ],
      [
        'no labels',
        (c) => delete c.labels,
        /card\.json: not a valid model card: \/labels required by postprocessing\.detection/,
      ],
      [
        'a label that is not a detection class',
        (c) => {
          c.labels![1] = 'tram';
          const ranges = c.postprocessing!.detection!.classRangeM;
          delete ranges.truck;
          ranges.tram = 25;
        },
        /labels\[1\]: "tram" is not a nuScenes detection class/,
      ],
      [
        'no decoding',
        (c) => delete c.postprocessing,
        /postprocessing\.detection: missing; the harness needs topK/,
      ],
      [
        'a class without a range',
        (c) => {
          c.labels = c.labels!.filter((l) => l !== 'trailer');
          delete c.postprocessing!.detection!.classRangeM.trailer;
        },
        /postprocessing\.detection\.classRangeM\.trailer: missing; the scoring filters the ground truth of every/,
      ],
      ['no image preprocessing', (c) => delete c.preprocessing.images, /preprocessing\.images: missing/],
      [
        'no camera list',
        (c) => delete c.preprocessing.images!.cameras,
        /preprocessing\.images\.cameras: missing/,
      ],
      [
        'cameras out of order',
        (c) => c.preprocessing.images!.cameras!.reverse(),
        /preprocessing\.images\.cameras: \[CAM_BACK_RIGHT, .*\] is not the first 6 nuScenes cameras in order/,
      ],
      [
        'a crop',
        (c) => Object.assign(c.preprocessing.images!, { crop: 'center' }),
        /crop: "center" is not supported/,
      ],
      [
        'several frames',
        (c) => Object.assign(c.preprocessing, { frames: { count: 3, strideS: 0.5 } }),
        /preprocessing\.frames\.count: is 3; the harness feeds the key frame only/,
      ],
      [
        'boxes in another frame',
        (c) => Object.assign(c.preprocessing, { outputFrame: 'lidar' }),
        /preprocessing\.outputFrame: is "lidar"; the harness decodes boxes given in the frame ego/,
      ],
      [
        'no detector artifact',
        (c) => Object.assign(c.artifacts[0], { role: 'backbone' }),
        /artifacts: no artifact with role "detector"/,
      ],
      [
        'outputs that are not a detector',
        (c) => {
          c.artifacts[0].io!.outputs[0].shape = ['batch', 8, 7];
        },
        /"detector\.onnx" is not a detector: output "scores" is \[batch, 8, 7\], the harness needs \[batch, queries, 10\] \(10 labels\)/,
      ],
      [
        'inputs of another size than the preprocessing',
        (c) => {
          c.preprocessing.images!.resizePx = [32, 64];
        },
        /input "images" is \[batch, 6, 16, 32, 3\], the harness needs \[batch, 6, 32, 64, 3\] \(preprocessing\.images\)/,
      ],
    ];
    for (const [what, mutate, message] of cases) {
      it(what, async () => {
        const card = detectorCard(graph.io);
        mutate(card);
        const dir = join(root, `card-${what.replaceAll(' ', '-')}`);
        await writeExport(dir, graph.bytes, card);
        const out = outDir();
        assertRefused(await evaluate(dir, out), out, message);
      });
    }

    it('a card that is not JSON, and a folder without card.json', async () => {
      const dir = join(root, 'card-not-json');
      await writeExport(dir, graph.bytes, {});
      writeFileSync(join(dir, 'card.json'), '{"cardVersion": 1,');
      let out = outDir();
      assertRefused(await evaluate(dir, out), out, /card\.json: not valid JSON/);
      out = outDir();
      assertRefused(
        await evaluate(root, out),
        out,
        /card\.json: file not found; the model's card must be card\.json/,
      );
    });
  });

  describe('refuses a graph that does not match its card', () => {
    it('when the ONNX file declares other outputs than the card', async () => {
      const other = await detectorGraph(dataroot, { boxCode: 7 });
      const dir = join(root, 'graph-mismatch');
      await writeExport(dir, other.bytes, detectorCard(graph.io));
      const out = outDir();
      assertRefused(
        await evaluate(dir, out),
        out,
        /detector\.onnx: the graph differs from its card .*card\.json: output "boxes": shape \["batch", 8, 10\] in the card, \["batch", 8, 7\] in the model/,
      );
    });

    it('when the file is not ONNX, or missing, or the card names another file', async () => {
      const dir = join(root, 'graph-garbage');
      await writeExport(dir, new TextEncoder().encode('not a model'), detectorCard(graph.io));
      let out = outDir();
      assertRefused(await evaluate(dir, out), out, /detector\.onnx: not a usable ONNX model/);
      const card = detectorCard(graph.io);
      card.artifacts[0].path = 'head.onnx';
      const renamed = join(root, 'graph-renamed');
      await writeExport(renamed, graph.bytes, card);
      out = outDir();
      assertRefused(
        await evaluate(renamed, out),
        out,
        /head\.onnx: file not found \(the detector artifact of/,
      );
      out = outDir();
      assertRefused(
        await evaluate(join(renamed, 'detector.onnx'), out),
        out,
        /its detector artifact is "head\.onnx", not detector\.onnx/,
      );
    });
  });

  describe('command line', () => {
    it('needs exactly one of --results and --model, and --model needs a dataroot split', async () => {
      const both = await runCli([
        'detection',
        '--results',
        'r.json',
        '--model',
        exportDir,
        '--output-dir',
        root,
      ]);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /give either --results R\.json or --model MODEL/);
      const noData = await runCli([
        'detection',
        '--model',
        exportDir,
        '--gt',
        'g.json',
        '--output-dir',
        root,
      ]);
      assert.equal(noData.code, 2);
      assert.match(noData.stderr, /--model scores against --dataroot/);
      const stray = await runCli([
        'detection',
        '--results',
        'r.json',
        '--gt',
        'g.json',
        '--batch',
        '2',
        '--output-dir',
        root,
      ]);
      assert.equal(stray.code, 2);
      assert.match(stray.stderr, /--batch goes with --model, not --results/);
      const zero = await evaluate(exportDir, outDir(), '--batch', '0');
      assert.equal(zero.code, 2);
      assert.match(zero.stderr, /--batch takes a positive integer, not "0"/);
    });

    it('says a MODEL that is neither a path nor a zoo reference', async () => {
      const out = outDir();
      assertRefused(
        await evaluate('no/such/model.onnx', out),
        out,
        /--model no\/such\/model\.onnx: no such file or folder, and not a zoo reference ns\/name\[@rev\]/,
      );
    });
  });
});
