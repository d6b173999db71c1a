import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend, SeededRandom } from '@mim4d/nn';
import { loadConfig, PRESETS, validateConfig, withPretrainObjective } from '../src/config/index.ts';
import { lossTermNames, Mim4dModel } from '../src/model/mim4d.ts';
import { pretrain } from '../src/train/trainer.ts';
import { toyScene } from './helpers/toy-scene.ts';

describe('spatial-only pretraining objective (the study arm without time)', () => {
  const micro = loadConfig('micro');
  const spatial = withPretrainObjective(micro, 'spatial');
  before(() => initBackend());

  it('keeps every setting of the MIM4D config but the objective, the frame count and the name', () => {
    const { objective, input, name, ...rest } = spatial;
    const { objective: o0, input: i0, name: n0, ...rest0 } = micro;
    assert.deepEqual([objective, input.frames, name], ['spatial', 1, 'micro-spatial']);
    assert.deepEqual({ ...input, frames: i0.frames }, i0);
    assert.deepEqual(rest, rest0);
    assert.deepEqual([o0, n0], ['mim4d', 'micro']);
    validateConfig(structuredClone(spatial), 'spatial');
  });

  it('refuses one frame for MIM4D, which reconstructs a dropped frame from the others, and unknown objectives', () => {
    assert.throws(
      () => validateConfig({ ...structuredClone(micro), input: { ...micro.input, frames: 1 } }, 'c.json'),
      /c\.json: input\.frames must be an integer >= 2 \(MIM4D reconstructs/,
    );
    assert.throws(
      () => validateConfig({ ...structuredClone(micro), objective: 'temporal' }, 'c.json'),
      /c\.json: objective must be one of mim4d, spatial/,
    );
  });

  it('reads a config written before the objective existed as MIM4D', () => {
    const { objective: _, ...old } = structuredClone(PRESETS.tiny);
    assert.equal(validateConfig(old, 'old run').objective, 'mim4d');
  });

  it('has no temporal decoder, drops no frame and renders only the encoded volume', () => {
    const model = new Mim4dModel(spatial);
    try {
      assert.equal(model.decoder, null);
      assert.ok(![...model.params.trainable().keys()].some((n) => n.startsWith('history_decoder.')));
      const plan = model.plan(toyScene(spatial), new SeededRandom(1));
      assert.deepEqual(plan.targets, [0]);
      assert.deepEqual(plan.warps, [[null]]);
      assert.deepEqual(lossTermNames(spatial), ['rgb', 'depth']);
    } finally {
      model.dispose();
    }
  });

  it('trains: the rendering loss falls and loss.jsonl lists only the direct terms', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'mim4d-spatial-'));
    try {
      const sample = toyScene(spatial);
      const { records, model } = await pretrain({
        config: spatial,
        steps: 6,
        outDir: dir,
        train: { count: 1, get: () => sample },
      });
      model.dispose();
      const total = records.map((r) => r.total ?? Number.NaN);
      assert.ok((total[4] + total[5]) / 2 < 0.85 * total[0], `loss went from ${total[0]} to ${total[5]}`);
      assert.deepEqual(Object.keys(records[0]).sort(), [
        'depth',
        'gradNorm',
        'lr',
        'rgb',
        'seconds',
        'step',
        'total',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
