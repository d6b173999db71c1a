import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateChamfer, evaluateChamferFiles, loadMapGroundTruth, MapInputError } from '../../src/index.ts';
import { readChamferCases, samplesOf } from './fixture-cases.ts';

describe('MapTR results and GT files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hdmap-loaders-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    return path;
  };
  const [fixture] = readChamferCases('maptr_chamfer_unseen.json').filter((c) => c.gen_results.length >= 3);
  const gtFile = () => write('gt.json', { GTs: fixture.annotations });

  it('pairs results with GT by sample_token, whatever the order of either file', async () => {
    const reversed = write('results.json', { meta: {}, results: [...fixture.gen_results].reverse() });
    const result = await evaluateChamferFiles(reversed, gtFile());
    assert.deepEqual(result.metrics, fixture.expected);
    assert.deepEqual(result.metrics, evaluateChamfer(samplesOf(fixture)).metrics);
  });

  it('names the GT samples that have no results', async () => {
    const partial = write('partial.json', { meta: {}, results: fixture.gen_results.slice(1) });
    const token = fixture.annotations[0].sample_token;
    await assert.rejects(evaluateChamferFiles(partial, gtFile()), (e: Error) => {
      assert.ok(e instanceof MapInputError);
      assert.match(
        e.message,
        new RegExp(
          `partial.json: has no results for 1 of the ${fixture.annotations.length} GT samples \\("${token}"\\)`,
        ),
      );
      return true;
    });
  });

  it('names a result sample that is not in the GT, and one given twice', async () => {
    const extra = write('extra.json', {
      results: [...fixture.gen_results, { sample_token: 'nope', vectors: [] }],
    });
    await assert.rejects(
      evaluateChamferFiles(extra, gtFile()),
      new RegExp(
        `extra.json: /results/${fixture.gen_results.length}/sample_token: "nope" is not a sample of the GT`,
      ),
    );
    const twice = write('twice.json', { results: [fixture.gen_results[0], fixture.gen_results[0]] });
    await assert.rejects(
      evaluateChamferFiles(twice, gtFile()),
      /twice.json: \/results\/1\/sample_token: "[0-9a-f]+" appears twice/,
    );
  });

  it('reports schema violations with the JSON path and the rule', async () => {
    const vector = {
      pts: [
        [0, 0],
        [1, 1],
      ],
      type: 0,
      confidence_level: 0.5,
    };
    const cases: [unknown, RegExp][] = [
      [
        {
          results: [
            {
              sample_token: 'a',
              vectors: [
                vector,
                {
                  ...vector,
                  pts: [
                    [0, 0],
                    [1, 2, 3],
                  ],
                },
              ],
            },
          ],
        },
        /\/results\/0\/vectors\/1\/pts\/1: must NOT have more than 2 items \(schema rule "maxItems"\)/,
      ],
      [
        { results: [{ sample_token: 'a', vectors: [{ pts: vector.pts, type: 0 }] }] },
        /\/results\/0\/vectors\/0: must have property "confidence_level" \(schema rule "required"\)/,
      ],
      [
        { results: [{ sample_token: 'a', vectors: [{ ...vector, type: 3 }] }] },
        /\/results\/0\/vectors\/0\/type: must be <= 2 \(schema rule "maximum"\)/,
      ],
      [
        { results: [{ sample_token: 'a', vectors: [{ ...vector, confidence_level: 'high' }] }] },
        /\/results\/0\/vectors\/0\/confidence_level: must be number \(schema rule "type"\)/,
      ],
      [{ meta: [], results: [] }, /\/meta: must be object/],
      [{ meta: {} }, /must have property "results"/],
    ];
    const gt = write('gt-a.json', { GTs: [{ sample_token: 'a', vectors: [] }] });
    for (const [value, message] of cases) {
      await assert.rejects(evaluateChamferFiles(write('bad.json', value), gt), message);
    }
    await assert.rejects(
      loadMapGroundTruth(
        write('gt-bad.json', { GTs: [{ sample_token: 'a', vectors: [{ pts: [[0, 0]], type: 0 }] }] }),
      ),
      /gt-bad.json: \/GTs\/0\/vectors\/0\/pts: must NOT have fewer than 2 items \(schema rule "minItems"\)/,
    );
  });

  it("rejects Python's bare NaN and truncated files with the file and byte offset", async () => {
    const gt = write('gt-a.json', { GTs: [{ sample_token: 'a', vectors: [] }] });
    const nan = write(
      'nan.json',
      '{"results": [{"sample_token": "a", "vectors": [{"pts": [[NaN, 0], [1, 1]], "type": 0, "confidence_level": 1}]}]}',
    );
    await assert.rejects(evaluateChamferFiles(nan, gt), /nan.json: invalid JSON: .* \(byte \d+\)/);
    const cut = write('cut.json', '{"results": [{"sample_token": "a", "vectors": []}');
    await assert.rejects(evaluateChamferFiles(cut, gt), /cut.json: unexpected end of file \(byte 49\)/);
  });

  it('streams elements that straddle read chunks, with brackets and quotes inside strings', async () => {
    const token = 'x"]},{['.repeat(50);
    const filler = Array.from({ length: 13000 }, (_, i) => ({
      pts: [
        [i % 15, 1],
        [i % 15, 2.5],
      ],
      type: 0,
      confidence_level: i / 13000,
      note: '\\"[{',
    }));
    const results = write('big.json', {
      meta: { 'odd"key': '[' },
      results: [{ sample_token: token, vectors: filler }],
    });
    const gt = write('gt-big.json', {
      GTs: [
        {
          sample_token: token,
          vectors: [
            {
              pts: [
                [0, 1],
                [0, 2.5],
              ],
              type: 0,
            },
          ],
        },
      ],
    });
    const result = await evaluateChamferFiles(results, gt);
    assert.equal(result.numSamples, 1);
    assert.equal(result.curves[0].recall.length, 13000);
  });
});
