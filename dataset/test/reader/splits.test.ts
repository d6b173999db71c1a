import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NuScenes } from '../../src/nuscenes/database.ts';
import {
  MINI_SPLITS,
  OFFICIAL_SPLITS,
  readSplitFile,
  SPLIT_NAMES,
  splitSceneNames,
} from '../../src/splits/scene-splits.ts';
import { splitSamples } from '../../src/splits/split-samples.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { DEFAULT_SPEC, sampleToken, writeTinyDataroot } from '../helpers/tiny-dataroot.ts';

describe('scene splits', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    dir = await makeTempDir('nusc-splits');
  });
  after(() => dir.remove());

  it('knows the official mini splits', () => {
    assert.equal(splitSceneNames('mini_train').length, 8);
    assert.deepEqual(splitSceneNames('mini_val'), ['scene-0103', 'scene-0916']);
  });

  it('bundles every official split: the devkit sizes, sorted, train = train_detect + train_track', () => {
    const sizes = Object.fromEntries(SPLIT_NAMES.map((s) => [s, splitSceneNames(s).length]));
    assert.deepEqual(sizes, {
      mini_train: 8,
      mini_val: 2,
      train: 700,
      val: 150,
      test: 150,
      train_detect: 350,
      train_track: 350,
    });
    for (const split of SPLIT_NAMES) {
      const names = splitSceneNames(split);
      assert.deepEqual([...names].sort(), names, `${split} is sorted`);
      assert.equal(new Set(names).size, names.length, `${split} has no repeats`);
      assert.ok(
        names.every((n) => /^scene-\d{4}$/.test(n)),
        split,
      );
    }
    const train = new Set(splitSceneNames('train'));
    assert.ok(
      splitSceneNames('val').every((n) => !train.has(n)),
      'val is disjoint from train',
    );
    assert.ok(
      splitSceneNames('test').every((n) => !train.has(n)),
      'test is disjoint from train',
    );
    assert.deepEqual(
      [...splitSceneNames('train_detect'), ...splitSceneNames('train_track')].sort(),
      splitSceneNames('train'),
    );
    assert.deepEqual(splitSceneNames('val').slice(0, 3), ['scene-0003', 'scene-0012', 'scene-0013']);
    assert.equal(OFFICIAL_SPLITS.mini_val, MINI_SPLITS.mini_val);
  });

  it('lists the valid splits when given an unknown one', () => {
    assert.throws(
      () => splitSceneNames('training'),
      /unknown split "training": the official splits are mini_train, mini_val, train, val, test/,
    );
  });

  it('takes a split file over the bundled lists, and falls back to them for splits it lacks', async () => {
    const path = join(dir.path, 'splits.json');
    await writeFile(path, JSON.stringify({ train: ['scene-0001', 'scene-0002'], night: ['scene-1044'] }));
    const file = await readSplitFile(path);
    assert.deepEqual(splitSceneNames('train', file, path), ['scene-0001', 'scene-0002']);
    assert.deepEqual(splitSceneNames('night', file, path), ['scene-1044']);
    assert.equal(splitSceneNames('val', file, path).length, 150);
    assert.deepEqual(splitSceneNames('mini_val', file, path), MINI_SPLITS.mini_val);
    assert.throws(
      () => splitSceneNames('day', file, path),
      /unknown split "day": the official splits are .*; .*splits\.json has train, night$/,
    );
  });

  it('names the file and split of a malformed split file', async () => {
    const path = join(dir.path, 'bad-splits.json');
    await writeFile(path, JSON.stringify({ train: ['scene-0001', 7] }));
    await assert.rejects(
      readSplitFile(path),
      /bad-splits\.json: split "train" must be an array of scene names/,
    );
    await writeFile(path, JSON.stringify({ val: ['scene-0001', 'scene-0001'] }));
    await assert.rejects(readSplitFile(path), /split "val" lists scene "scene-0001" twice/);
    await writeFile(path, '{"val": [');
    await assert.rejects(readSplitFile(path), /bad-splits\.json: invalid JSON/);
    await assert.rejects(readSplitFile(join(dir.path, 'none.json')), /none\.json: file not found/);
  });

  it("selects the samples of a split's scenes, refusing missing scenes unless allowed", async () => {
    await writeTinyDataroot(join(dir.path, 'root'));
    const nusc = await NuScenes.open(join(dir.path, 'root'), DEFAULT_SPEC.version);
    assert.deepEqual(
      splitSamples(nusc, ['scene-0103']).samples.map((s) => s.token),
      [sampleToken('scene-0103', 0)],
    );
    assert.throws(
      () => splitSamples(nusc, splitSceneNames('mini_train')),
      /7 of the split's 8 scenes are not in .*scene\.json: scene-0553/,
    );
    const partial = splitSamples(nusc, splitSceneNames('mini_train'), { allowMissing: true });
    assert.equal(partial.samples.length, 4);
    assert.equal(partial.missingScenes.length, 7);
  });
});
