import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type FinetuneSplits, openFinetuneSplits, resolveBackbone } from '@mim4d/finetune';
import { smallFinetuneDataroot } from '@mim4d/finetune/testing';
import { initBackend } from '@mim4d/nn';
import { loadBevSegConfig } from '../src/config.ts';
import { finetuneBevSeg } from '../src/train/finetune-bev-seg.ts';

describe('BEV-seg fine-tuning on two worker threads (micro config)', function () {
  this.timeout(180_000);
  const micro = loadBevSegConfig('micro');
  const config = { ...micro, optim: { ...micro.optim, samplesPerStep: 2 } };
  let dir: string;
  let splits: FinetuneSplits;

  before(async () => {
    await initBackend();
    dir = mkdtempSync(path.join(tmpdir(), 'mim4d-bevseg-workers-'));
    const dataroot = await smallFinetuneDataroot(dir, 2);
    splits = await openFinetuneSplits({
      dataroot,
      version: 'v1.0-mini',
      trainSplit: 'mini_train',
      valSplit: 'mini_val',
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the losses of one thread averaging the same two samples', async () => {
    const backbone = await resolveBackbone('none');
    const run = async (name: string, workers: number) => {
      const outDir = path.join(dir, name);
      const r = await finetuneBevSeg({
        config,
        splits,
        backbone,
        steps: 3,
        outDir,
        workers,
        validate: false,
      });
      r.model.dispose();
      return r.records.map(({ seconds: _, ...rest }) => rest);
    };
    const parallel = await run('two-workers', 2);
    const single = await run('one-thread', 1);
    assert.equal(parallel.length, 3);
    parallel.forEach((r, i) => {
      for (const [term, value] of Object.entries(r)) {
        const expected = single[i][term];
        if (typeof value !== 'number') assert.equal(value, expected, `step ${i + 1} ${term}`);
        else assert.ok(Math.abs(value - Number(expected)) <= 1e-6 * Math.abs(value), `step ${i + 1} ${term}`);
      }
    });
  });
});
