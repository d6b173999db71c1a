import type { SegmentationConfig, SegmentationResult } from 'nuscenes-eval-ts';

/** IoU per class (rows) and threshold (columns), with iou@max, as a fixed-width table. */
export function formatSegmentationSummary(result: SegmentationResult, config: SegmentationConfig): string {
  const labels = config.thresholds.map((t) => Math.fround(t).toFixed(2));
  const header = ['class', ...labels.map((t) => `@${t}`), '@max'];
  const rows = config.classes.map((name, c) => [
    name,
    ...Array.from(result.iou[c], (v) => v.toFixed(4)),
    result.metrics[`map/${name}/iou@max`].toFixed(4),
  ]);
  rows.push(['mean', ...labels.map(() => ''), result.metrics['map/mean/iou@max'].toFixed(4)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`${result.numSamples} samples`, line(header), ...rows.map(line)].join('\n');
}
