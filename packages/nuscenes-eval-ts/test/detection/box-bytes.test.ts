import assert from 'node:assert/strict';
import { BoxBytesReader } from '../../src/detection/box-bytes.ts';
import { BoxCollector, type EvalBoxes } from '../../src/index.ts';
import { RandomSampleGenerator, sampleToken } from './random-case.ts';

/** Where the scanner would say the list's objects start and end (no braces inside strings here). */
function objectRanges(text: Buffer): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  let depth = 0;
  text.forEach((c, i) => {
    if (c === 0x7b && depth++ === 1) starts.push(i);
    else if (c === 0x5b && depth++ === 0) return;
    else if ((c === 0x7d || c === 0x5d) && --depth === 1 && c === 0x7d) ends.push(i + 1);
  });
  return { starts, ends };
}

/** Each sample loaded from its list's bytes, and through JSON.parse and the schema. */
function loadBothWays(samples: [string, string][]): { bytes: EvalBoxes; parsed: EvalBoxes } {
  const fromBytes = new BoxCollector({ source: 'r.json', pathPrefix: 'results', maxBoxesPerSample: 500 });
  const fromObjects = new BoxCollector({ source: 'r.json', pathPrefix: 'results', maxBoxesPerSample: 500 });
  for (const [token, list] of samples) {
    const text = Buffer.from(list);
    const { starts, ends } = objectRanges(text);
    fromBytes.addSampleBytes(token, text, starts, ends);
    fromObjects.addSample(token, JSON.parse(list));
  }
  return { bytes: fromBytes.build(), parsed: fromObjects.build() };
}

function assertSameBoxes(a: EvalBoxes, b: EvalBoxes): void {
  assert.deepEqual(a.sampleTokens, b.sampleTokens);
  assert.deepEqual(a.sampleOffsets, b.sampleOffsets);
  assert.deepEqual(a.boxes, b.boxes);
}

const box = (token: string, extra = '') =>
  `{"sample_token":"${token}","translation":[1.5,-2.25,0.125],"size":[1.9,4.6,1.7],"rotation":[0.7071067811865476,0,0,0.7071067811865475],"velocity":[null,0.5],"detection_name":"car","detection_score":0.875,"attribute_name":"vehicle.moving"${extra}}`;

describe('reading boxes from their bytes', () => {
  it('stores the same values as JSON.parse and the schema, bit for bit, for seeded random samples', () => {
    const generator = new RandomSampleGenerator(3);
    const samples: [string, string][] = [];
    for (let i = 0; i < 40; i++) {
      const token = sampleToken(3, i);
      const { gt, pred } = generator.sample(token, { maxGt: 30, minPred: 1, maxPred: 200 });
      samples.push(
        [token, JSON.stringify(pred)],
        [`${token}-gt`, JSON.stringify(gt).replaceAll(token, `${token}-gt`)],
      );
    }
    const { bytes, parsed } = loadBothWays(samples);
    assert.ok(bytes.boxes.count > 1000);
    assertSameBoxes(bytes, parsed);
  });

  it('reads pretty-printed boxes, fields in any order and the optional fields', () => {
    const token = 'a'.repeat(32);
    const reordered = `{ "attribute_name" : "", "num_pts": 7.9, "detection_name": "barrier",\n  "velocity": [ 1e-3 , -2E+1 ], "rotation": [1, 0, 0, 0], "size": [1, 2, 3],\n  "ego_translation": [4, 5, 6], "translation": [0, 0, 0], "sample_token": "${token}" }`;
    const { bytes, parsed } = loadBothWays([[token, `[\n  ${reordered},\n  ${box(token)}\n]`]]);
    assertSameBoxes(bytes, parsed);
    assert.equal(bytes.boxes.numPts[0], 7);
    assert.equal(bytes.boxes.score[0], -1);
  });

  it('reads the usual form itself and declines the others', () => {
    const reader = new BoxBytesReader();
    const token = 'e'.repeat(32);
    const read = (text: string) => reader.read(Buffer.from(text), 0, text.length, token, 0);
    const usual = box(token);
    assert.equal(read(usual), usual.length);
    assert.equal(reader.box.centerY, -2.25);
    assert.equal(read(box(token, ',"extra":1')), -1);
    assert.equal(read(box(token, ',"detection_score":0.25')), -1);
    assert.equal(read(box(token).replace('"car"', '"c\\u0061r"')), -1);
    assert.equal(read(box('f'.repeat(32))), -1);
  });

  it('leaves boxes in other forms to JSON.parse and the schema, which accept them as before', () => {
    const token = 'b'.repeat(32);
    const { bytes, parsed } = loadBothWays([
      [token, `[${box(token, ',"extra":{"nested":[1]}')}]`],
      [`${token}1`, `[${box(`${token}1`, ',"detection_score":0.25')}]`],
      [
        token.replace('b', 'c'),
        `[${box(token.replace('b', 'c')).replace(`"${token.replace('b', 'c')}"`, `"\\u0063${'b'.repeat(31)}"`)}]`,
      ],
      [`${token}2`, `[${box(`${token}2`)}, ${box(`${token}2`).replace('"car"', '"c\\u0061r"')}]`],
      [`${token}3`, '[]'],
    ]);
    assertSameBoxes(bytes, parsed);
    assert.equal(bytes.boxes.score[1], 0.25, 'the later of two equal fields counts, as in JSON.parse');
  });

  it('reports a bad box in the words of the schema, at its path', () => {
    const token = 'd'.repeat(32);
    const collector = new BoxCollector({ source: 'r.json', pathPrefix: 'results' });
    const text = Buffer.from(`[${box(token)},${box(token).replace('[1.9,4.6,1.7]', '[1.9,4.6]')}]`);
    const { starts, ends } = objectRanges(text);
    assert.throws(
      () => collector.addSampleBytes(token, text, starts, ends),
      (err: Error) =>
        err.message.includes(`results["${token}"][1].size`) && err.message.includes('exactly 3'),
    );
  });
});
