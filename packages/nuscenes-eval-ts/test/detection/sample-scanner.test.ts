import assert from 'node:assert/strict';
import { type CapturedSample, parseSampleList, SampleScanner } from '../../src/index.ts';

/** A captured sample as (token, parsed list, box count). */
function parsed(sample: CapturedSample): [string, unknown, number] {
  const bytes = Buffer.concat(sample.parts, sample.byteLength);
  const where = `f.json: [${JSON.stringify(sample.token)}]`;
  return [
    sample.token,
    parseSampleList(bytes, sample.boxStarts, sample.boxEnds, where),
    sample.boxStarts.length,
  ];
}

/**
 * Feeds `text` to a scanner in pieces of `size` bytes and returns what it reported. With `reuse`, every piece
 * is written into the same buffer, as the file reader does.
 */
function scan(text: string, size: number, samplesAt: 'root' | 'results' = 'results', reuse = false) {
  const samples: [string, unknown, number][] = [];
  const topLevel: [string, unknown][] = [];
  const scanner = new SampleScanner(
    { samplesAt, source: 'f.json' },
    { sample: (s) => samples.push(parsed(s)), topLevel: (k, v) => topLevel.push([k, v]) },
  );
  const bytes = Buffer.from(text);
  const shared = Buffer.alloc(size);
  for (let i = 0; i < bytes.length; i += size) {
    const piece = bytes.subarray(i, i + size);
    scanner.write(reuse ? shared.subarray(0, piece.copy(shared)) : piece);
  }
  scanner.end();
  return { samples, topLevel };
}

describe('streaming sample scanner', () => {
  const doc = JSON.stringify({
    meta: { use_camera: true, note: 'braces } ] in "strings" \\ and \u00e9' },
    extra: [1, { a: 'x' }],
    count: -12.5e3,
    flag: null,
    results: {
      'tok "1"': [{ sample_token: 'tok "1"', name: '}]{[', v: [1.5, -2] }, { n: 'ünïcödé' }],
      t2: [],
    },
    after: 'end',
  }).replace('"v":[1.5,-2]', '"v":[NaN, -2]');

  for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
    it(`reports the same samples and top-level values with ${size}-byte chunks`, () => {
      const { samples, topLevel } = scan(doc, size);
      assert.deepEqual(samples, [
        ['tok "1"', [{ sample_token: 'tok "1"', name: '}]{[', v: [null, -2] }, { n: 'ünïcödé' }], 2],
        ['t2', [], 0],
      ]);
      assert.deepEqual(topLevel, [
        ['meta', { use_camera: true, note: 'braces } ] in "strings" \\ and é' }],
        ['extra', [1, { a: 'x' }]],
        ['count', -12500],
        ['flag', null],
        ['after', 'end'],
      ]);
    });
  }

  it('copes with a reader that fills the same buffer for every chunk', () => {
    for (const size of [1, 5, 64]) assert.deepEqual(scan(doc, size, 'results', true), scan(doc, 1 << 20));
  });

  it('reads samples at the top level for EvalBoxes files', () => {
    const { samples } = scan(' { "a" : [ {"x": 1} ] , "b":[] } ', 3, 'root');
    assert.deepEqual(samples, [
      ['a', [{ x: 1 }], 1],
      ['b', [], 0],
    ]);
  });

  it('stops at the first sample over the box limit without reading further', () => {
    const scanner = new SampleScanner(
      { samplesAt: 'root', source: 'f.json', maxBoxesPerSample: 2 },
      { sample: () => assert.fail('no sample should be delivered') },
    );
    assert.throws(() => scanner.write(Buffer.from('{"a":[{},{},{}')), {
      message: 'f.json: ["a"]: more than 2 boxes (max_boxes_per_sample)',
    });
  });

  it('rejects a literal other than NaN', () => {
    assert.throws(() => scan('{"meta":{},"results":{"a":[Nope]}}', 4), /invalid literal/);
  });

  it('rejects a missing colon and a trailing comma', () => {
    assert.throws(() => scan('{"meta" {}}', 4), /f\.json \(byte 8\): expected `:` after the key/);
    assert.throws(() => scan('{"meta":{},}', 4), /expected a key after `,`/);
  });
});
