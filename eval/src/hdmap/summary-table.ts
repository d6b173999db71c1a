import type { ChamferResult } from 'nuscenes-eval-ts';

/** The per-class AP table MapTR prints, one column per threshold, then the class mean and mAP. */
export function formatChamferSummary(result: ChamferResult): string {
  const thresholds = [...new Set(result.curves.map((c) => c.thresholdM))];
  const classes = [...new Set(result.curves.map((c) => c.className))];
  const header = ['class', 'gts', ...thresholds.map((t) => `AP@${t}m`), 'AP'];
  const rows = classes.map((name) => {
    const curves = result.curves.filter((c) => c.className === name);
    return [
      name,
      String(curves[0]?.numGts ?? 0),
      ...curves.map((c) => c.ap.toFixed(4)),
      (result.metrics[`NuscMap_chamfer/${name}_AP`] ?? 0).toFixed(4),
    ];
  });
  rows.push(['mAP', '', ...thresholds.map(() => ''), result.metrics['NuscMap_chamfer/mAP'].toFixed(4)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`${result.numSamples} samples`, line(header), ...rows.map(line)].join('\n');
}
