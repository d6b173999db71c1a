import assert from 'node:assert/strict';
import { readSafetensors } from '../../src/index.ts';

/** A file from a header given as text (unpadded) and the data bytes, with an optional declared header length. */
function file(header: string, data = new Uint8Array(0), declaredLength?: bigint): Uint8Array {
  const json = Buffer.from(header, 'utf8');
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (name: string, shape: number[], begin: number, end: number) =>
  `"${name}":{"dtype":"F32","shape":[${shape}],"data_offsets":[${begin},${end}]}`;

function refuses(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => readSafetensors(bytes, 'w.safetensors'), message);
}

describe('safetensors reader on malformed files', () => {
  it('accepts the well-formed file these cases are made from', () => {
    const ok = file(`{${f32('a', [2], 0, 8)},${f32('b', [1], 8, 12)}}`, new Uint8Array(12));
    assert.deepEqual([...readSafetensors(ok, 'w.safetensors').tensors.keys()], ['a', 'b']);
  });

  it('refuses a file shorter than the header length field', () => {
    refuses(new Uint8Array(5), /^Error: w\.safetensors: 5 bytes, too short for a safetensors file$/);
  });

  it('refuses a header length that runs past the end of the file', () => {
    refuses(file('{}', new Uint8Array(0), 4000n), /w\.safetensors: header length 4000 runs past the end/);
    refuses(file('{}', new Uint8Array(0), 2n ** 63n), /header length 9223372036854775808 runs past the end/);
  });

  it('refuses a header that is not UTF-8, not JSON or not an object', () => {
    const latin1 = file('{"a":1}');
    latin1[10] = 0xff;
    refuses(latin1, /w\.safetensors: header is not valid UTF-8/);
    refuses(file('{"a": {'), /w\.safetensors: header is not valid JSON/);
    refuses(file('[1, 2]'), /w\.safetensors: header is not a JSON object/);
  });

  it('refuses a tensor name given twice, though JSON.parse would keep the last silently', () => {
    refuses(
      file(`{${f32('a', [1], 0, 4)}, ${f32('a', [1], 0, 4)}}`, new Uint8Array(4)),
      /w\.safetensors: header names a twice/,
    );
  });

  it('refuses metadata that is not a map of strings, naming the key', () => {
    refuses(file('{"__metadata__":{"step":3}}'), /w\.safetensors: __metadata__\.step is 3, not a string/);
    refuses(file('{"__metadata__":"x"}'), /w\.safetensors: __metadata__ is not an object of strings/);
  });

  it('refuses dtypes it does not read and entries missing a field, naming the tensor', () => {
    const i64 = '{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}';
    refuses(
      file(i64, new Uint8Array(8)),
      /w\.safetensors: tensor ids: dtype I64 is not read \(only F32, F16/,
    );
    refuses(file('{"w":{"shape":[1],"data_offsets":[0,4]}}'), /tensor w: dtype is missing/);
    refuses(
      file('{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}'),
      /tensor w: shape \[1\.5\] is not/,
    );
    refuses(file('{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}'), /tensor w: data_offsets \[4,0\]/);
    refuses(file('{"w":[]}'), /tensor w: entry is not an object/);
  });

  it('refuses a shape whose size differs from the byte span, naming the tensor and both sizes', () => {
    refuses(
      file(`{${f32('w', [2, 3], 0, 20)}}`, new Uint8Array(20)),
      /tensor w: shape \[2,3\] of F32 is 24 bytes, data_offsets \[0, 20\] hold 20/,
    );
  });

  it('refuses overlapping tensors and gaps between them', () => {
    refuses(
      file(`{${f32('a', [2], 0, 8)},${f32('b', [2], 4, 12)}}`, new Uint8Array(12)),
      /tensor b at data_offsets \[4, 12\] overlaps tensor a \(which ends at byte 8\)/,
    );
    refuses(
      file(`{${f32('a', [1], 0, 4)},${f32('b', [1], 8, 12)}}`, new Uint8Array(12)),
      /tensor b at data_offsets \[8, 12\] leaves a gap after tensor a/,
    );
    refuses(
      file(`{${f32('a', [1], 4, 8)}}`, new Uint8Array(8)),
      /tensor a .* leaves a gap after the data start/,
    );
  });

  it('refuses offsets past the data, and data left over after the last tensor', () => {
    refuses(
      file(`{${f32('a', [1], 0, 4)},${f32('b', [2], 4, 12)}}`, new Uint8Array(10)),
      /w\.safetensors: tensor b ends at data byte 12, past the 10 bytes of data \(truncated\?\)/,
    );
    refuses(file(`{${f32('a', [1], 0, 4)}}`, new Uint8Array(6)), /2 bytes after the end of tensor a/);
  });
});
