/**
 * One picture per sample for judging a segmentation by eye: the sample's camera images as the model saw them, and
 * below them, per class, the predicted probabilities beside the ground truth on the LIDAR_TOP grid (forward up,
 * right to the right, the lidar marked white), titled with that sample's IoU at 0.5.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { imageView, PALETTE, rgbDataUrl, unitRgbToBytes, type VegaLiteSpec, vegaLitePng } from '@mim4d/plots';

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

/** Where a cell holds nothing: probability 0, or outside the mask. */
const EMPTY = [40, 40, 40];
const BEV_PX = 150;

/** One class's IoU at a threshold of 0.5 in this sample; null when neither map has the class. */
function sampleIou(probs: Float32Array, masks: Uint8Array, offset: number, cells: number): number | null {
  let [tp, fp, fn] = [0, 0, 0];
  for (let k = offset; k < offset + cells; k++) {
    const [p, m] = [probs[k] >= 0.5, masks[k] !== 0];
    [tp, fp, fn] = [tp + (p && m ? 1 : 0), fp + (p && !m ? 1 : 0), fn + (!p && m ? 1 : 0)];
  }
  return tp + fp + fn === 0 ? null : tp / (tp + fp + fn);
}

/** A BEV map, lidar y (forward) up and x to the right: value v in [0, 1] blends EMPTY towards the class colour. */
function bevRgb(picture: SamplePicture, value: (k: number) => number, colour: string): Uint8Array {
  const { cellsX, cellsY } = picture;
  const target = [1, 3, 5].map((o) => Number.parseInt(colour.slice(o, o + 2), 16));
  const rgb = new Uint8Array(cellsX * cellsY * 3);
  for (let i = 0; i < cellsX; i++) {
    for (let j = 0; j < cellsY; j++) {
      const v = Math.min(1, Math.max(0, value(i * cellsY + j)));
      const o = ((cellsY - 1 - j) * cellsX + i) * 3;
      for (let ch = 0; ch < 3; ch++) rgb[o + ch] = Math.round(EMPTY[ch] + (target[ch] - EMPTY[ch]) * v);
    }
  }
  const centre = (Math.floor(cellsY / 2) * cellsX + Math.floor(cellsX / 2)) * 3;
  rgb.fill(255, centre, centre + 3);
  return rgb;
}

export async function samplePictureSpec(picture: SamplePicture): Promise<VegaLiteSpec> {
  const { cameras, imageHeight: H, imageWidth: W, cellsX, cellsY, classes } = picture;
  const scale = Math.max(1, Math.floor(BEV_PX / Math.max(cellsX, cellsY)));
  const cells = cellsX * cellsY;
  const cameraBytes = (n: number) =>
    unitRgbToBytes(picture.images.subarray(n * H * W * 3, (n + 1) * H * W * 3));
  const cameraViews = await Promise.all(
    Array.from({ length: cameras }, async (_, n) =>
      imageView(await rgbDataUrl(cameraBytes(n), W, H), W, H, `camera ${n + 1}`),
    ),
  );
  const classViews = await Promise.all(
    classes.map(async (name, c) => {
      const colour = PALETTE[c % PALETTE.length];
      const iou = sampleIou(picture.probs, picture.masks, c * cells, cells);
      const map = async (value: (k: number) => number) =>
        rgbDataUrl(bevRgb(picture, value, colour), cellsX, cellsY, scale);
      return {
        title: { text: `${name}: IoU at 0.5 ${iou === null ? '-' : iou.toFixed(2)}`, fontSize: 12 },
        hconcat: [
          imageView(
            await map((k) => picture.probs[c * cells + k]),
            cellsX * scale,
            cellsY * scale,
            'predicted',
          ),
          imageView(
            await map((k) => picture.masks[c * cells + k]),
            cellsX * scale,
            cellsY * scale,
            'ground truth',
          ),
        ],
      };
    }),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `sample ${picture.token}`,
      subtitle:
        'per class: predicted probability beside the ground truth, lidar frame, forward up, the lidar white',
    },
    config: { view: { stroke: null } },
    vconcat: [{ hconcat: cameraViews }, { hconcat: classViews }],
  } as VegaLiteSpec;
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
    await writeFile(path, await vegaLitePng(await samplePictureSpec(picture), 1));
    paths.push(path);
  }
  return paths;
}
