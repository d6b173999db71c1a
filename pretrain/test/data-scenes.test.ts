import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateSynthDataset } from '@mim4d/dataset';
import { loadConfig } from '../src/config/index.ts';
import { openPretrainDataset } from '../src/data/nuscenes-samples.ts';

describe('pretraining on a split', function () {
  this.timeout(60_000);
  const config = loadConfig('micro');
  let dir: string;
  let dataroot: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mim4d-pretrain-split-'));
    dataroot = path.join(dir, 'data');
    // The synthetic scenes are scene-0061, -0103, -0553 and -0655; scene-0103 is mini_val, the others mini_train.
    await generateSynthDataset(
      { out: dataroot, scenes: 4, samples: 2, sweeps: 0, lidarSweeps: 0, width: 32, height: 18, seed: 2 },
      { workers: 1 },
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sees every scene of the dataroot without a split', async () => {
    const all = await openPretrainDataset(dataroot, 'v1.0-mini', config);
    assert.equal(new Set(all.scenes).size, 4);
  });

  it('sees only the scenes of --split mini_train: no validation scene reaches the backbone', async () => {
    const train = await openPretrainDataset(dataroot, 'v1.0-mini', config, { split: 'mini_train' });
    assert.equal(train.tokens.length, 6);
    assert.deepEqual([...new Set(train.scenes)].sort(), ['scene-0061', 'scene-0553', 'scene-0655']);
  });

  it('takes a custom split from a split file', async () => {
    const splitFile = path.join(dir, 'splits.json');
    writeFileSync(splitFile, JSON.stringify({ mine: ['scene-0103', 'scene-0655'] }));
    const mine = await openPretrainDataset(dataroot, 'v1.0-mini', config, { split: 'mine', splitFile });
    assert.deepEqual([...new Set(mine.scenes)].sort(), ['scene-0103', 'scene-0655']);
  });

  it('refuses a split of another nuScenes version, and one none of whose scenes is there', async () => {
    await assert.rejects(
      openPretrainDataset(dataroot, 'v1.0-mini', config, { split: 'train' }),
      /--split train needs a trainval version/,
    );
    const splitFile = path.join(dir, 'elsewhere.json');
    writeFileSync(splitFile, JSON.stringify({ elsewhere: ['scene-9999'] }));
    await assert.rejects(
      openPretrainDataset(dataroot, 'v1.0-mini', config, { split: 'elsewhere', splitFile }),
      /--split elsewhere: none of its scenes is in/,
    );
  });
});
