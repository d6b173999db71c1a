import { writeFile } from 'node:fs/promises';
import { renderLineChart } from '@mim4d/plots';

/**
 * The training losses against the step as a PNG: a line per key in `keys` (pretraining: the total and each
 * rendering term), log scale, axes and legend. A step whose loss was not finite (null) leaves a gap.
 */
export async function writeLossCurve(
  records: readonly ({ step: number } & Record<string, unknown>)[],
  keys: readonly string[],
  file: string,
): Promise<void> {
  const steps = records.map((r) => r.step);
  const png = await renderLineChart({
    title: `Training loss, steps ${steps[0] ?? 0}-${steps[steps.length - 1] ?? 0}`,
    xLabel: 'step',
    xInteger: true,
    yLabel: 'loss (log scale)',
    yScale: 'log',
    series: keys.map((key) => ({
      label: key,
      x: steps,
      y: records.map((r) => (typeof r[key] === 'number' ? r[key] : null)),
    })),
  });
  await writeFile(file, png);
}
