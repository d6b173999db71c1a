/**
 * One picture per sample for judging an HD-map model by eye: the patch in the LIDAR_TOP frame (forward up, right
 * to the right, axes in metres, the lidar marked), the ground-truth vectors thick and light, the predicted vectors
 * above a score thin and dark over them with a dot at their first point, a colour per class.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MapTrPatchSize } from '@mim4d/dataset';
import { PALETTE, type VegaLiteSpec, vegaLitePng } from '@mim4d/plots';
import type { MapVectorGT, MapVectorPrediction } from 'nuscenes-eval-ts';

export interface VectorPicture {
  token: string;
  patch: MapTrPatchSize;
  classes: readonly string[];
  groundTruth: readonly MapVectorGT[];
  predictions: readonly MapVectorPrediction[];
}

/** MapTR's visualisation draws predictions scoring at least this. */
export const PICTURE_SCORE_THRESHOLD = 0.4;

const BEV_HEIGHT_PX = 400;

interface VertexRow {
  /** Which polyline: GT and predictions numbered apart. */
  line: string;
  order: number;
  x: number;
  y: number;
  label: string;
}

function vertexRows(
  prefix: string,
  vectors: readonly { pts: ArrayLike<number>; classId: number }[],
  label: (c: number) => string,
): VertexRow[] {
  return vectors.flatMap((v, n) =>
    Array.from({ length: v.pts.length / 2 }, (_, i) => ({
      line: `${prefix}${n}`,
      order: i,
      x: v.pts[2 * i],
      y: v.pts[2 * i + 1],
      label: label(v.classId),
    })),
  );
}

export function vectorPictureSpec(picture: VectorPicture): VegaLiteSpec {
  const { patch, classes } = picture;
  const shown = [...picture.predictions.filter((p) => p.score >= PICTURE_SCORE_THRESHOLD)].sort(
    (a, b) => a.score - b.score,
  );
  const gtLabel = (c: number) =>
    `${classes[c]} (${picture.groundTruth.filter((g) => g.classId === c).length} GT, ${shown.filter((p) => p.classId === c).length} predicted)`;
  const labels = classes.map((_, c) => gtLabel(c));
  const color = {
    field: 'label',
    type: 'nominal',
    scale: { domain: labels, range: classes.map((_, c) => PALETTE[c % PALETTE.length]) },
    legend: { title: null, orient: 'bottom', direction: 'vertical', labelLimit: 0 },
  };
  const x = {
    field: 'x',
    type: 'quantitative',
    title: 'lidar x (m), right',
    scale: { domain: [-patch.width / 2, patch.width / 2], nice: false },
  };
  const y = {
    field: 'y',
    type: 'quantitative',
    title: 'lidar y (m), forward',
    scale: { domain: [-patch.height / 2, patch.height / 2], nice: false },
  };
  const predicted = vertexRows('p', shown, gtLabel);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `sample ${picture.token}`,
      subtitle: [
        'ground truth thick and light,',
        `predictions scoring at least ${PICTURE_SCORE_THRESHOLD} thin, a dot at their first point`,
      ],
    },
    height: BEV_HEIGHT_PX,
    width: Math.round((BEV_HEIGHT_PX * patch.width) / patch.height),
    layer: [
      {
        data: { values: vertexRows('g', picture.groundTruth, gtLabel) },
        mark: { type: 'line', strokeWidth: 6, opacity: 0.35, clip: true },
        encoding: { x, y, detail: { field: 'line' }, order: { field: 'order' }, color },
      },
      {
        data: { values: predicted },
        mark: { type: 'line', strokeWidth: 2, clip: true },
        encoding: { x, y, detail: { field: 'line' }, order: { field: 'order' }, color },
      },
      {
        data: { values: predicted.filter((r) => r.order === 0) },
        mark: { type: 'point', filled: true, size: 20, clip: true },
        encoding: { x, y, color },
      },
      {
        data: { values: [{ x: 0, y: 0 }] },
        mark: { type: 'point', shape: 'square', filled: true, color: 'black', size: 40 },
        encoding: { x, y },
      },
    ],
  } as VegaLiteSpec;
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
    await writeFile(path, await vegaLitePng(vectorPictureSpec(picture)));
    paths.push(path);
  }
  return paths;
}
