import sharp from 'sharp';

/**
 * Baseline JPEG encoding of the rendered frames with libvips (sharp, pinned to an exact version in package.json so
 * the same seed keeps giving the same bytes: another libjpeg or libvips may quantise or entropy-code differently).
 * 4:2:0 chroma as in nuScenes' camera JPEGs; Huffman tables optimised per image, no progressive scans.
 */
export class JpegEncoder {
  constructor(readonly quality: number) {}

  /** Baseline JPEG of an RGBA image (alpha is dropped). */
  async encode(rgba: Uint8Array, width: number, height: number): Promise<Buffer> {
    return sharp(rgba, { raw: { width, height, channels: 4 } })
      .removeAlpha()
      .jpeg({
        quality: this.quality,
        chromaSubsampling: '4:2:0',
        optimiseCoding: true,
        progressive: false,
        mozjpeg: false,
        trellisQuantisation: false,
        overshootDeringing: false,
        optimiseScans: false,
      })
      .toBuffer();
  }
}
