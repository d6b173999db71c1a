import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthDataset } from '@mim4d/dataset';
import { registerPretrainCommand } from '../../src/commands/pretrain.ts';
import { rejectsWith, runMim4d } from '../helpers/run-mim4d.ts';

const mim4d = (...args: string[]) => runMim4d(registerPretrainCommand, ...args);

describe('mim4d pretrain --workers', function () {
  this.timeout(120_000);
  let work: string;
  let data: string;
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'mim4d-cli-pretrain-'));
    data = join(work, 'data');
    await generateSynthDataset(
      { out: data, scenes: 2, samples: 2, sweeps: 1, lidarSweeps: 0, width: 96, height: 54, seed: 3 },
      { workers: 1 },
    );
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const run = (out: string, ...extra: string[]) =>
    mim4d('pretrain', '--data', data, '--config', 'micro', '--steps', '1', '--out', out, ...extra);

  it('takes one sample per thread, each worker opening the dataroot itself', async () => {
    const out = join(work, 'two');
    await run(out, '--workers', '2');
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    assert.equal(config.optim.samplesPerStep, 2);
    const [record] = readFileSync(join(out, 'loss.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(record.step, 1);
    assert.ok(Number.isFinite(record.total));
  });

  it('refuses more workers than --samples-per-step', () =>
    rejectsWith(
      run(join(work, 'idle'), '--workers', '2', '--samples-per-step', '1'),
      /2 workers need at least as many samples per step; optim.samplesPerStep is 1/,
    ));
});
