import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openFinetuneSplits, resolveBackbone } from '@mim4d/finetune';
import { smallFinetuneDataroot } from '@mim4d/finetune/testing';
import { initBackend, readSafetensors } from '@mim4d/nn';
import { validateCard } from '@mim4d/zoo';
import * as ort from 'onnxruntime-node';
import { loadDetectionConfig } from '../src/config.ts';
import { exportDetector } from '../src/export/export-detector.ts';
import { type FinetuneDetectionOptions, finetuneDetection } from '../src/train/finetune-detection.ts';

describe('detection fine-tuning (micro config)', function () {
  this.timeout(120_000);
  let dir: string;
  let options: Omit<FinetuneDetectionOptions, 'outDir' | 'steps' | 'backbone'>;
  const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

  before(async () => {
    await initBackend();
    dir = mkdtempSync(path.join(tmpdir(), 'mim4d-finetune-'));
    const dataroot = await smallFinetuneDataroot(dir);
    options = {
      config: loadDetectionConfig('micro'),
      splits: await openFinetuneSplits({
        dataroot,
        version: 'v1.0-mini',
        trainSplit: 'mini_train',
        valSplit: 'mini_val',
      }),
      // A stand-in scorer reporting what it was given: the harness's own scorer is tested in eval/.
      score: async (submission, outputDir) => ({
        mAP: Object.keys(submission.results).length / 100,
        NDS: Object.values(submission.results).reduce((n, b) => n + b.length, 0) / 1e4,
        evaluatedIn: path.basename(outputDir) === 'step-000000' ? 0 : 1,
      }),
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the run files, evaluates every validation sample at the start and the end, and a resumed run matches the uninterrupted one', async () => {
    const backbone = await resolveBackbone('none');
    const whole = path.join(dir, 'whole');
    const r = await finetuneDetection({ ...options, backbone, steps: 4, outDir: whole });
    r.model.dispose();
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
    assert.equal(r.records.length, 4);
    assert.ok(r.records.every((x) => typeof x.cls === 'number' && typeof x.bbox === 'number'));
    assert.deepEqual(
      r.evals.map((e) => [e.step, e.samples, e.mAP, e.evaluatedIn]),
      [
        [0, 3, 0.03, 0],
        [4, 3, 0.03, 1],
      ],
    );

    const split = path.join(dir, 'split');
    (
      await finetuneDetection({ ...options, backbone, steps: 4, outDir: split, stopAfter: 2 })
    ).model.dispose();
    (
      await finetuneDetection({ ...options, backbone, steps: 4, outDir: split, resume: true })
    ).model.dispose();
    const losses = (d: string) => lines(path.join(d, 'loss.jsonl')).map((l) => JSON.parse(l).total);
    assert.deepEqual(losses(split), losses(whole));
  });

  it('refuses to start a new run over a folder that holds one', async () => {
    const out = path.join(dir, 'twice');
    const backbone = await resolveBackbone('none');
    (await finetuneDetection({ ...options, backbone, steps: 1, outDir: out })).model.dispose();
    await assert.rejects(
      finetuneDetection({ ...options, backbone, steps: 1, outDir: out }),
      /already holds a run \(checkpoint\/\)/,
    );
  });

  it('exports a detector whose card validates and declares exactly the graph, with the weights and the metrics', async () => {
    const run = path.join(dir, 'whole');
    const out = exportDetector(run, 'abc1234');
    assert.deepEqual(readdirSync(out.dir).sort(), ['card.json', 'detector.onnx', 'detector.safetensors']);
    const card = JSON.parse(readFileSync(out.card, 'utf8'));
    const validation = validateCard(card);
    assert.ok(validation.ok, JSON.stringify(validation));
    assert.equal(card.task, 'detection');
    assert.equal(card.labels[0], 'car');
    assert.equal(card.preprocessing.images.cameras.length, 6);
    assert.equal(card.preprocessing.images.cameras[0], 'CAM_FRONT');
    assert.equal(card.results[0].dataset.split, 'mini_val');
    assert.equal(card.results[0].metrics.mAP, 0.03);
    const session = await ort.InferenceSession.create(readFileSync(out.onnx));
    const spec = (m: ort.InferenceSession.ValueMetadata) =>
      m.isTensor ? { name: m.name, dtype: m.type, shape: [...m.shape] } : { name: m.name };
    assert.deepEqual(card.artifacts[0].io.inputs, session.inputMetadata.map(spec));
    assert.deepEqual(card.artifacts[0].io.outputs, session.outputMetadata.map(spec));
    const weights = readSafetensors(readFileSync(out.weights), out.weights);
    assert.equal(JSON.parse(weights.metadata.config).name, 'micro');
    assert.ok(weights.tensors.has('pts_bbox_head.query_embedding.weight'));
    assert.ok(weights.tensors.has('view_trans.conv_layer.0.bn.running_var'));
  });
});
