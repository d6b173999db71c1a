import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@mim4d/nn';
import { runDemo } from '../../src/demo/run-demo.ts';

describe('mim4d demo', function () {
  this.timeout(180_000);
  let work: string;
  before(async () => {
    await initBackend();
    work = mkdtempSync(join(tmpdir(), 'mim4d-demo-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('pulls the shipped backbone from a local zoo, fine-tunes from it and from scratch, and compares both with the baselines', async () => {
    const out = join(work, 'demo');
    const lines: string[] = [];
    const result = await runDemo({
      out,
      steps: 2,
      codeCommit: 'abc1234',
      synth: { scenes: 4, samples: 2, sweeps: 0, lidarSweeps: 0, width: 96, height: 54 },
      log: (line) => lines.push(line),
    });
    // Every backbone tensor of the shipped export transfers; only its render_conv is left behind.
    assert.match(lines.join('\n'), /backbone: (\d+) tensors transferred, \d+ fresh, 5 discarded/);
    assert.match(lines.join('\n'), /demo\/mim4d-micro-synth@[0-9a-f]{12} at http:\/\/127\.0\.0\.1:\d+/);
    for (const arm of ['mim4d', 'scratch']) {
      assert.ok(existsSync(join(out, 'runs', arm, 'export', 'detector.onnx')), `${arm} export`);
      const summary = JSON.parse(readFileSync(join(out, 'eval', arm, 'metrics_summary.json'), 'utf8'));
      assert.equal(typeof summary.nd_score, 'number');
      assert.ok(existsSync(join(out, 'eval', arm, 'results_nusc.json')));
    }
    assert.match(result.comparison, /mAP +\d\.\d{4} +\d\.\d{4} +[+-]\d\.\d{4}/);
    assert.match(result.baselines, /UVTR-S \+ MIM4D, voxel 0\.1.*mAP 0\.323 \(hustvl\/MIM4D README\)/);
    const finetune = JSON.parse(readFileSync(join(out, 'runs', 'mim4d', 'finetune.json'), 'utf8'));
    assert.equal(finetune.backbone.kind, 'zoo');
    assert.match(finetune.backbone.sha256, /^[0-9a-f]{64}$/);
  });

  it('refuses a folder that is not empty, before doing anything', async () => {
    const out = join(work, 'used');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    await assert.rejects(
      runDemo({ out, steps: 2, codeCommit: 'abc1234', log: () => {} }),
      /used is not empty: the demo writes a fresh folder/,
    );
    assert.equal(readFileSync(join(out, 'keep.txt'), 'utf8'), 'mine');
  });
});
