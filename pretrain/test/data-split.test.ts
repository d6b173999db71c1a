import assert from 'node:assert/strict';
import { loadConfig } from '../src/config/index.ts';
import type { PretrainDataset } from '../src/data/nuscenes-samples.ts';
import { SampleCache } from '../src/data/sample-cache.ts';
import { splitPretrainDataset } from '../src/data/split.ts';
import type { Mim4dSample } from '../src/model/sample.ts';

const sample = (id: string): Mim4dSample => ({
  id,
  images: new Float32Array(0),
  frames: [],
  points: new Float32Array(0),
});

/** A dataset of named samples that counts its loads. */
function fakeDataset(scenes: string[]): PretrainDataset & { loads: string[] } {
  const loads: string[] = [];
  return {
    tokens: scenes.map((_, i) => `t${i}`),
    scenes,
    loads,
    load: async (token) => {
      loads.push(token);
      return sample(token);
    },
  };
}

describe('pretraining data split', () => {
  const config = loadConfig('micro');
  config.evaluation.samples = 2;

  it('holds the last scene out whole, evaluates samples spread over it and trains on the other scenes', async () => {
    const dataset = fakeDataset(['a', 'a', 'b', 'b', 'c', 'c', 'c', 'c']);
    const split = await splitPretrainDataset(dataset, config);
    assert.equal(split.heldOutScene, 'c');
    assert.deepEqual(
      split.heldOut.map((s) => s.id),
      ['t5', 't7'],
    );
    assert.deepEqual(split.train.tokens, ['t0', 't1', 't2', 't3']);
    assert.equal((await split.train.get(3)).id, 't3');
  });

  it('refuses a dataset of one scene, naming it', async () => {
    await assert.rejects(splitPretrainDataset(fakeDataset(['only', 'only']), config), /one scene \(only\)/);
  });

  it('bounds the training-sample cache by the image memory a sample takes', async () => {
    const { frames, cameras, imageHeight, imageWidth } = config.input;
    const bytes = frames * cameras * imageHeight * imageWidth * 3 * 4;
    const dataset = fakeDataset(['a', 'a', 'a', 'b']);
    const split = await splitPretrainDataset(dataset, config, 2.5 * bytes);
    assert.equal(split.train.cacheCapacity, 2);
    dataset.loads.length = 0;
    for (const i of [0, 1, 0, 2, 1, 0]) await split.train.get(i);
    // 0, 1 load; 0 hits; 2 evicts 1 (least recent); 1 reloads and evicts 0; 0 reloads.
    assert.deepEqual(dataset.loads, ['t0', 't1', 't2', 't1', 't0']);
  });
});

describe('sample cache', () => {
  it('keeps at most its capacity, evicting the least recently used', async () => {
    const cache = new SampleCache<ReturnType<typeof sample>>(1);
    let loads = 0;
    const load = (id: string) => async () => {
      loads++;
      return sample(id);
    };
    await cache.get('x', load('x'));
    assert.equal((await cache.get('x', load('x'))).id, 'x');
    await cache.get('y', load('y'));
    await cache.get('x', load('x'));
    assert.equal(loads, 3);
    assert.equal(cache.size, 1);
    assert.throws(() => new SampleCache(0), /capacity must be a positive integer/);
  });
});
