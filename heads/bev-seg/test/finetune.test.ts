import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FinetuneSplits, openFinetuneSplits, resolveBackbone } from '@mim4d/finetune';
import { smallFinetuneDataroot } from '@mim4d/finetune/testing';
import { initBackend, readSafetensors } from '@mim4d/nn';
import { validateCard } from '@mim4d/zoo';
import * as ort from 'onnxruntime-node';
import { loadBevSegConfig } from '../src/config.ts';
import { BevSegSamples } from '../src/data/bev-seg-samples.ts';
import { bevGrid, groundTruthMasks } from '../src/data/ground-truth.ts';
import { exportBevSeg } from '../src/export/export-bev-seg.ts';
import { predictProbabilities } from '../src/predict.ts';
import { finetuneBevSeg } from '../src/train/finetune-bev-seg.ts';

describe('BEV-seg fine-tuning (micro config)', function () {
  this.timeout(180_000);
  const config = loadBevSegConfig('micro');
  let dir: string;
  let splits: FinetuneSplits;
  const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

  before(async () => {
    await initBackend();
    dir = mkdtempSync(path.join(tmpdir(), 'mim4d-bevseg-finetune-'));
    splits = await openFinetuneSplits({
      dataroot: await smallFinetuneDataroot(dir),
      version: 'v1.0-mini',
      trainSplit: 'mini_train',
      valSplit: 'mini_val',
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the run files with a focal loss per class, validates at the start and the end, and resumes exactly', async () => {
    const backbone = await resolveBackbone('none');
    const whole = path.join(dir, 'whole');
    const r = await finetuneBevSeg({ config, splits, backbone, steps: 4, outDir: whole });
    for (const f of [
      'config.json',
      'finetune.json',
      'loss.jsonl',
      'eval.jsonl',
      'loss-curve.png',
      'checkpoint',
    ]) {
      assert.ok(existsSync(path.join(whole, f)), f);
    }
    assert.equal(JSON.parse(readFileSync(path.join(whole, 'finetune.json'), 'utf8')).task, 'bev-seg');
    assert.equal(r.records.length, 4);
    for (const record of r.records) {
      assert.ok(typeof record.drivable_area === 'number' && typeof record.divider === 'number');
      const sum = ['drivable_area', 'ped_crossing', 'walkway', 'stop_line', 'carpark_area', 'divider'].reduce(
        (n, k) => n + (record[k] as number),
        0,
      );
      assert.ok(Math.abs(sum - record.total!) < 1e-5, `${sum} vs ${record.total}`);
    }
    assert.deepEqual(
      r.evals.map((e) => [e.step, e.samples]),
      [
        [0, 3],
        [4, 3],
      ],
    );
    const last = r.evals[1];
    const summary = JSON.parse(readFileSync(path.join(whole, 'eval', 'step-000004', 'metrics.json'), 'utf8'));
    assert.equal(summary['map/mean/iou@max'], last['map/mean/iou@max']);

    // The logged IoU at 0.5 is the drivable area's over the validation samples at the end, counted here by hand.
    const val = new BevSegSamples(splits.nusc, splits.val, config);
    let [tp, fp, fn] = [0, 0, 0];
    for (let k = 0; k < val.count; k++) {
      const sample = await val.get(k);
      const probs = predictProbabilities(r.model, sample);
      const masks = groundTruthMasks(sample.map, sample.pose, bevGrid(config.head));
      for (let cell = 0; cell < 81; cell++) {
        const [p, m] = [probs[cell] >= 0.5, masks.data[cell] === 1];
        [tp, fp, fn] = [tp + (p && m ? 1 : 0), fp + (p && !m ? 1 : 0), fn + (!p && m ? 1 : 0)];
      }
    }
    assert.ok(tp + fn > 0);
    assert.ok(Math.abs((last['map/drivable_area/iou@0.50'] as number) - tp / (tp + fp + fn)) < 1e-6);
    assert.equal(typeof last['map/mean/iou@0.50'], 'number');
    r.model.dispose();

    const split = path.join(dir, 'split');
    (
      await finetuneBevSeg({ config, splits, backbone, steps: 4, outDir: split, stopAfter: 2 })
    ).model.dispose();
    (
      await finetuneBevSeg({ config, splits, backbone, steps: 4, outDir: split, resume: true })
    ).model.dispose();
    const losses = (d: string) => lines(path.join(d, 'loss.jsonl')).map((l) => JSON.parse(l).total);
    assert.deepEqual(losses(split), losses(whole));
    const evals = (d: string) =>
      lines(path.join(d, 'eval.jsonl')).map((l) => JSON.parse(l)['map/mean/iou@max']);
    assert.deepEqual(evals(split), evals(whole));
  });

  it('refuses to start a new run over a folder that holds one', async () => {
    const out = path.join(dir, 'twice');
    const backbone = await resolveBackbone('none');
    const run = () => finetuneBevSeg({ config, splits, backbone, steps: 1, outDir: out, validate: false });
    (await run()).model.dispose();
    await assert.rejects(run(), /already holds a run \(checkpoint\/\)/);
  });

  it('exports a graph whose card validates and declares exactly its I/O, with the weights and the IoU', async () => {
    const run = path.join(dir, 'whole');
    const out = exportBevSeg(run, 'abc1234');
    assert.deepEqual(readdirSync(out.dir).sort(), ['bev-seg.onnx', 'bev-seg.safetensors', 'card.json']);
    const card = JSON.parse(readFileSync(out.card, 'utf8'));
    const validation = validateCard(card);
    assert.ok(validation.ok, JSON.stringify(validation));
    assert.equal(card.task, 'bev-seg');
    assert.deepEqual(card.labels, [
      'drivable_area',
      'ped_crossing',
      'walkway',
      'stop_line',
      'carpark_area',
      'divider',
    ]);
    assert.equal(card.preprocessing.outputFrame, 'lidar');
    assert.deepEqual(card.preprocessing.bevRangeM, [-9, -9, 9, 9]);
    assert.equal(card.preprocessing.images.cameras.length, 6);
    const evals = readFileSync(path.join(run, 'eval.jsonl'), 'utf8').trim().split('\n');
    const last = JSON.parse(evals[evals.length - 1]);
    assert.equal(card.results[0].benchmark, 'nuscenes-bev-seg@v1');
    assert.equal(card.results[0].metrics.mIoU, last['map/mean/iou@max']);
    assert.equal(card.results[0].perClass.walkway['iou@0.50'], last['map/walkway/iou@0.50']);
    const session = await ort.InferenceSession.create(readFileSync(out.onnx));
    const spec = (m: ort.InferenceSession.ValueMetadata) =>
      m.isTensor ? { name: m.name, dtype: m.type, shape: [...m.shape] } : { name: m.name };
    assert.deepEqual(card.artifacts[0].io.inputs, session.inputMetadata.map(spec));
    assert.deepEqual(card.artifacts[0].io.outputs, session.outputMetadata.map(spec));
    const weights = readSafetensors(readFileSync(out.weights), out.weights);
    assert.equal(JSON.parse(weights.metadata.config).name, 'micro');
    assert.ok(weights.tensors.has('heads.map.classifier.6.weight'));
    assert.ok(weights.tensors.has('decoder.neck.fuse.1.running_var'));
  });

  it('refuses to export a run of another task, naming its finetune.json', () => {
    const other = path.join(dir, 'other-task');
    cpSync(path.join(dir, 'whole'), other, { recursive: true });
    const record = path.join(other, 'finetune.json');
    writeFileSync(record, JSON.stringify({ ...JSON.parse(readFileSync(record, 'utf8')), task: 'detection' }));
    assert.throws(
      () => exportBevSeg(other, 'abc1234'),
      (e: Error) => e.message === `${record}: task is "detection", not "bev-seg"`,
    );
    assert.equal(existsSync(path.join(other, 'export')), true, 'the earlier export is left as it was');
  });
});
