/**
 * One picture per sample for judging a segmentation by eye: the sample's camera images as the model saw them, and
 * below them, per class, the predicted probabilities beside the ground truth on the LIDAR_TOP grid (forward up,
 * right to the right, the lidar marked), titled with that sample's IoU at 0.5.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { drawText, textWidth } from '../plots/bitmap-font.ts';
import { PALETTE } from '../plots/line-chart.ts';
import { Raster, type Rgb } from '../plots/raster.ts';

export interface SamplePicture {
  token: string;
  /** [N, H, W, 3] RGB in [0, 1]. */
  images: Float32Array;
  cameras: number;
  imageHeight: number;
  imageWidth: number;
  /** [classes, X, Y] probabilities and masks, i along lidar x, j along lidar y. */
  probs: Float32Array;
  masks: Uint8Array;
  cellsX: number;
  cellsY: number;
  classes: readonly string[];
}

const MARGIN = 8;
const TEXT = 2;
const LINE = 7 * TEXT + 6;
const BACKGROUND: Rgb = [255, 255, 255];
const EMPTY: Rgb = [40, 40, 40];
const INK: Rgb = [0, 0, 0];
const LEGEND = 'per class: predicted probability (left), ground truth (right), lidar frame, forward up';

/** One class's IoU at a threshold of 0.5 in this sample; null when neither map has the class. */
function sampleIou(probs: Float32Array, masks: Uint8Array, offset: number, cells: number): number | null {
  let [tp, fp, fn] = [0, 0, 0];
  for (let k = offset; k < offset + cells; k++) {
    const [p, m] = [probs[k] >= 0.5, masks[k] !== 0];
    [tp, fp, fn] = [tp + (p && m ? 1 : 0), fp + (p && !m ? 1 : 0), fn + (!p && m ? 1 : 0)];
  }
  return tp + fp + fn === 0 ? null : tp / (tp + fp + fn);
}

/** A BEV map at (x0, y0), `px` pixels a cell: value v in [0, 1] blends EMPTY towards the class colour. */
function drawBev(
  raster: Raster,
  x0: number,
  y0: number,
  px: number,
  picture: SamplePicture,
  value: (k: number) => number,
  colour: Rgb,
): void {
  const { cellsX, cellsY } = picture;
  for (let i = 0; i < cellsX; i++) {
    for (let j = 0; j < cellsY; j++) {
      const v = Math.min(1, Math.max(0, value(i * cellsY + j)));
      const c = EMPTY.map((e, ch) => Math.round(e + (colour[ch] - e) * v)) as unknown as Rgb;
      // Lidar y (forward) up the picture, lidar x to the right.
      raster.fillRect(x0 + i * px, y0 + (cellsY - 1 - j) * px, px, px, c);
    }
  }
  const mark = Math.max(2, Math.round(px / 2));
  raster.fillRect(x0 + (cellsX * px - mark) / 2, y0 + (cellsY * px - mark) / 2, mark, mark, [255, 255, 255]);
}

export function renderSamplePicture(picture: SamplePicture): Buffer {
  const { cameras, imageHeight: H, imageWidth: W, cellsX, cellsY, classes } = picture;
  const px = Math.max(1, Math.floor(96 / Math.max(cellsX, cellsY)));
  const [bevW, bevH] = [cellsX * px, cellsY * px];
  const classW = Math.max(2 * bevW + MARGIN, ...classes.map((name) => textWidth(name, TEXT)));
  const width =
    Math.max(cameras * (W + MARGIN), classes.length * (classW + 2 * MARGIN), textWidth(LEGEND, TEXT)) +
    MARGIN;
  const height = MARGIN + 2 * LINE + H + MARGIN + 2 * LINE + bevH + MARGIN;
  const raster = new Raster(width, height, BACKGROUND);
  drawText(raster, `sample ${picture.token}`, MARGIN, MARGIN, INK, TEXT);
  drawText(raster, LEGEND, MARGIN, MARGIN + LINE, INK, TEXT);
  const camerasTop = MARGIN + 2 * LINE;
  for (let n = 0; n < cameras; n++) {
    const x0 = MARGIN + n * (W + MARGIN);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const o = ((n * H + y) * W + x) * 3;
        const rgb = [0, 1, 2].map((c) => Math.round(255 * Math.min(1, Math.max(0, picture.images[o + c]))));
        raster.plot(x0 + x, camerasTop + y, rgb as unknown as Rgb);
      }
    }
  }
  const classTop = camerasTop + H + MARGIN;
  const cells = cellsX * cellsY;
  classes.forEach((name, c) => {
    const x0 = MARGIN + c * (classW + 2 * MARGIN);
    const iou = sampleIou(picture.probs, picture.masks, c * cells, cells);
    drawText(raster, name, x0, classTop, INK, TEXT);
    drawText(raster, `iou at 0.5: ${iou === null ? '-' : iou.toFixed(2)}`, x0, classTop + LINE, INK, TEXT);
    const colour = PALETTE[c % PALETTE.length];
    const top = classTop + 2 * LINE;
    drawBev(raster, x0, top, px, picture, (k) => picture.probs[c * cells + k], colour);
    drawBev(raster, x0 + bevW + MARGIN, top, px, picture, (k) => picture.masks[c * cells + k], colour);
  });
  return raster.toPng();
}

/** Writes `<dir>/<token>.png` for each picture; returns the paths. */
export async function writeSamplePictures(
  dir: string,
  pictures: readonly SamplePicture[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const picture of pictures) {
    const path = join(dir, `${picture.token}.png`);
    await writeFile(path, renderSamplePicture(picture));
    paths.push(path);
  }
  return paths;
}
