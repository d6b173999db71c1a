import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthDataset } from '@mim4d/dataset';
import { registerFinetuneCommand } from '../../src/commands/finetune.ts';
import { rejectsWith, runMim4d } from '../helpers/run-mim4d.ts';

const mim4d = (...args: string[]) => runMim4d(registerFinetuneCommand, ...args);

describe('mim4d finetune', function () {
  this.timeout(120_000);
  let work: string;
  let data: string;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'mim4d-cli-finetune-'));
    data = join(work, 'data');
    await generateSynthDataset(
      { out: data, scenes: 4, samples: 2, sweeps: 0, lidarSweeps: 0, width: 96, height: 54, seed: 9 },
      { workers: 1 },
    );
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const run = (out: string, ...extra: string[]) =>
    mim4d(
      'finetune',
      'detection',
      '--data',
      data,
      '--config',
      'micro',
      '--steps',
      '2',
      '--out',
      out,
      ...extra,
    );

  it('requires --backbone, naming it', () =>
    rejectsWith(run(join(work, 'a')), /required option '--backbone <ref>'/));

  it('names a backbone reference that is neither a path nor a zoo model, and writes nothing', async () => {
    const out = join(work, 'no-backbone');
    await rejectsWith(run(out, '--backbone', 'runs/does-not-exist'), /runs\/does-not-exist/);
    assert.equal(existsSync(out), false);
  });

  it('names a validation split of another nuScenes version, and writes nothing', async () => {
    const out = join(work, 'no-split');
    await rejectsWith(
      run(out, '--backbone', 'none', '--val-split', 'val'),
      /--val-split val needs a trainval version of nuScenes/,
    );
    assert.equal(existsSync(out), false);
  });

  it('fine-tunes from scratch, prints the validation metrics, and exports the detector', async () => {
    const out = join(work, 'run');
    const { stdout } = await run(out, '--backbone', 'none');
    assert.match(stdout, /steps: {2}2\/2/);
    assert.match(stdout, /validation mAP: \d\.\d{4} \(step 0\) -> \d\.\d{4} \(step 2\)/);
    assert.match(stdout, /AP by class: car \d\.\d{4}/);
    const summary = JSON.parse(
      readFileSync(join(out, 'eval', 'step-000002', 'metrics_summary.json'), 'utf8'),
    );
    assert.equal(typeof summary.mean_ap, 'number');
    const exported = await mim4d('finetune', 'export', out, '--code-commit', 'abc1234');
    assert.match(exported.stdout, /detector\.onnx[\s\S]*detector\.safetensors[\s\S]*card\.json/);
  });

  it("fine-tunes the BEV segmenter, prints the validation IoU, and exports it by the run's task", async () => {
    const out = join(work, 'bev-seg');
    const { stdout } = await mim4d(
      'finetune',
      'bev-seg',
      '--data',
      data,
      '--config',
      'micro',
      '--steps',
      '2',
      '--out',
      out,
      '--backbone',
      'none',
    );
    assert.match(stdout, /steps: {2}2\/2/);
    assert.match(
      stdout,
      /validation mean IoU \(best threshold\): \d\.\d{4} \(step 0\) -> \d\.\d{4} \(step 2\)/,
    );
    assert.match(stdout, /IoU at 0\.5 by class: drivable_area \d\.\d{4}, ped_crossing/);
    const metrics = JSON.parse(readFileSync(join(out, 'eval', 'step-000002', 'metrics.json'), 'utf8'));
    assert.equal(typeof metrics['map/drivable_area/iou@max'], 'number');
    const exported = await mim4d('finetune', 'export', out, '--code-commit', 'abc1234');
    assert.match(exported.stdout, /bev-seg\.onnx[\s\S]*bev-seg\.safetensors[\s\S]*card\.json/);
    assert.equal(JSON.parse(readFileSync(join(out, 'export', 'card.json'), 'utf8')).task, 'bev-seg');
  });

  it("fine-tunes the HD-map head, prints the validation Chamfer AP, and exports it by the run's task", async () => {
    const out = join(work, 'hdmap');
    const { stdout } = await mim4d(
      'finetune',
      'hdmap',
      '--data',
      data,
      '--config',
      'micro',
      '--steps',
      '2',
      '--out',
      out,
      '--backbone',
      'none',
    );
    assert.match(stdout, /steps: {2}2\/2/);
    assert.match(
      stdout,
      /validation mAP \(Chamfer, mean of 0\.5\/1\.0\/1\.5 m\): \d\.\d{4} \(step 0\) -> \d\.\d{4} \(step 2\)/,
    );
    assert.match(stdout, /AP at 0\.5 \/ 1\.0 \/ 1\.5 m: divider@0\.5 \d\.\d{4}, divider@1\.0/);
    const metrics = JSON.parse(readFileSync(join(out, 'eval', 'step-000002', 'metrics.json'), 'utf8'));
    assert.equal(typeof metrics['NuscMap_chamfer/boundary_AP_thr_1.5'], 'number');
    const exported = await mim4d('finetune', 'export', out, '--code-commit', 'abc1234');
    assert.match(exported.stdout, /hdmap\.onnx[\s\S]*hdmap\.safetensors[\s\S]*card\.json/);
    const card = JSON.parse(readFileSync(join(out, 'export', 'card.json'), 'utf8'));
    assert.deepEqual([card.task, card.labels], ['hdmap', ['divider', 'ped_crossing', 'boundary']]);
  });

  it('names a folder that is not a fine-tuning run when exporting', () =>
    rejectsWith(mim4d('finetune', 'export', join(work, 'nothing-here')), /nothing-here/));
});
