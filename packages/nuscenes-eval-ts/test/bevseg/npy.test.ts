import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../src/bevseg/npy-writer.ts';
import { NpyFile } from '../../src/index.ts';

describe('.npy reader', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'npy-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads float32, float64, uint8 and bool arrays in format versions 1 and 2', () => {
    const f32 = Float32Array.from([0.25, 0.35, Math.fround(0.1)]);
    writeNpy(join(dir, 'a.npy'), '<f4', [3], f32);
    const a = NpyFile.open(join(dir, 'a.npy'));
    assert.deepEqual(a.header.shape, [3]);
    assert.deepEqual(a.readAll(), f32);
    a.close();
    const f64 = Float64Array.from([1, 2, 3, 4, 5, 6]);
    writeNpy(join(dir, 'b.npy'), '<f8', [2, 3], f64, { version: 2 });
    const b = NpyFile.open(join(dir, 'b.npy'));
    assert.equal(b.header.dtype, 'float64');
    assert.deepEqual(b.read(3, 3), Float64Array.from([4, 5, 6]));
    b.close();
    for (const descr of ['|u1', '|b1']) {
      writeNpy(join(dir, 'c.npy'), descr, [2, 2], Uint8Array.from([0, 1, 1, 0]));
      const c = NpyFile.open(join(dir, 'c.npy'));
      assert.deepEqual(c.readAll(), Uint8Array.from([0, 1, 1, 0]));
      assert.equal(c.itemLength, 2);
      c.close();
    }
  });

  it('names the file and the problem for what it cannot read', () => {
    const path = join(dir, 'bad.npy');
    const rejects = (message: RegExp) => assert.throws(() => NpyFile.open(path), message);
    writeFileSync(path, 'not numpy at all');
    rejects(/bad.npy: is not a .npy file \(no \\x93NUMPY magic\)/);
    writeNpy(path, '>f4', [2], new Uint8Array(8));
    rejects(/bad.npy: dtype '>f4' is not supported \(big-endian/);
    writeNpy(path, '<i8', [2], new BigInt64Array(2));
    rejects(/bad.npy: dtype '<i8' is not supported; expected one of <f4, <f8, \|u1, <u1, \|b1/);
    writeNpy(path, '<f4', [2, 2], new Float32Array(4), { fortranOrder: true });
    rejects(/bad.npy: is in Fortran order/);
    writeNpy(path, '<f4', [6, 4], new Float32Array(20));
    rejects(/bad.npy: holds \d+ bytes but its header \(shape \[6,4\], float32\) needs \d+/);
    assert.throws(() => NpyFile.open(join(dir, 'missing.npy')), /missing.npy: cannot be opened/);
  });
});
