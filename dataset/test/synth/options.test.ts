import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINI_SPLITS } from '../../src/splits/index.ts';
import { generateSynthDataset } from '../../src/synth/generate.ts';
import { MINI_SCENES, resolveSynthOptions, SYNTH_DEFAULTS } from '../../src/synth/options.ts';

describe('synth options and output folder', () => {
  it('fills the documented defaults: 4 scenes (3 mini_train, 1 mini_val) of 10 key frames at 400x225', () => {
    const options = resolveSynthOptions({ out: '/x' });
    assert.deepEqual(options, { ...SYNTH_DEFAULTS, out: '/x' });
    assert.deepEqual(
      MINI_SCENES.slice(0, options.scenes).map((s) => s.split),
      ['mini_train', 'mini_train', 'mini_train', 'mini_val'],
    );
  });

  it('uses exactly the official mini split scenes, each in its split', () => {
    assert.equal(MINI_SCENES.length, 10);
    for (const scene of MINI_SCENES) assert.ok(MINI_SPLITS[scene.split].includes(scene.name), scene.name);
  });

  it('rejects out-of-range or non-integer options, naming the option', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ scenes: 0 }, /--scenes must be an integer in \[1, 10\], got 0/],
      [{ scenes: 11 }, /--scenes .* got 11 \(scene names come from the official v1\.0-mini splits/],
      [{ samples: 1 }, /--samples must be an integer in \[2, 60\]/],
      [{ width: 12.5 }, /--width must be an integer/],
      [{ height: 5000 }, /--height must be an integer in \[16, 1800\]/],
      [{ lidarSweeps: -1 }, /--lidar-sweeps/],
      [{ jpegQuality: 101 }, /--jpeg-quality/],
      [{ seed: -3 }, /--seed must be an integer in \[0, 4294967295\]/],
      [{ version: 'mini' }, /--version must look like v1\.0-mini/],
    ];
    for (const [bad, message] of cases) {
      assert.throws(() => resolveSynthOptions({ out: '/x', ...bad }), message);
    }
  });

  describe('an existing output folder', () => {
    let work: string;
    beforeEach(() => {
      work = mkdtempSync(join(tmpdir(), 'mim4d-synth-out-'));
    });
    afterEach(() => rmSync(work, { recursive: true, force: true }));

    it('is refused when not empty, and nothing in it is touched', async () => {
      writeFileSync(join(work, 'notes.txt'), 'mine');
      await assert.rejects(
        generateSynthDataset({ out: work, scenes: 1, samples: 2 }),
        /--out .* is not empty \(1 entries: notes\.txt\); pass --force/,
      );
      assert.equal(readFileSync(join(work, 'notes.txt'), 'utf8'), 'mine');
      assert.ok(!existsSync(join(work, 'v1.0-mini')));
    });

    it('is refused when it is a file', async () => {
      const file = join(work, 'file');
      writeFileSync(file, '');
      await assert.rejects(
        generateSynthDataset({ out: file, scenes: 1, samples: 2 }),
        /exists and is not a folder/,
      );
    });

    it('with force, has only the dataset folders replaced and keeps everything else', async () => {
      writeFileSync(join(work, 'notes.txt'), 'mine');
      mkdirSync(join(work, 'samples', 'CAM_FRONT'), { recursive: true });
      writeFileSync(join(work, 'samples', 'CAM_FRONT', 'stale.jpg'), 'old');
      await generateSynthDataset(
        { out: work, scenes: 1, samples: 2, sweeps: 0, lidarSweeps: 0, width: 32, height: 18 },
        { force: true },
      );
      assert.equal(readFileSync(join(work, 'notes.txt'), 'utf8'), 'mine');
      assert.ok(!existsSync(join(work, 'samples', 'CAM_FRONT', 'stale.jpg')));
      assert.ok(existsSync(join(work, 'v1.0-mini', 'scene.json')));
    });
  });
});
