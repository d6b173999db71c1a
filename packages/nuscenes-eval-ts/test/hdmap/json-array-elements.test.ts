import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MapInputError } from '../../src/hdmap/errors.ts';
import { streamArrayField } from '../../src/hdmap/json-array-elements.ts';

describe('streaming the array field of a top-level JSON object', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hdmap-json-array-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  /** Streams `GTs` of `text`, collecting what the handler is given. */
  async function read(name: string, text: string) {
    const elements: unknown[] = [];
    const others: [string, unknown][] = [];
    const found = await streamArrayField(write(name, text), 'GTs', {
      element: (value, index) => {
        assert.equal(index, elements.length);
        elements.push(value);
      },
      otherField: (key, value) => others.push([key, value]),
    });
    return { found, elements, others };
  }
  async function rejects(name: string, text: string, message: RegExp) {
    await assert.rejects(read(name, text), (e: unknown) => {
      assert.ok(e instanceof MapInputError, `expected a MapInputError, got ${e}`);
      assert.match(e.message, message);
      assert.ok(e.message.includes(`${name}: `), `the error names the file: ${e.message}`);
      return true;
    });
  }

  it('hands over each element and every other field, parsed, with spaces anywhere between tokens', async () => {
    const text = ' {\n "meta" : {"x": [1, 2]} ,\t"GTs" : [ 1 , {"a": [2, "],"]} ,[] ] , "z": null }\n';
    assert.deepEqual(JSON.parse(text).GTs, [1, { a: [2, '],'] }, []]);
    assert.deepEqual(await read('valid.json', text), {
      found: true,
      elements: [1, { a: [2, '],'] }, []],
      others: [
        ['meta', { x: [1, 2] }],
        ['z', null],
      ],
    });
  });

  it('accepts an empty array and an empty object, and says whether the field was there', async () => {
    assert.deepEqual(await read('empty-array.json', '{"GTs": []}'), {
      found: true,
      elements: [],
      others: [],
    });
    assert.deepEqual(await read('empty-object.json', '{}'), { found: false, elements: [], others: [] });
  });

  describe('rejects what JSON.parse rejects: a trailing comma', () => {
    it('after the last top-level field', async () => {
      await rejects(
        'after-other.json',
        '{"GTs": [], "x": 1,}',
        /after-other.json: trailing comma before "}" in the top-level object \(byte 19\)/,
      );
    });

    it('after the streamed array as the last field', async () => {
      await rejects(
        'after-array.json',
        '{"x": 1, "GTs": [1, 2],\n}',
        /after-array.json: trailing comma before "}" in the top-level object \(byte 24\)/,
      );
    });

    it('after the last element of the streamed array', async () => {
      await rejects(
        'in-array.json',
        '{"GTs": [1, {"a": 2}, ]}',
        /in-array.json: trailing comma before "]" after element 1 of "GTs" \(byte 22\)/,
      );
    });

    it('inside an element or another field, through JSON.parse', async () => {
      await rejects('in-element.json', '{"GTs": [[1,]]}', /in-element.json: invalid JSON: .* \(byte 13\)/);
      await rejects(
        'in-other.json',
        '{"x": {"a": 1,}, "GTs": []}',
        /in-other.json: invalid JSON: .* \(byte 15\)/,
      );
    });

    it('and an empty field or element between commas', async () => {
      await rejects('empty-key.json', '{"x": 1,, "GTs": []}', /empty-key.json: expected a key \(byte 8\)/);
      await rejects(
        'empty-element.json',
        '{"GTs": [1,,2]}',
        /empty-element.json: expected element 1 of "GTs" \(byte 11\)/,
      );
      await rejects('leading.json', '{"GTs": [,1]}', /leading.json: expected element 0 of "GTs" \(byte 9\)/);
    });
  });

  describe('rejects a top-level key given twice, naming the key and where the second one starts', () => {
    it('the streamed array, before its second copy is streamed', async () => {
      const elements: unknown[] = [];
      const path = write('twice.json', '{"GTs": [1], "GTs": [2, 3]}');
      await assert.rejects(
        streamArrayField(path, 'GTs', { element: (value) => void elements.push(value) }),
        /twice.json: key "GTs" appears more than once in the top-level object \(byte 13\)/,
      );
      assert.deepEqual(elements, [1]);
    });

    it('any other key, whose values JSON.parse would silently let the last one win', async () => {
      await rejects(
        'meta-twice.json',
        '{"meta": 1, "GTs": [], "meta": 2}',
        /meta-twice.json: key "meta" appears more than once in the top-level object \(byte 23\)/,
      );
    });

    it('compares keys after unescaping, as JSON.parse does', async () => {
      await rejects(
        'escaped-twice.json',
        '{"GTs": [], "G\\u0054s": []}',
        /escaped-twice.json: key "GTs" appears more than once in the top-level object \(byte 12\)/,
      );
    });
  });
});
