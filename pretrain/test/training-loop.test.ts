import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend, ParamStore } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import { loadConfig } from '../src/config/index.ts';
import { PRETRAIN_CHECKPOINT } from '../src/train/checkpoint.ts';
import { trainingLoop } from '../src/train/training-loop.ts';
import type { TrainingTask } from '../src/train/training-task.ts';

/** One weight w and the loss (w - 1)^2, or NaN on the steps `nanSteps` lists (1-based). */
function toyTask(nanSteps: ReadonlySet<number>): TrainingTask {
  const params = new ParamStore(1);
  const w = params.create('w', [1], { kind: 'zeros' });
  let step = 0;
  return {
    params,
    lrMult: () => 1,
    prepareStep: async () => {
      step++;
      const nan = nanSteps.has(step);
      return () => ({ fit: tf.mul(tf.square(tf.sub(w, 1)).sum(), nan ? Number.NaN : 1) as tf.Scalar });
    },
  };
}

describe('training loop', function () {
  this.timeout(60_000);
  let work: string;
  before(async () => {
    await initBackend();
    work = mkdtempSync(path.join(tmpdir(), 'training-loop-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const run = (name: string, nanSteps: number[], steps: number) => {
    const { optim } = loadConfig('micro');
    return trainingLoop({
      config: { toy: name },
      optim,
      seed: 0,
      terms: ['fit'],
      checkpointFormat: PRETRAIN_CHECKPOINT,
      steps,
      outDir: path.join(work, name),
      task: toyTask(new Set(nanSteps)),
    });
  };

  it('skips the update of a step whose loss is not finite, and logs it as skipped', async () => {
    const { records } = await run('skip', [2], 3);
    assert.deepEqual(
      records.map((r) => [r.step, r.total === null, r.skipped ?? false, r.gradNorm === null]),
      [
        [1, false, false, false],
        [2, true, true, true],
        [3, false, false, false],
      ],
    );
  });

  it('stops a run whose loss stays not finite for five steps in a row, naming the step', async () => {
    await assert.rejects(
      run('diverged', [2, 3, 4, 5, 6], 8),
      /not finite for 5 steps in a row \(step 6\); the run diverged/,
    );
  });
});
