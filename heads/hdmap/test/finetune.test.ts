import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lidarFrame, MapExpansion, mapTrGtVectors, mapTrLidarToGlobal } from '@mim4d/dataset';
import { type FinetuneSplits, openFinetuneSplits, resolveBackbone } from '@mim4d/finetune';
import { smallFinetuneDataroot } from '@mim4d/finetune/testing';
import { initBackend, readSafetensors } from '@mim4d/nn';
import { validateCard } from '@mim4d/zoo';
import { evaluateChamfer, lidarPolyline } from 'nuscenes-eval-ts';
import * as ort from 'onnxruntime-node';
import { loadHdMapConfig } from '../src/config.ts';
import { HdMapSamples } from '../src/data/hdmap-samples.ts';
import { exportHdMap } from '../src/export/export-hdmap.ts';
import { predictOutputs, topVectors } from '../src/predict.ts';
import { finetuneHdMap } from '../src/train/finetune-hdmap.ts';

describe('HD-map fine-tuning (micro config)', function () {
  this.timeout(180_000);
  const config = loadHdMapConfig('micro');
  let dir: string;
  let splits: FinetuneSplits;
  const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

  before(async () => {
    await initBackend();
    dir = mkdtempSync(path.join(tmpdir(), 'mim4d-hdmap-finetune-'));
    const dataroot = await smallFinetuneDataroot(dir);
    splits = await openFinetuneSplits({
      dataroot,
      version: 'v1.0-mini',
      trainSplit: 'mini_train',
      valSplit: 'mini_val',
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the run files with the cls, pts and dir terms, and logs the Chamfer AP of its validation', async () => {
    const backbone = await resolveBackbone('none');
    const run = path.join(dir, 'run');
    const r = await finetuneHdMap({ config, splits, backbone, steps: 3, outDir: run });
    for (const f of ['config.json', 'finetune.json', 'loss.jsonl', 'eval.jsonl', 'checkpoint']) {
      assert.ok(existsSync(path.join(run, f)), f);
    }
    assert.equal(JSON.parse(readFileSync(path.join(run, 'finetune.json'), 'utf8')).task, 'hdmap');
    for (const record of r.records) {
      const sum = (record.cls as number) + (record.pts as number) + (record.dir as number);
      assert.ok(Math.abs(sum - record.total!) < 1e-4 * Math.abs(sum), `${sum} vs ${record.total}`);
    }
    assert.deepEqual(
      r.evals.map((e) => [e.step, e.samples]),
      [
        [0, 3],
        [3, 3],
      ],
    );
    // The logged AP is MapTR's Chamfer AP of the top-k vectors against the GT in the head's 16 x 16 m patch, built
    // here from the dataset directly.
    const val = new HdMapSamples(splits.nusc, splits.val, config);
    const maps = new Map<string, MapExpansion>();
    const samples = [];
    for (let k = 0; k < val.count; k++) {
      const sample = await val.get(k);
      const scene = splits.nusc.get('scene', splits.nusc.get('sample', sample.token).scene_token);
      const location = splits.nusc.get('log', scene.log_token).location;
      if (!maps.has(location)) maps.set(location, await MapExpansion.load(splits.nusc.dataroot, location));
      const lidar = lidarFrame(splits.nusc, sample.token);
      const gt = mapTrGtVectors(
        maps.get(location)!,
        mapTrLidarToGlobal(lidar.sensorToEgo, lidar.egoToGlobal),
        {
          height: 16,
          width: 16,
        },
      );
      assert.ok(gt.length > 0, 'the validation samples have GT');
      samples.push({
        sampleToken: sample.token,
        predictions: topVectors(predictOutputs(r.model, sample), 20, 20).map((v) => ({
          ...v,
          pts: lidarPolyline(v.pts),
        })),
        groundTruth: gt.map((v) => ({
          classId: v.type,
          pts: lidarPolyline(Float64Array.from(v.pts.flat())),
        })),
      });
    }
    const expected = evaluateChamfer(samples).metrics;
    const last = JSON.parse(lines(path.join(run, 'eval.jsonl')).at(-1)!);
    for (const key of ['NuscMap_chamfer/mAP', 'NuscMap_chamfer/divider_AP_thr_1.5']) {
      assert.equal(last[key], expected[key], key);
    }
    const summary = JSON.parse(readFileSync(path.join(run, 'eval', 'step-000003', 'metrics.json'), 'utf8'));
    assert.equal(summary['NuscMap_chamfer/mAP'], last['NuscMap_chamfer/mAP']);
    r.model.dispose();
  });

  it('resumes exactly: two steps, then two more from the checkpoint, log what four in one go log', async () => {
    const backbone = await resolveBackbone('none');
    const whole = path.join(dir, 'whole');
    const split = path.join(dir, 'split');
    const run = (outDir: string, more: object) =>
      finetuneHdMap({
        config,
        splits,
        backbone,
        steps: 4,
        outDir,
        validate: false,
        checkpointEvery: 2,
        ...more,
      });
    (await run(whole, {})).model.dispose();
    (await run(split, { stopAfter: 2 })).model.dispose();
    (await run(split, { resume: true })).model.dispose();
    const losses = (d: string) => lines(path.join(d, 'loss.jsonl')).map((l) => JSON.parse(l).total);
    assert.equal(losses(whole).length, 4);
    assert.deepEqual(losses(split), losses(whole));
  });

  it('exports a graph whose card validates and declares exactly its I/O, with the weights and the AP', async () => {
    const run = path.join(dir, 'run');
    const out = exportHdMap(run, 'abc1234');
    assert.deepEqual(readdirSync(out.dir).sort(), ['card.json', 'hdmap.onnx', 'hdmap.safetensors']);
    const card = JSON.parse(readFileSync(out.card, 'utf8'));
    const validation = validateCard(card);
    assert.ok(validation.ok, JSON.stringify(validation));
    assert.deepEqual(
      [card.task, card.labels, card.preprocessing.outputFrame, card.preprocessing.bevRangeM],
      ['hdmap', ['divider', 'ped_crossing', 'boundary'], 'lidar', [-8, -8, 8, 8]],
    );
    const last = JSON.parse(lines(path.join(run, 'eval.jsonl')).at(-1)!);
    assert.equal(card.results[0].benchmark, 'nuscenes-hdmap@v1');
    assert.equal(card.results[0].metrics.mAP, last['NuscMap_chamfer/mAP']);
    assert.equal(card.results[0].perClass.boundary['AP@1.5m'], last['NuscMap_chamfer/boundary_AP_thr_1.5']);
    const session = await ort.InferenceSession.create(readFileSync(out.onnx));
    const spec = (m: ort.InferenceSession.ValueMetadata) =>
      m.isTensor ? { name: m.name, dtype: m.type, shape: [...m.shape] } : { name: m.name };
    assert.deepEqual(card.artifacts[0].io.inputs, session.inputMetadata.map(spec));
    assert.deepEqual(card.artifacts[0].io.outputs, session.outputMetadata.map(spec));
    const weights = readSafetensors(readFileSync(out.weights), out.weights);
    assert.equal(JSON.parse(weights.metadata.config).name, 'micro');
    assert.ok(weights.tensors.has('pts_bbox_head.instance_embedding.weight'));
    assert.ok(weights.tensors.has('pts_bbox_head.transformer.encoder.downsample.1.running_var'));
  });
});
