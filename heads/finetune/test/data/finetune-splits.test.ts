import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSynthDataset } from '@mim4d/dataset';
import { type FinetuneSplitOptions, openFinetuneSplits } from '../../src/index.ts';

describe('fine-tuning splits', function () {
  this.timeout(60_000);
  let dir: string;
  let base: FinetuneSplitOptions;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mim4d-splits-'));
    const dataroot = path.join(dir, 'data');
    // Scenes 1-3 are mini_train, scene 4 mini_val.
    await generateSynthDataset(
      { out: dataroot, scenes: 4, samples: 2, sweeps: 0, lidarSweeps: 0, width: 32, height: 18, seed: 2 },
      { workers: 1 },
    );
    base = { dataroot, version: 'v1.0-mini', trainSplit: 'mini_train', valSplit: 'mini_val' };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the samples of the scenes the dataroot has, each split in sample order', async () => {
    const s = await openFinetuneSplits(base);
    assert.equal(s.train.length, 6);
    assert.equal(s.val.length, 2);
    assert.equal(new Set([...s.train, ...s.val]).size, 8);
  });

  it('refuses splits that share scenes, naming both', () =>
    assert.rejects(
      openFinetuneSplits({ ...base, valSplit: 'mini_train' }),
      /--train-split mini_train and --val-split mini_train share scenes \(scene-0061/,
    ));

  it('refuses a split of another nuScenes version, naming the flag', () =>
    assert.rejects(
      openFinetuneSplits({ ...base, valSplit: 'val' }),
      /--val-split val needs a trainval version/,
    ));

  it('refuses a split none of whose scenes is in the dataroot', async () => {
    const splitFile = path.join(dir, 'splits.json');
    writeFileSync(splitFile, JSON.stringify({ elsewhere: ['scene-9999'] }));
    await assert.rejects(
      openFinetuneSplits({ ...base, valSplit: 'elsewhere', splitFile }),
      /--val-split elsewhere: none of its scenes is in/,
    );
  });

  it('refuses a validation split without annotations', async () => {
    const splitFile = path.join(dir, 'splits-empty.json');
    const dataroot = path.join(dir, 'bare');
    await generateSynthDataset(
      { out: dataroot, scenes: 4, samples: 2, sweeps: 0, lidarSweeps: 0, width: 32, height: 18, seed: 2 },
      { workers: 1 },
    );
    for (const table of ['sample_annotation', 'instance']) {
      writeFileSync(path.join(dataroot, 'v1.0-mini', `${table}.json`), '[]');
    }
    writeFileSync(splitFile, JSON.stringify({}));
    await assert.rejects(
      openFinetuneSplits({ ...base, dataroot, splitFile }),
      /--val-split mini_val: .* has no annotations for its samples, so it cannot be evaluated/,
    );
  });
});
