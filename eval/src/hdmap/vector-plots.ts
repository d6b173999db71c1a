/**
 * One picture per sample for judging an HD-map model by eye: the patch in the LIDAR_TOP frame (forward up, right
 * to the right, the lidar marked), the ground-truth vectors thick and light, the predicted vectors above a score
 * thin and dark over them, a colour per class.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MapTrPatchSize } from '@mim4d/dataset';
import type { LidarPolylineM, MapVectorGT, MapVectorPrediction } from 'nuscenes-eval-ts';
import { drawText, textWidth } from '../plots/bitmap-font.ts';
import { PALETTE } from '../plots/line-chart.ts';
import { Raster, type Rgb } from '../plots/raster.ts';

export interface VectorPicture {
  token: string;
  patch: MapTrPatchSize;
  classes: readonly string[];
  groundTruth: readonly MapVectorGT[];
  predictions: readonly MapVectorPrediction[];
}

/** MapTR's visualisation draws predictions scoring at least this. */
export const PICTURE_SCORE_THRESHOLD = 0.4;

const MARGIN = 8;
const TEXT = 2;
const LINE = 7 * TEXT + 6;
const BEV_HEIGHT_PX = 400;
const BACKGROUND: Rgb = [255, 255, 255];
const GROUND: Rgb = [235, 235, 235];
const INK: Rgb = [0, 0, 0];
const LEGEND = `ground truth thick and light, predictions scoring at least ${PICTURE_SCORE_THRESHOLD} thin, lidar frame, forward up`;

const light = (c: Rgb): Rgb => c.map((v) => Math.round(v + (255 - v) * 0.6)) as unknown as Rgb;
const dark = (c: Rgb): Rgb => c.map((v) => Math.round(v * 0.8)) as unknown as Rgb;

export function renderVectorPicture(picture: VectorPicture): Buffer {
  const { patch, classes } = picture;
  const scale = BEV_HEIGHT_PX / patch.height;
  const [bevW, bevH] = [Math.round(patch.width * scale), BEV_HEIGHT_PX];
  const shown = picture.predictions.filter((p) => p.score >= PICTURE_SCORE_THRESHOLD);
  const counts = classes.map(
    (name, c) =>
      `${name}: ${picture.groundTruth.filter((g) => g.classId === c).length} GT, ` +
      `${shown.filter((p) => p.classId === c).length} predicted`,
  );
  const width =
    Math.max(bevW, textWidth(LEGEND, TEXT), ...counts.map((t) => textWidth(t, TEXT) + 3 * LINE)) + 2 * MARGIN;
  const top = MARGIN + (2 + classes.length) * LINE;
  const raster = new Raster(width, top + bevH + MARGIN, BACKGROUND);
  drawText(raster, `sample ${picture.token}`, MARGIN, MARGIN, INK, TEXT);
  drawText(raster, LEGEND, MARGIN, MARGIN + LINE, INK, TEXT);
  counts.forEach((text, c) => {
    const y = MARGIN + (2 + c) * LINE;
    raster.fillRect(MARGIN, y, 2 * LINE, LINE - 6, PALETTE[c % PALETTE.length]);
    drawText(raster, text, MARGIN + 3 * LINE, y, INK, TEXT);
  });
  raster.fillRect(MARGIN, top, bevW, bevH, GROUND);
  const px = (pts: LidarPolylineM, i: number): [number, number] => [
    MARGIN + (pts[2 * i] + patch.width / 2) * scale,
    top + (patch.height / 2 - pts[2 * i + 1]) * scale,
  ];
  const polyline = (pts: LidarPolylineM, colour: Rgb, lineWidth: number) => {
    for (let i = 0; i + 1 < pts.length / 2; i++)
      raster.line(...px(pts, i), ...px(pts, i + 1), colour, lineWidth);
  };
  for (const g of picture.groundTruth) polyline(g.pts, light(PALETTE[g.classId % PALETTE.length]), 6);
  // The most confident last, on top.
  for (const p of [...shown].sort((a, b) => a.score - b.score)) {
    polyline(p.pts, dark(PALETTE[p.classId % PALETTE.length]), 2);
    const [x, y] = px(p.pts, 0);
    raster.fillRect(Math.round(x) - 2, Math.round(y) - 2, 4, 4, dark(PALETTE[p.classId % PALETTE.length]));
  }
  raster.fillRect(MARGIN + Math.round(bevW / 2) - 3, top + Math.round(bevH / 2) - 3, 6, 6, INK);
  return raster.toPng();
}

/** Writes `<dir>/<token>.png` for each picture; returns the paths. */
export async function writeVectorPictures(
  dir: string,
  pictures: readonly VectorPicture[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const picture of pictures) {
    const path = join(dir, `${picture.token}.png`);
    await writeFile(path, renderVectorPicture(picture));
    paths.push(path);
  }
  return paths;
}
