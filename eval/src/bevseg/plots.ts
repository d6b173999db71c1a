import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderLineChart } from '@mim4d/plots';
import type { SegmentationConfig, SegmentationResult } from 'nuscenes-eval-ts';

/** IoU against threshold, a curve per class: `<dir>/iou_thresholds.png`. Returns the path. */
export async function writeSegmentationPlots(
  dir: string,
  result: SegmentationResult,
  config: SegmentationConfig,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const x = config.thresholds.map(Math.fround);
  const png = await renderLineChart({
    title: `BEV map segmentation: IoU per threshold (${result.numSamples} samples)`,
    xLabel: 'probability threshold',
    yLabel: 'IoU',
    xRange: [Math.min(...x), Math.max(...x)],
    yRange: [0, 1],
    series: config.classes.map((name, c) => ({ label: name, x, y: result.iou[c] })),
  });
  const path = join(dir, 'iou_thresholds.png');
  await writeFile(path, png);
  return path;
}
