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

  it('decodes PNG exactly, dropping alpha', async () => {
    const png = new PNG({ width: W, height: H });
    rgba().copy(png.data);
    const image = await decodeImage(PNG.sync.write(png), 'frame.png');
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

  it('decodes a 16-bit grey PNG to 8-bit RGB', async () => {
    const png = new PNG({
      width: 2,
      height: 1,
      bitDepth: 16,
      colorType: 0,
      inputColorType: 0,
      inputHasAlpha: false,
    });
    const bytes = PNG.sync.write(
      Object.assign(png, { data: Buffer.from(new Uint16Array([0, 65535]).buffer) }),
      {
        bitDepth: 16,
        colorType: 0,
        inputColorType: 0,
        inputHasAlpha: false,
      },
    );
    const image = await decodeImage(bytes, 'grey.png');
    assert.deepEqual([...image.data], [0, 0, 0, 255, 255, 255]);
  });

  it('refuses a truncated JPEG instead of decoding a partial frame', async () => {
    const bytes = jpeg.encode({ data: rgba(), width: W, height: H }, 90).data;
    await assert.rejects(
      decodeImage(bytes.subarray(0, bytes.length >> 1), 'cam/z.jpg'),
      /cam\/z\.jpg: cannot decode JPEG/,
    );
  });

  it('names the file of bytes that are no image, a corrupt PNG and a missing file', async () => {
    await assert.rejects(
      decodeImage(new Uint8Array([1, 2, 3, 4]), 'cam/x.jpg'),
      /cam\/x\.jpg: not a JPEG or PNG image \(starts with bytes 01020304\)/,
    );
    const png = new PNG({ width: W, height: H });
    const bytes = PNG.sync.write(png);
    await assert.rejects(decodeImage(bytes.subarray(0, 40), 'cam/y.png'), /cam\/y\.png: cannot decode PNG/);
    await assert.rejects(
      readImage(join(dir.path, 'none.jpg')),
      /none\.jpg: cannot read image: file not found/,
    );
  });
});
