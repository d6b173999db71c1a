import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderLineChart } from '@mim4d/plots';
import type { ChamferResult } from 'nuscenes-eval-ts';

/** One precision-recall chart per class, a curve per threshold: `<dir>/pr_<class>.png`. Returns the paths. */
export async function writeChamferPlots(dir: string, result: ChamferResult): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const classes = [...new Set(result.curves.map((c) => c.className))];
  const paths: string[] = [];
  for (const name of classes) {
    const curves = result.curves.filter((c) => c.className === name);
    const png = await renderLineChart({
      title: `${name}: precision-recall (${curves[0]?.numGts ?? 0} GT)`,
      xLabel: 'recall',
      yLabel: 'precision',
      xRange: [0, 1],
      yRange: [0, 1],
      series: curves.map((c) => ({
        label: `${c.thresholdM.toFixed(1)} m: AP ${c.ap.toFixed(3)}`,
        x: c.recall,
        y: c.precision,
      })),
    });
    const path = join(dir, `pr_${name}.png`);
    await writeFile(path, png);
    paths.push(path);
  }
  return paths;
}
