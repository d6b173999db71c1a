import type { LossRecord } from './loss-log.ts';
import { Raster } from './png.ts';

const SERIES: { key: keyof LossRecord; colour: [number, number, number] }[] = [
  { key: 'total', colour: [0, 0, 0] },
  { key: 'rgb', colour: [220, 40, 40] },
  { key: 'depth', colour: [40, 90, 220] },
  { key: 'rgbAdj', colour: [240, 150, 40] },
  { key: 'depthAdj', colour: [40, 170, 90] },
];

/**
 * Loss curves (log scale) as a PNG: total black, direct RGB red, direct depth blue, reconstructed RGB orange,
 * reconstructed depth green; light grid lines at every power of ten.
 */
export function writeLossCurve(records: LossRecord[], file: string, width = 640, height = 360): void {
  const img = new Raster(width, height);
  const pad = 20;
  if (records.length === 0) {
    img.write(file);
    return;
  }
  const values = records.flatMap((r) => SERIES.map((s) => r[s.key] as number)).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  const span = Math.max(hi - lo, 1);
  const first = records[0].step;
  const last = Math.max(records[records.length - 1].step, first + 1);
  const px = (step: number) => pad + ((step - first) / (last - first)) * (width - 2 * pad);
  const py = (v: number) =>
    height - pad - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / span) * (height - 2 * pad);
  for (let e = lo; e <= hi; e++) img.line(pad, py(10 ** e), width - pad, py(10 ** e), [225, 225, 225]);
  img.line(pad, height - pad, width - pad, height - pad, [120, 120, 120]);
  img.line(pad, pad, pad, height - pad, [120, 120, 120]);
  for (const s of SERIES) {
    for (let i = 1; i < records.length; i++) {
      const a = records[i - 1];
      const b = records[i];
      img.line(px(a.step), py(a[s.key] as number), px(b.step), py(b[s.key] as number), s.colour);
    }
    if (records.length === 1) img.set(px(records[0].step), py(records[0][s.key] as number), s.colour);
  }
  img.write(file);
}
