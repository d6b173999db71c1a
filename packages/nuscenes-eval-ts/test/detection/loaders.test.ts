import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DetectionInputError,
  evalBoxesFromObject,
  LOAD_CHUNK_BYTES,
  loadEvalBoxesFile,
  loadPredictionFile,
  submissionFromObject,
} from '../../src/index.ts';
import { box } from './box-builders.ts';

const dir = mkdtempSync(join(tmpdir(), 'det-loaders-'));
let fileNo = 0;
function file(text: string): string {
  const path = join(dir, `f${fileNo++}.json`);
  writeFileSync(path, text);
  return path;
}

async function loadError(text: string): Promise<string> {
  const path = file(text);
  try {
    await loadPredictionFile(path);
  } catch (err) {
    assert.ok(err instanceof DetectionInputError, `expected a DetectionInputError, got ${err}`);
    return err.message.replace(path, 'R.json');
  }
  throw new Error('the file was accepted');
}

function submission(results: Record<string, unknown>): string {
  return JSON.stringify({ meta: { use_lidar: true }, results });
}

describe('detection submission loading and validation', () => {
  it('loads boxes in file order with the devkit defaults', async () => {
    const { boxes, meta } = await loadPredictionFile(
      file(
        submission({
          b: [box('b', 'car', 1, 2, { detection_score: 0.25 })],
          a: [],
          c: [{ ...box('c', 'bus', 3, 4, { attribute_name: 'vehicle.moving' }), detection_score: undefined }],
        }),
      ),
    );
    assert.deepEqual(meta, { use_lidar: true });
    assert.deepEqual(boxes.sampleTokens, ['b', 'a', 'c']);
    assert.deepEqual(Array.from(boxes.sampleOffsets), [0, 1, 1, 2]);
    assert.deepEqual(Array.from(boxes.boxes.score), [0.25, -1]);
    assert.deepEqual(Array.from(boxes.boxes.numPts), [-1, -1]);
    assert.deepEqual(Array.from(boxes.boxes.attributeCode), [0, 6]);
  });

  it('accepts Python NaN literals and null in velocity only', async () => {
    const text = submission({ a: [box('a', 'car', 1, 2)] }).replace(
      '"velocity":[0,0]',
      '"velocity":[NaN,null]',
    );
    const { boxes } = await loadPredictionFile(file(text));
    assert.ok(Number.isNaN(boxes.boxes.velocityX[0]) && Number.isNaN(boxes.boxes.velocityY[0]));
    const bad = submission({ a: [box('a', 'car', 1, 2)] }).replace(
      '"translation":[1,2,1]',
      '"translation":[1,NaN,1]',
    );
    assert.equal(
      await loadError(bad),
      'R.json: results["a"][0].translation[1]: must be number, got NaN (null)',
    );
  });

  const rejected: [string, Record<string, unknown> | string, string][] = [
    [
      'an unknown class',
      { a: [box('a', 'car', 0, 0, { detection_name: 'tram' as 'car' })] },
      'R.json: results["a"][0].detection_name: "tram" is not allowed; must be one of "car", "truck", "bus", "trailer", "construction_vehicle", "pedestrian", "motorcycle", "bicycle", "traffic_cone", "barrier"',
    ],
    [
      'an unknown attribute',
      { a: [box('a', 'car', 0, 0), box('a', 'car', 0, 0, { attribute_name: 'vehicle.flying' })] },
      'R.json: results["a"][1].attribute_name: "vehicle.flying" is not allowed; must be one of "pedestrian.moving", "pedestrian.sitting_lying_down", "pedestrian.standing", "cycle.with_rider", "cycle.without_rider", "vehicle.moving", "vehicle.parked", "vehicle.stopped", ""',
    ],
    [
      'a missing field',
      { a: [{ ...box('a', 'car', 0, 0), size: undefined }] },
      'R.json: results["a"][0].size: is required',
    ],
    [
      'a wrong length',
      { a: [box('a', 'car', 0, 0, { rotation: [1, 0, 0] as unknown as [number, number, number, number] })] },
      'R.json: results["a"][0].rotation: must have exactly 4 elements, got 3',
    ],
    [
      'a NaN score',
      { a: [box('a', 'car', 0, 0, { detection_score: null as unknown as number })] },
      'R.json: results["a"][0].detection_score: must be number, got NaN (null)',
    ],
    [
      'a box listed under another sample',
      { a: [box('b', 'car', 0, 0)] },
      'R.json: results["a"][0].sample_token: is "b" but the box is listed under "a"; they must be equal',
    ],
    [
      'more than 500 boxes in a sample',
      { a: Array.from({ length: 501 }, () => box('a', 'car', 0, 0)) },
      'R.json: results["a"]: more than 500 boxes (max_boxes_per_sample)',
    ],
    ['a sample that is not a list', { a: { x: 1 } }, 'R.json: results["a"]: must be a list of boxes'],
    ['a missing meta', JSON.stringify({ results: {} }), 'R.json: missing field `meta`'],
    ['a missing results', JSON.stringify({ meta: {} }), 'R.json: missing field `results`'],
    [
      'a sample token given twice',
      '{"meta":{},"results":{"a":[],"a":[]}}',
      'R.json: results["a"]: sample token appears more than once',
    ],
    [
      'a truncated file',
      '{"meta":{},"results":{"a":[',
      'R.json (byte 27): unexpected end of file: the JSON document is incomplete',
    ],
    [
      'trailing garbage',
      '{"meta":{},"results":{}} x',
      'R.json (byte 25): unexpected content after the end of the JSON document',
    ],
    ['a top-level array', '[]', 'R.json (byte 0): the file must hold a JSON object'],
  ];
  for (const [what, results, message] of rejected) {
    it(`rejects ${what}, naming the path and the rule`, async () => {
      const text = typeof results === 'string' ? results : submission(results);
      assert.equal(await loadError(text), message);
    });
  }

  it('reports invalid JSON inside a sample with its path', async () => {
    const message = await loadError('{"meta":{},"results":{"a":[{"x":1,}]}}');
    assert.match(message, /^R\.json: results\["a"\]\[0\]: invalid JSON \(/);
    const between = await loadError('{"meta":{},"results":{"a":[{"x":1} x {"x":2}]}}');
    assert.match(between, /^R\.json: results\["a"\]: invalid JSON \(/);
  });

  it('reports a missing file by name', async () => {
    await assert.rejects(loadPredictionFile(join(dir, 'nope.json')), {
      message: `${join(dir, 'nope.json')}: file not found`,
    });
  });

  it('streams a file larger than a read chunk and reports progress', async () => {
    const results: Record<string, unknown[]> = {};
    // Enough samples for two and a half chunks, some straddling two of them.
    const boxBytes = JSON.stringify(
      box('sample-1000', 'pedestrian', 99, 1000, { detection_score: 0.99 }),
    ).length;
    const samples = Math.ceil((2.5 * LOAD_CHUNK_BYTES) / (100 * boxBytes));
    for (let s = 0; s < samples; s++) {
      const t = `sample-${s}`;
      results[t] = Array.from({ length: 100 }, (_, i) =>
        box(t, 'pedestrian', i, s, { detection_score: i / 100 }),
      );
    }
    const text = submission(results);
    assert.ok(text.length > 2 * LOAD_CHUNK_BYTES, 'the file must span several read chunks');
    const seen: number[] = [];
    const { boxes } = await loadPredictionFile(file(text), { onBytes: (n) => seen.push(n) });
    assert.equal(boxes.boxes.count, samples * 100);
    assert.equal(boxes.sampleTokens[samples - 1], `sample-${samples - 1}`);
    assert.equal(boxes.boxes.centerX[samples * 100 - 1], 99);
    assert.equal(boxes.boxes.centerY[samples * 100 - 1], samples - 1);
    assert.ok(seen.length >= 3 && seen.at(-1) === Buffer.byteLength(text));
  });

  it('gives the same boxes whether a sample is read in place or goes through JSON.parse', async () => {
    const boxes = (t: string, extra = {}) =>
      Array.from({ length: 5 }, (_, i) =>
        box(t, i % 2 ? 'car' : 'barrier', i / 3, -i, {
          detection_score: i / 7,
          velocity: [i, -i / 9],
          ...extra,
        }),
      );
    const results = {
      usual: boxes('usual'),
      // An extra field, which the reader leaves to JSON.parse and the schema.
      extra: boxes('extra', { note: 'x' }),
      unknownSpeed: boxes('unknownSpeed', { velocity: [null, 0.5] }),
      later: boxes('later'),
    };
    const text = submission(results).replaceAll('null', 'NaN').replaceAll('},{', '},\n  {');
    const fromFile = await loadPredictionFile(file(text));
    const fromObject = submissionFromObject(JSON.parse(submission(results)));
    assert.deepEqual(fromFile.boxes, fromObject.boxes);
    assert.ok(Number.isNaN(fromFile.boxes.boxes.velocityX[10]));
  });

  it('loads ground truth in EvalBoxes form with num_pts and no box limit', async () => {
    const gt = {
      a: Array.from({ length: 600 }, (_, i) =>
        box('a', 'car', i, 0, { num_pts: i % 3, velocity: [null, 1] }),
      ),
    };
    const boxes = await loadEvalBoxesFile(file(JSON.stringify(gt)));
    assert.equal(boxes.boxes.count, 600);
    assert.deepEqual(Array.from(boxes.boxes.numPts.subarray(0, 4)), [0, 1, 2, 0]);
    assert.equal(JSON.stringify(evalBoxesFromObject(gt).boxes.numPts), JSON.stringify(boxes.boxes.numPts));
  });

  it('validates in-memory submissions by the same rules', () => {
    assert.throws(
      () =>
        submissionFromObject(
          { meta: {}, results: { a: [box('a', 'car', 0, 0, { size: [1, 2] as never })] } },
          'sub',
        ),
      {
        message: 'sub: results["a"][0].size: must have exactly 3 elements, got 2',
      },
    );
  });
});
