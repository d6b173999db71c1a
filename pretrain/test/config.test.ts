import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gridShape, loadConfig, PRESETS, validateConfig } from '../src/config/index.ts';

describe('pretraining config', () => {
  it('ships valid paper, tiny and micro presets with the spec sizes', () => {
    for (const [name, c] of Object.entries(PRESETS)) validateConfig(structuredClone(c), name);
    assert.deepEqual(gridShape(PRESETS.paper), { x: 128, y: 128, z: 5 });
    assert.deepEqual(gridShape(PRESETS.tiny), { x: 32, y: 32, z: 4 });
  });

  it('loads a JSON file and names the file and field of a bad value', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mim4d-config-'));
    const file = path.join(dir, 'c.json');
    const c = structuredClone(PRESETS.tiny);
    writeFileSync(file, JSON.stringify(c));
    assert.deepEqual(loadConfig(file), c);
    writeFileSync(file, JSON.stringify({ ...c, mask: { ...c.mask, ratio: 1.5 } }));
    assert.throws(
      () => loadConfig(file),
      new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: mask.ratio must be in`),
    );
    writeFileSync(file, JSON.stringify({ ...c, render: { ...c.render, hidden: 'big' } }));
    assert.throws(() => loadConfig(file), /render\.hidden must be a number/);
    const { decoder: _, ...noDecoder } = c;
    writeFileSync(file, JSON.stringify(noDecoder));
    assert.throws(() => loadConfig(file), /decoder is missing/);
    writeFileSync(file, JSON.stringify({ ...c, mask: { ...c.mask, patchSize: 24 } }));
    assert.throws(() => loadConfig(file), /mask\.patchSize must be a multiple of the deepest stride 16/);
    writeFileSync(file, JSON.stringify({ ...c, evaluation: { ...c.evaluation, every: -1 } }));
    assert.throws(() => loadConfig(file), /evaluation\.every must be an integer >= 0/);
    assert.throws(
      () => loadConfig('nope'),
      /neither a preset \(paper, tiny, micro\) nor an existing JSON file/,
    );
  });
});
