import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DetectionInputError,
  LocatedInputError,
  loadMapGroundTruth,
  loadPredictionFile,
  MapInputError,
} from '../../src/index.ts';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected the load to fail');
}

describe('LocatedInputError', () => {
  it('puts where before the rule and keeps both as fields', () => {
    const err = new LocatedInputError('a.json: results["t"][2].size', 'must hold 3 numbers');
    assert.equal(err.message, 'a.json: results["t"][2].size: must hold 3 numbers');
    assert.equal(err.where, 'a.json: results["t"][2].size');
    assert.equal(err.rule, 'must hold 3 numbers');
    assert.equal(err.name, 'LocatedInputError');
  });

  it('is the common base of the detection and HD-map input errors, each named for its family', () => {
    const det = new DetectionInputError('w', 'r');
    const map = new MapInputError('w', 'r');
    assert.ok(det instanceof LocatedInputError && map instanceof LocatedInputError);
    assert.ok(!(det instanceof MapInputError) && !(map instanceof DetectionInputError));
    assert.equal(det.name, 'DetectionInputError');
    assert.equal(map.name, 'MapInputError');
  });

  it('is what both streaming readers throw on malformed JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'located-input-error-'));
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"meta": {}, "results": {"t": [{"size": [1, 2, 3]}');
    const det = await rejection(loadPredictionFile(file));
    assert.ok(det instanceof DetectionInputError && det instanceof LocatedInputError, `got ${det}`);
    assert.match(det.message, /^.*broken\.json \(byte \d+\): unexpected end of file/);
    writeFileSync(file, '{"GTs": [{"sample_token": "t", "vectors": []}');
    const map = await rejection(loadMapGroundTruth(file));
    assert.ok(map instanceof MapInputError && map instanceof LocatedInputError, `got ${map}`);
    assert.match(map.message, /broken\.json: unexpected end of file \(byte \d+\)/);
  });
});
