import { readFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** An 8-bit RGB image, row-major, 3 bytes per pixel. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** nuScenes camera frames are 1600x900; jpeg-js' default 100 MP cap would also pass, this keeps memory bounded. */
const MAX_RESOLUTION_MP = 50;

function rgbaToRgb(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return rgb;
}

/** Decodes JPEG (jpeg-js) or PNG (pngjs) bytes; `source` names the file in errors. */
export function decodeImage(bytes: Uint8Array, source: string): RgbImage {
  const isPng =
    bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  try {
    if (isJpeg) {
      const { width, height, data } = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: false,
        maxResolutionInMP: MAX_RESOLUTION_MP,
      });
      return { width, height, data };
    }
    if (isPng) {
      // pngjs expands palette, grey and 16-bit images to 8-bit RGBA.
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: rgbaToRgb(png.data, png.width, png.height) };
    }
  } catch (err) {
    throw new Error(`${source}: cannot decode ${isPng ? 'PNG' : 'JPEG'}: ${(err as Error).message}`);
  }
  throw new Error(
    `${source}: not a JPEG or PNG image (starts with bytes ${Buffer.from(bytes.subarray(0, 4)).toString('hex') || 'none: empty file'})`,
  );
}

export async function readImage(path: string): Promise<RgbImage> {
  const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`${path}: cannot read image: ${err.code === 'ENOENT' ? 'file not found' : err.message}`);
  });
  return decodeImage(bytes, path);
}
