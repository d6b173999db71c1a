import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../src/bevseg/npy-writer.ts';
import { evaluateSegmentationFiles, SegmentationEvaluator } from '../../src/index.ts';
import { seededSample } from './seeded-arrays.ts';

const SHAPE = [6, 8, 10];
const TOKENS = ['s-a', 's-b', 's-c'];
const samples = TOKENS.map((_, k) => seededSample(3, k, SHAPE, 'float32'));

describe('BEV segmentation from .npy files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bevseg-files-'));
    mkdirSync(join(dir, 'probs'));
    mkdirSync(join(dir, 'masks'));
    writeFileSync(join(dir, 'probs', 'tokens.json'), JSON.stringify(TOKENS));
    // The GT directory lists the same samples in another order: pairing is by token.
    writeFileSync(join(dir, 'masks', 'tokens.json'), JSON.stringify([...TOKENS].reverse()));
    TOKENS.forEach((t, k) => {
      writeNpy(join(dir, 'probs', `${t}.npy`), '<f4', SHAPE, samples[k].probabilities);
      writeNpy(join(dir, 'masks', `${t}.npy`), '|u1', SHAPE, samples[k].masks);
    });
    const stackedProbs = new Float32Array(TOKENS.length * samples[0].masks.length);
    const stackedMasks = new Uint8Array(stackedProbs.length);
    samples.forEach((s, k) => {
      stackedProbs.set(s.probabilities, k * s.masks.length);
      stackedMasks.set(s.masks, k * s.masks.length);
    });
    writeNpy(join(dir, 'probs.npy'), '<f4', [TOKENS.length, ...SHAPE], stackedProbs);
    writeFileSync(join(dir, 'probs.tokens.json'), JSON.stringify(TOKENS));
    writeNpy(join(dir, 'masks.npy'), '|b1', [TOKENS.length, ...SHAPE], stackedMasks);
    writeFileSync(join(dir, 'masks.tokens.json'), JSON.stringify(TOKENS));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function inMemory() {
    const evaluator = new SegmentationEvaluator();
    samples.forEach((s, k) => {
      evaluator.addSample({ sampleToken: TOKENS[k], ...s });
    });
    return evaluator.result().metrics;
  }

  it('gives the same metrics from a directory, a stacked file, or a mix of both', () => {
    const expected = inMemory();
    assert.deepEqual(evaluateSegmentationFiles(join(dir, 'probs'), join(dir, 'masks')).metrics, expected);
    assert.deepEqual(
      evaluateSegmentationFiles(join(dir, 'probs.npy'), join(dir, 'masks.npy')).metrics,
      expected,
    );
    assert.deepEqual(evaluateSegmentationFiles(join(dir, 'probs.npy'), join(dir, 'masks')).metrics, expected);
  });

  it('says which samples do not pair, by token', () => {
    writeFileSync(join(dir, 'short.tokens.json'), JSON.stringify(['s-a', 's-x']));
    writeNpy(join(dir, 'short.npy'), '<f4', [2, ...SHAPE], new Float32Array(2 * 480));
    assert.throws(
      () => evaluateSegmentationFiles(join(dir, 'short.npy'), join(dir, 'masks')),
      /short.npy: does not pair with .*masks by sample token: 2 GT sample\(s\) have no results \("s-c", "s-b"\); 1 result sample\(s\) are not in the GT \("s-x"\)/,
    );
  });

  it('rejects wrong dtypes, shapes and token lists with the file name', () => {
    assert.throws(
      () => evaluateSegmentationFiles(join(dir, 'masks'), join(dir, 'masks')),
      /masks[/\\]s-c.npy: results arrays must be float32 or float64, got uint8/,
    );
    assert.throws(
      () => evaluateSegmentationFiles(join(dir, 'probs'), join(dir, 'probs')),
      /probs[/\\]s-a.npy: gt arrays must be uint8 or bool, got float32/,
    );
    mkdirSync(join(dir, 'wide'));
    writeFileSync(join(dir, 'wide', 'tokens.json'), JSON.stringify(TOKENS));
    for (const t of TOKENS)
      writeNpy(join(dir, 'wide', `${t}.npy`), '<f4', [6, 8, 11], new Float32Array(6 * 88));
    assert.throws(
      () => evaluateSegmentationFiles(join(dir, 'wide'), join(dir, 'masks')),
      /wide[/\\]s-a.npy: shape \[6,8,11\] differs from the GT's \[6,8,10\]/,
    );
    writeNpy(join(dir, 'five.npy'), '<f4', [3, 5, 8, 10], new Float32Array(3 * 400));
    writeFileSync(join(dir, 'five.tokens.json'), JSON.stringify(TOKENS));
    assert.throws(
      () => evaluateSegmentationFiles(join(dir, 'five.npy'), join(dir, 'masks')),
      /five.npy\[0\]: must have shape \[6, H, W\]/,
    );
    writeFileSync(join(dir, 'dup.tokens.json'), JSON.stringify(['a', 'a', 'b']));
    writeNpy(join(dir, 'dup.npy'), '<f4', [3, ...SHAPE], new Float32Array(3 * 480));
    assert.throws(
      () => evaluateSegmentationFiles(join(dir, 'dup.npy'), join(dir, 'masks')),
      /dup.tokens.json: \/: must NOT have duplicate items \(items ## 1 and 0 are identical\) \(schema rule "uniqueItems"\)/,
    );
    assert.throws(
      () => evaluateSegmentationFiles(join(dir, 'nothing'), join(dir, 'masks')),
      /nothing: does not exist/,
    );
  });
});
