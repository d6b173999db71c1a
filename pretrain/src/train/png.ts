import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** An RGB raster (values 0-255) that can be written as PNG. */
export class Raster {
  readonly data: Uint8ClampedArray;

  constructor(
    readonly width: number,
    readonly height: number,
    background: [number, number, number] = [255, 255, 255],
  ) {
    this.data = new Uint8ClampedArray(width * height * 3);
    for (let i = 0; i < width * height; i++) this.data.set(background, i * 3);
  }

  set(x: number, y: number, rgb: readonly [number, number, number]): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    this.data.set(rgb, (yi * this.width + xi) * 3);
  }

  line(x0: number, y0: number, x1: number, y1: number, rgb: readonly [number, number, number]): void {
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let i = 0; i <= n; i++) this.set(x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n, rgb);
  }

  /** Pastes an RGB [h, w, 3] image with values in [0, 1] at (x, y), each pixel scaled up `scale` times. */
  paste(image: Float32Array, w: number, h: number, x: number, y: number, scale = 1): void {
    for (let v = 0; v < h * scale; v++) {
      for (let u = 0; u < w * scale; u++) {
        const o = (Math.floor(v / scale) * w + Math.floor(u / scale)) * 3;
        this.set(x + u, y + v, [image[o] * 255, image[o + 1] * 255, image[o + 2] * 255]);
      }
    }
  }

  write(file: string): void {
    const png = new PNG({ width: this.width, height: this.height });
    for (let i = 0; i < this.width * this.height; i++) {
      png.data[4 * i] = this.data[3 * i];
      png.data[4 * i + 1] = this.data[3 * i + 1];
      png.data[4 * i + 2] = this.data[3 * i + 2];
      png.data[4 * i + 3] = 255;
    }
    writeFileSync(file, PNG.sync.write(png));
  }
}
