import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerDataCommand } from '../../src/commands/data.ts';
import { rejectsWith, runMim4d } from '../helpers/run-mim4d.ts';

const mim4d = (...args: string[]) => runMim4d(registerDataCommand, ...args);

describe('mim4d data synth', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'mim4d-cli-synth-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('requires --out', () => rejectsWith(mim4d('data', 'synth'), /required option '--out <dir>'/));

  it('rejects a non-integer option, naming it', () =>
    rejectsWith(
      mim4d('data', 'synth', '--out', work, '--width', 'wide'),
      /--width takes an integer from 0 up/,
    ));

  it('rejects an out-of-range option, naming it and the range', () =>
    rejectsWith(
      mim4d('data', 'synth', '--out', join(work, 'x'), '--scenes', '11'),
      /--scenes must be an integer in \[1, 10\]/,
    ));

  it('refuses a non-empty --out without --force and leaves it alone', async () => {
    writeFileSync(join(work, 'keep.txt'), 'mine');
    await rejectsWith(mim4d('data', 'synth', '--out', work), /is not empty .* pass --force/);
    assert.equal(readFileSync(join(work, 'keep.txt'), 'utf8'), 'mine');
    assert.ok(!existsSync(join(work, 'v1.0-mini')));
  });

  it('generates a dataset and prints a summary', async () => {
    const out = join(work, 'data');
    const { stdout } = await mim4d(
      ...[
        'data',
        'synth',
        '--out',
        out,
        '--scenes',
        '1',
        '--samples',
        '2',
        '--sweeps',
        '0',
        '--lidar-sweeps',
        '0',
      ],
      ...['--width', '32', '--height', '18', '--workers', '1'],
    );
    assert.match(stdout, /scenes: +1 \(scene-0061 mini_train singapore-onenorth\)/);
    assert.match(stdout, /samples: +2\n/);
    assert.match(stdout, /sample_data: +14\n/);
    assert.ok(existsSync(join(out, 'v1.0-mini', 'sample_data.json')));
  });

  it('draws each scene from above with --preview, and again with data preview', async () => {
    const out = join(work, 'data');
    const { stdout } = await mim4d(
      ...[
        'data',
        'synth',
        '--out',
        out,
        '--scenes',
        '2',
        '--samples',
        '2',
        '--sweeps',
        '0',
        '--lidar-sweeps',
        '0',
      ],
      ...['--width', '32', '--height', '18', '--workers', '1', '--preview'],
    );
    assert.match(stdout, /previews: +2 scenes under/);
    for (const scene of ['scene-0061', 'scene-0553']) {
      assert.deepEqual(
        [...readFileSync(join(out, 'preview', `${scene}.png`)).subarray(1, 4)],
        [0x50, 0x4e, 0x47],
      );
    }
    const again = await mim4d('data', 'preview', '--dataroot', out, '--out', join(work, 'pictures'));
    assert.match(again.stdout, /previews: +2 scenes under/);
    assert.ok(existsSync(join(work, 'pictures', 'scene-0553.png')));
  });
});
