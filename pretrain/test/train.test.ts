import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '@mim4d/nn';
import { loadConfig } from '../src/config/index.ts';
import { loadCheckpoint } from '../src/train/checkpoint.ts';
import type { LossRecord } from '../src/train/loss-log.ts';
import { learningRate } from '../src/train/schedule.ts';
import { pretrain, RUN_FILES } from '../src/train/trainer.ts';
import { toyScene } from './helpers/toy-scene.ts';

const losses = (records: LossRecord[]) => records.map(({ seconds: _, ...rest }) => rest);

describe('MIM4D pretraining loop (micro config)', () => {
  const config = loadConfig('micro');
  config.optim.lr = 3e-3;
  const sample = toyScene(config);
  const train = { count: 1, get: () => sample };
  let dir: string;
  before(async () => {
    await initBackend();
    dir = mkdtempSync(path.join(tmpdir(), 'mim4d-pretrain-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lowers the loss on a fixed batch and writes the log, curve, checkpoint and before/after renders', async () => {
    const out = path.join(dir, 'decrease');
    const { records, model } = await pretrain({ config, steps: 6, outDir: out, train, heldOut: sample });
    model.dispose();
    assert.equal(records.length, 6);
    const first = records[0].total;
    const lastTwo = (records[4].total + records[5].total) / 2;
    assert.ok(lastTwo < 0.85 * first, `loss went from ${first} to ${lastTwo}`);
    for (const f of Object.values(RUN_FILES)) assert.ok(existsSync(path.join(out, f)), `${f} written`);
    assert.equal(loadCheckpoint(out).meta.step, 6);
  });

  it('repeats a run exactly from the same seed, and a resumed run matches the uninterrupted one', async () => {
    const straight = await pretrain({ config, steps: 3, outDir: path.join(dir, 'straight'), train });
    straight.model.dispose();
    const split = path.join(dir, 'split');
    (await pretrain({ config, steps: 3, outDir: split, train, stopAfter: 1 })).model.dispose();
    // A crash after the checkpoint may leave extra log lines; resuming must drop them.
    writeFileSync(path.join(split, RUN_FILES.lossLog), '{"step":2,"total":1}\n', { flag: 'a' });
    const resumed = await pretrain({ config, steps: 3, outDir: split, train, resume: true });
    resumed.model.dispose();
    assert.equal(resumed.step, 3);
    assert.deepEqual(losses(resumed.records), losses(straight.records));
  });

  it('refuses to resume with another config', async () => {
    const out = path.join(dir, 'other-config');
    (await pretrain({ config, steps: 3, outDir: out, train, stopAfter: 1 })).model.dispose();
    const other = structuredClone(config);
    other.loss.rgbWeight = 1;
    await assert.rejects(
      pretrain({ config: other, steps: 3, outDir: out, train, resume: true }),
      /different config/,
    );
  });
});

describe('learning-rate schedule', () => {
  const optim = { ...loadConfig('tiny').optim, warmupFraction: 0.1 };

  it('warms up linearly from lr/3, then follows a cosine down to lr * minLrRatio', () => {
    assert.ok(Math.abs(learningRate(optim, 0, 100) - optim.lr / 3) < 1e-9);
    assert.ok(learningRate(optim, 5, 100) > learningRate(optim, 1, 100));
    assert.ok(
      Math.abs(
        learningRate(optim, 10, 100) -
          (optim.lr * (1 + optim.minLrRatio + (1 - optim.minLrRatio) * Math.cos(Math.PI / 10))) / 2,
      ) < 1e-9,
    );
    assert.ok(Math.abs(learningRate(optim, 100, 100) - optim.lr * optim.minLrRatio) < 1e-12);
  });
});
