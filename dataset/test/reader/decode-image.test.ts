import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage, readImage } from '../../src/images/decode-image.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { patternPixel } from '../helpers/tiny-dataroot.ts';

const W = 24;
const H = 10;

function rgba(): Buffer {
  const data = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) data.set([...patternPixel(x, y, 3), 255], 4 * (y * W + x));
  return data;
}

function expectedRgb(): number[] {
  const out: number[] = [];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out.push(...patternPixel(x, y, 3));
  return out;
}

describe('image decoding to RGB', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => {
    dir = await makeTempDir('nusc-images');
  });
  after(() => dir.remove());

  it('decodes PNG exactly, dropping alpha', () => {
    const png = new PNG({ width: W, height: H });
    rgba().copy(png.data);
    const image = decodeImage(PNG.sync.write(png), 'frame.png');
    assert.equal(image.width, W);
    assert.equal(image.height, H);
    assert.deepEqual([...image.data], expectedRgb());
  });

  it('decodes JPEG to RGB within compression error', async () => {
    const path = join(dir.path, 'frame.jpg');
    await writeFile(path, jpeg.encode({ data: rgba(), width: W, height: H }, 100).data);
    const image = await readImage(path);
    assert.equal(image.data.length, W * H * 3);
    const expected = expectedRgb();
    const worst = Math.max(...[...image.data].map((v, i) => Math.abs(v - expected[i])));
    assert.ok(worst <= 12, `largest error ${worst}`);
  });

  it('names the file of bytes that are no image, a corrupt PNG and a missing file', async () => {
    assert.throws(
      () => decodeImage(new Uint8Array([1, 2, 3, 4]), 'cam/x.jpg'),
      /cam\/x\.jpg: not a JPEG or PNG image \(starts with bytes 01020304\)/,
    );
    const png = new PNG({ width: W, height: H });
    const bytes = PNG.sync.write(png);
    assert.throws(() => decodeImage(bytes.subarray(0, 40), 'cam/y.png'), /cam\/y\.png: cannot decode PNG/);
    await assert.rejects(
      readImage(join(dir.path, 'none.jpg')),
      /none\.jpg: cannot read image: file not found/,
    );
  });
});
