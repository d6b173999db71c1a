import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '@mim4d/nn';
import { loadConfig } from '../src/config/index.ts';
import { loadCheckpoint } from '../src/train/checkpoint.ts';
import { psnr } from '../src/train/evaluate.ts';
import type { LossRecord } from '../src/train/loss-log.ts';
import { learningRate } from '../src/train/schedule.ts';
import { pretrain, RUN_FILES } from '../src/train/trainer.ts';
import { toyScene } from './helpers/toy-scene.ts';

const losses = (records: LossRecord[]) => records.map(({ seconds: _, ...rest }) => rest);

describe('MIM4D pretraining loop (micro config)', () => {
  const config = loadConfig('micro');
  const sample = toyScene(config);
  const train = { count: 1, get: () => sample };
  let dir: string;
  before(async () => {
    await initBackend();
    dir = mkdtempSync(path.join(tmpdir(), 'mim4d-pretrain-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lowers the loss on a fixed batch, with a gradient reaching every trainable tensor, and writes the run files', async () => {
    const out = path.join(dir, 'decrease');
    const { records, evals, model } = await pretrain({
      config,
      steps: 6,
      outDir: out,
      train,
      heldOut: [sample],
    });
    const trainable = [...model.params.trainable().keys()];
    model.dispose();
    assert.equal(records.length, 6);
    const total = (i: number) => {
      const t = records[i].total;
      assert.ok(t !== null, `step ${i + 1} has a finite loss`);
      return t;
    };
    const lastTwo = (total(4) + total(5)) / 2;
    assert.ok(lastTwo < 0.85 * total(0), `loss went from ${total(0)} to ${lastTwo}`);
    for (const f of Object.values(RUN_FILES)) assert.ok(existsSync(path.join(out, f)), `${f} written`);
    const ckpt = loadCheckpoint(out);
    assert.equal(ckpt.meta.step, 6);
    // AdamW's first moment is a decayed sum of the gradients: all zero only if no gradient ever reached the tensor
    // (weight decay alone moves the weights, so changed weights would prove nothing).
    const untouched = trainable.filter((name) => !ckpt.adamM.get(name)?.data.some((m) => m !== 0));
    assert.deepEqual(untouched, []);
    assert.ok(trainable.length > 100);
    assert.deepEqual(
      evals.map((e) => e.step),
      [0, 6],
    );
    for (const e of evals) {
      assert.equal(e.samples, 1);
      assert.ok(e.rays > 0);
      for (const v of [e.depthL1, e.depthAbsRel, e.psnr]) assert.ok(Number.isFinite(v), JSON.stringify(e));
    }
  });

  it('evaluates held-out samples every config.evaluation.every steps, and a resumed run keeps the earlier evaluations', async () => {
    const every = structuredClone(config);
    every.evaluation.every = 2;
    const out = path.join(dir, 'every');
    const first = await pretrain({
      config: every,
      steps: 4,
      outDir: out,
      train,
      heldOut: [sample],
      stopAfter: 3,
    });
    first.model.dispose();
    assert.deepEqual(
      first.evals.map((e) => e.step),
      [0, 2],
    );
    const rest = await pretrain({
      config: every,
      steps: 4,
      outDir: out,
      train,
      heldOut: [sample],
      resume: true,
    });
    rest.model.dispose();
    assert.deepEqual(
      rest.evals.map((e) => e.step),
      [0, 2, 4],
    );
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

  it('resumes a run whose checkpoint predates the objective field, as the MIM4D run it was', async () => {
    const out = path.join(dir, 'old-checkpoint');
    (await pretrain({ config, steps: 2, outDir: out, train, stopAfter: 1 })).model.dispose();
    const metaPath = path.join(out, 'checkpoint', 'checkpoint.json');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
    delete meta.config.objective;
    writeFileSync(metaPath, JSON.stringify(meta));
    const resumed = await pretrain({ config, steps: 2, outDir: out, train, resume: true });
    resumed.model.dispose();
    assert.equal(resumed.step, 2);
  });
});

describe('held-out PSNR', () => {
  it('is 10 log10(1 / MSE) in dB over every value of the pair', () => {
    assert.ok(Math.abs(psnr([0.5, 0.5, 0.5], [0.6, 0.4, 0.6]) - 20) < 1e-9);
    assert.ok(Math.abs(psnr([0, 1], [0.1, 0.8]) - 10 * Math.log10(40)) < 1e-9);
    assert.equal(psnr([0.25], [0.25]), Infinity);
    assert.throws(() => psnr([0.1, 0.2], [0.1]), /one length/);
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
