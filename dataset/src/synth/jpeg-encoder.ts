import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';

interface JpegEncoderInstance {
  encode(image: { data: Uint8Array; width: number; height: number }, quality: number): Buffer;
}
type JpegEncoderConstructor = new (quality: number) => JpegEncoderInstance;

let encoderClass: JpegEncoderConstructor | undefined;

/**
 * jpeg-js's baseline encoder, reused across images. jpeg-js only exports `encode`, which rebuilds the encoder's
 * Huffman and colour tables on every call (~80 ms, more than encoding a 400x225 image); its encoder module defines
 * the reusable `JPEGEncoder` constructor at top level, so we evaluate that module in a wrapper that hands it back.
 * Output bytes are exactly those of `jpeg.encode`: per-image state (bit writer, DC predictors) is reset by each call.
 */
export class JpegEncoder {
  private readonly encoder: JpegEncoderInstance;

  constructor(readonly quality: number) {
    this.encoder = new (loadEncoderClass())(quality);
  }

  /** Baseline JPEG of an RGBA image. */
  encode(rgba: Uint8Array, width: number, height: number): Buffer {
    return this.encoder.encode({ data: rgba, width, height }, this.quality);
  }
}

function loadEncoderClass(): JpegEncoderConstructor {
  if (!encoderClass) {
    const require = createRequire(import.meta.url);
    const path = require.resolve('jpeg-js/lib/encoder.js');
    const wrapped = `(function (module) {\n${readFileSync(path, 'utf8')}\n;return JPEGEncoder;\n})`;
    const factory = runInThisContext(wrapped, { filename: path }) as (
      module: object,
    ) => JpegEncoderConstructor;
    encoderClass = factory({ exports: {} });
  }
  return encoderClass;
}
