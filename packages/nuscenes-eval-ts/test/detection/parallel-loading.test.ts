import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DetectionBoxJson,
  DetectionInputError,
  type EvalBoxes,
  evalBoxesFromObject,
  loadEvalBoxesFile,
  loadPredictionFile,
  SHORTEST_BOX_BYTES,
} from '../../src/index.ts';
import { box } from './box-builders.ts';

const dir = mkdtempSync(join(tmpdir(), 'det-parallel-'));
let fileNo = 0;
function file(text: string): string {
  const path = join(dir, `f${fileNo++}.json`);
  writeFileSync(path, text);
  return path;
}

/** A submission of about 7 MB: over the size below which files are parsed in the reading thread. */
function largeResults(): Record<string, DetectionBoxJson[]> {
  const results: Record<string, DetectionBoxJson[]> = {};
  for (let s = 0; s < 60; s++) {
    const token = `sample-${s}-ü`;
    results[token] = Array.from({ length: 300 }, (_, i) =>
      box(token, i % 2 ? 'car' : 'pedestrian', i * 0.37, s - i / 7, {
        detection_score: ((i * 7919) % 1000) / 1000,
        yaw: i / 50,
        velocity: i % 5 ? [i / 3, -s] : [null as unknown as number, null as unknown as number],
      }),
    );
  }
  return results;
}

function submission(results: Record<string, unknown>): string {
  const text = JSON.stringify({ meta: { use_camera: true }, results }).replaceAll('null', 'NaN');
  assert.ok(text.length > 4 << 20, 'files under 4 MB are never parsed on workers');
  return text;
}

function plain(boxes: EvalBoxes) {
  const { count, ...columns } = boxes.boxes;
  return {
    sampleTokens: boxes.sampleTokens,
    sampleOffsets: Array.from(boxes.sampleOffsets),
    count,
    columns: Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, Array.from(v)])),
  };
}

async function loadError(path: string, workers: number): Promise<string> {
  try {
    await loadPredictionFile(path, { workers });
  } catch (err) {
    assert.ok(err instanceof DetectionInputError, `expected a DetectionInputError, got ${err}`);
    return err.message.replace(path, 'R.json');
  }
  throw new Error('the file was accepted');
}

describe('detection files parsed on worker threads', () => {
  it('gives the same boxes, samples and meta as parsing in the reading thread', async () => {
    const path = file(submission(largeResults()));
    const inThread = await loadPredictionFile(path, { workers: 0 });
    const onWorkers = await loadPredictionFile(path, { workers: 2 });
    assert.equal(onWorkers.boxes.boxes.count, 18000);
    assert.deepEqual(plain(onWorkers.boxes), plain(inThread.boxes));
    assert.deepEqual(onWorkers.meta, { use_camera: true });
  });

  it('reports the first bad box by position when batches on two workers both have one', async () => {
    const results = largeResults();
    // The early problem sits at the end of its batch, the late one at the start of a later batch, so the
    // worker holding the later one finishes first.
    results['sample-3-ü'][299].size = [1, 2] as unknown as [number, number, number];
    results['sample-50-ü'][0].detection_name = 'tram' as 'car';
    const path = file(submission(results));
    const expected = 'R.json: results["sample-3-ü"][299].size: must have exactly 3 elements, got 2';
    assert.equal(await loadError(path, 2), expected);
    assert.equal(await loadError(path, 0), expected);
  });

  it('reports a bad box before a later problem of the file itself', async () => {
    const results = largeResults();
    results['sample-40-ü'][10].sample_token = 'other';
    const text = submission(results);
    const path = file(text.slice(0, text.length - 1000));
    const expected =
      'R.json: results["sample-40-ü"][10].sample_token: is "other" but the box is listed under "sample-40-ü"; they must be equal';
    assert.equal(await loadError(path, 2), expected);
  });

  it('reports a problem of the file itself once the boxes before it are found valid', async () => {
    const text = submission(largeResults());
    const path = file(text.slice(0, text.length - 1000));
    const expected = await loadError(path, 0);
    assert.match(expected, /^R\.json \(byte \d+\): unexpected end of file/);
    assert.equal(await loadError(path, 2), expected);
  });

  it('sizes its columns by the shortest valid box, and still reports boxes too short to be valid', async () => {
    const shortest = box('', 'car', 0, 0, { size: [0, 0, 0], rotation: [0, 0, 0, 0] });
    const { detection_score: _, ...required } = { ...shortest, translation: [0, 0, 0] };
    assert.equal(JSON.stringify(required).length, SHORTEST_BOX_BYTES);
    assert.equal(evalBoxesFromObject({ '': [required] }).boxes.count, 1);
    const path = file(`{"a":[${Array(20).fill('{}').join(',')}]}`);
    await assert.rejects(loadEvalBoxesFile(path, { workers: 0 }), {
      message: `${path}: ["a"][0].sample_token: is required`,
    });
  });
});
