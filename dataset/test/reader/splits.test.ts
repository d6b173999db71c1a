import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NuScenes } from '../../src/nuscenes/database.ts';
import { MINI_SPLITS, readSplitFile, splitSceneNames } from '../../src/splits/scene-splits.ts';
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

  it('lists the valid splits when given an unknown one', () => {
    assert.throws(
      () => splitSceneNames('training'),
      /unknown split "training": valid splits are mini_train, mini_val, train, val, test/,
    );
  });

  it('says how to supply train/val/test, which are not bundled', () => {
    assert.throws(
      () => splitSceneNames('train'),
      /split "train" needs its scene list.*create_splits_scenes.*splits\.json/,
    );
  });

  it('reads train/val/test from a split file and names a split the file lacks', async () => {
    const path = join(dir.path, 'splits.json');
    await writeFile(path, JSON.stringify({ train: ['scene-0001', 'scene-0002'], val: ['scene-0003'] }));
    const file = await readSplitFile(path);
    assert.deepEqual(splitSceneNames('train', file, path), ['scene-0001', 'scene-0002']);
    assert.deepEqual(splitSceneNames('mini_val', file, path), MINI_SPLITS.mini_val);
    assert.throws(
      () => splitSceneNames('test', file, path),
      /split "test" is not in .*splits\.json \(it has: train, val\)/,
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
