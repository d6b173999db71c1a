import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonArrayFile } from '../../src/nuscenes/json-array-reader.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

describe('readJsonArrayFile: streaming a top-level array of records', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    dir = await makeTempDir('json-array');
  });
  after(() => dir.remove());

  async function file(name: string, text: string | Buffer): Promise<string> {
    const path = join(dir.path, name);
    await writeFile(path, text);
    return path;
  }

  async function readAll(path: string, chunkBytes?: number): Promise<unknown[]> {
    const out: unknown[] = [];
    const n = await readJsonArrayFile(
      path,
      (r, i) => {
        assert.equal(i, out.length);
        out.push(r);
      },
      chunkBytes,
    );
    assert.equal(n, out.length);
    return out;
  }

  const tricky = [
    { token: 'a', text: 'braces } { and ] [ in "quotes"', esc: '\\"}' },
    { token: 'b', nested: { list: [1, [2, { x: '}' }]], empty: {} }, name: 'Zürich 北京 🚗' },
    { token: 'c', n: -1.5e-7, t: true, f: false, z: null },
  ];

  it('returns every record, whatever the chunk size cuts through (strings, escapes, multi-byte UTF-8)', async () => {
    const path = await file('tricky.json', JSON.stringify(tricky, null, 2));
    for (const chunk of [1, 2, 3, 7, 64, 1 << 20])
      assert.deepEqual(await readAll(path, chunk), tricky, `chunk ${chunk}`);
  });

  it('reads an empty array and surrounding whitespace', async () => {
    assert.deepEqual(await readAll(await file('empty.json', ' \n[ \n ]\n')), []);
  });

  const faults: [string, string, RegExp][] = [
    [
      'not an array',
      '{"token": "a"}',
      /invalid JSON at byte 0 \(line 1, column 1\): expected "\[" opening the array/,
    ],
    [
      'a record that is not an object',
      '[{"a": 1},\n 42]',
      /byte 12 \(line 2, column 2\): expected a "\{" opening record #1/,
    ],
    [
      'a missing comma',
      '[{"a": 1}\n{"a": 2}]',
      /byte 10 \(line 2, column 1\): expected "," or "\]" after record #0/,
    ],
    ['a trailing comma', '[{"a": 1},\n]', /byte 11 \(line 2, column 1\): expected a "\{" opening record #1/],
    [
      'a bad value inside a record',
      '[\n{"a": 1},\n{"a": tru}\n]',
      /byte 12 \(line 3, column 1\): record #1: .*JSON/,
    ],
    [
      'content after the array',
      '[{"a": 1}] x',
      /byte 11 \(line 1, column 12\): unexpected content after the closing "\]"/,
    ],
    [
      'a truncated record',
      '[{"a": 1}, {"b": "x',
      /byte 11 \(line 1, column 12\): record #1 is not terminated/,
    ],
    ['an empty file', '', /byte 0 \(line 1, column 1\): unexpected end of file/],
  ];
  for (const [what, text, message] of faults) {
    it(`names the file, byte, line and column of ${what}`, async () => {
      const path = await file('fault.json', text);
      for (const chunk of [1, 5, 1 << 20]) {
        await assert.rejects(readAll(path, chunk), (err: Error) => {
          assert.ok(err.message.startsWith(`${path}: `), err.message);
          assert.match(err.message, message);
          return true;
        });
      }
    });
  }

  it('names a missing file', async () => {
    await assert.rejects(readAll(join(dir.path, 'absent.json')), /absent\.json: file not found/);
  });
});
