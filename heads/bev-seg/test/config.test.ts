import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BEV_SEG_PRESETS, loadBevSegConfig, validateBevSegConfig } from '../src/config.ts';

/** A config as parsed JSON, open to edits a typed config would refuse. */
type Editable = Record<'head' | 'augment' | 'loss', Record<string, unknown>>;

describe('BEV-seg config', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bevseg-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts its presets, and the tiny grid is heads.md 2.2: 46 x 46 lidar cells of 1 m', () => {
    for (const [name, preset] of Object.entries(BEV_SEG_PRESETS)) {
      assert.equal(validateBevSegConfig(structuredClone(preset), name).name, name);
    }
    const tiny = loadBevSegConfig('tiny');
    assert.deepEqual(
      [tiny.head.xBound, tiny.head.yBound],
      [
        [-23, 23, 1],
        [-23, 23, 1],
      ],
    );
    assert.deepEqual([tiny.backbone.input.imageHeight, tiny.backbone.input.imageWidth], [128, 224]);
  });

  it('names the file and the field of a bad config', () => {
    const write = (edit: (c: Editable) => void) => {
      const config = structuredClone(BEV_SEG_PRESETS.micro) as unknown as Editable;
      edit(config);
      const file = path.join(dir, 'config.json');
      writeFileSync(file, JSON.stringify(config));
      return file;
    };
    const cases: [(c: Editable) => void, RegExp][] = [
      [
        (c) => (c.head.stageStrides = [2, 2]),
        /config\.json: head\.stageStrides must have one entry per stage \(3\)/,
      ],
      [
        (c) => (c.head.fpnScale = 4),
        /config\.json: head\.fpnScale must equal the first stage's stride \(2\)/,
      ],
      [(c) => (c.head.xBound = [-9, 9, 4]), /config\.json: head\.xBound must span a whole number of cells/],
      [
        (c) => (c.augment.scale = [0, 1]),
        /config\.json: augment\.scale must be \[min, max\] with 0 < min <= max/,
      ],
      [(c) => (c.head.colour = 1), /config\.json: head: unknown field "colour"/],
      [(c) => delete c.loss.gamma, /config\.json: loss\.gamma is missing/],
    ];
    for (const [edit, message] of cases) assert.throws(() => loadBevSegConfig(write(edit)), message);
    assert.throws(
      () => loadBevSegConfig('huge'),
      /"huge" is neither a preset \(tiny, micro\) nor an existing JSON file/,
    );
  });
});
