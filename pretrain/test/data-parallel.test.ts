import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '@mim4d/nn';
import { loadConfig, type Mim4dConfig } from '../src/config/index.ts';
import { loadCheckpoint } from '../src/train/checkpoint.ts';
import type { LossRecord } from '../src/train/loss-log.ts';
import type { ModuleCall } from '../src/train/module-call.ts';
import { pretrain } from '../src/train/trainer.ts';
import { toySamples } from './helpers/toy-samples.ts';

const SAMPLES = new URL('./helpers/toy-samples.ts', import.meta.url).href;
const losses = (records: LossRecord[]): Record<string, unknown>[] =>
  records.map(({ seconds: _, ...rest }) => rest);

describe('data-parallel pretraining (micro config, worker threads)', () => {
  const config: Mim4dConfig = { ...loadConfig('micro') };
  config.optim = { ...config.optim, samplesPerStep: 2 };
  const speeds = [1.5, 3];
  const train = toySamples({ config, speeds });
  const workers: { count: number; train: ModuleCall } = {
    count: 2,
    train: { module: SAMPLES, name: 'toySamples', arg: { config, speeds } },
  };
  let dir: string;
  const run = async (name: string, options: Partial<Parameters<typeof pretrain>[0]> = {}) => {
    const out = path.join(dir, name);
    const result = await pretrain({ config, steps: 3, outDir: out, train, ...options });
    result.model.dispose();
    return { records: losses(result.records), ckpt: loadCheckpoint(out) };
  };
  /** Three steps on two threads, which the first two tests compare with. */
  let parallel: Awaited<ReturnType<typeof run>>;
  before(async () => {
    await initBackend();
    dir = mkdtempSync(path.join(tmpdir(), 'mim4d-data-parallel-'));
    parallel = await run('two-workers', { workers });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the losses and weights of one thread averaging the same two samples', async () => {
    const single = await run('one-thread');
    assert.equal(parallel.records.length, 3);
    for (const [i, r] of parallel.records.entries()) {
      for (const [term, value] of Object.entries(r)) {
        const expected = single.records[i][term];
        if (typeof value !== 'number') assert.equal(value, expected, `step ${i + 1} ${term}`);
        else assert.ok(Math.abs(value - Number(expected)) <= 1e-6 * Math.abs(value), `step ${i + 1} ${term}`);
      }
    }
    let compared = 0;
    for (const [name, p] of parallel.ckpt.params) {
      const q = single.ckpt.params.get(name)!.data;
      p.data.forEach((v, j) => {
        assert.ok(Math.abs(v - q[j]) <= 1e-5 * Math.max(1, Math.abs(v)), `${name}[${j}]: ${v} vs ${q[j]}`);
      });
      compared += p.data.length;
    }
    assert.ok(compared > 1000);
    // Two samples a step are not one: a comparison of two equal runs would prove nothing.
    const oneSample = { ...config, optim: { ...config.optim, samplesPerStep: 1 } };
    const one = await run('one-sample', { config: oneSample });
    assert.notEqual(one.records[0].total, single.records[0].total);
  });

  it('resumes a two-worker run exactly', async () => {
    await run('split', { workers, stopAfter: 1 });
    const resumed = await run('split', { workers, resume: true });
    assert.deepEqual(resumed.records, parallel.records);
  });

  it('ends the run with the error of a worker whose step throws', async () => {
    const failing = {
      count: 2,
      train: { module: SAMPLES, name: 'unreadableSamples', arg: { count: speeds.length } },
    };
    await assert.rejects(run('failing', { workers: failing }), /replica worker 1: unreadable sample \d/);
  });

  it('ends the run with the error of a worker that cannot start', async () => {
    const broken = { count: 2, train: { module: SAMPLES, name: 'noSuchSource', arg: null } };
    await assert.rejects(
      run('broken', { workers: broken }),
      /replica worker 1: .*exports no function "noSuchSource"/,
    );
  });

  it('refuses to resume a two-sample run with one sample per step, naming the field', async () => {
    const oneSample = { ...config, optim: { ...config.optim, samplesPerStep: 1 } };
    await assert.rejects(
      run('two-workers', { config: oneSample, resume: true }),
      /different config \(optim.samplesPerStep: 2 there, 1 here\)/,
    );
  });

  it('refuses more workers than samples per step', async () => {
    await assert.rejects(
      run('idle', { workers: { ...workers, count: 3 } }),
      /3 workers need at least as many samples per step; optim.samplesPerStep is 2/,
    );
  });
});
