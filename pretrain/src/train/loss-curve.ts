import { Raster } from './png.ts';

/** Series colours in the order the keys are given: black, red, blue, orange, green, then purple, teal, brown. */
const PALETTE: [number, number, number][] = [
  [0, 0, 0],
  [220, 40, 40],
  [40, 90, 220],
  [240, 150, 40],
  [40, 170, 90],
  [150, 60, 190],
  [20, 160, 170],
  [140, 90, 40],
];

/**
 * Loss curves (log scale) as a PNG, one series per key in `keys` coloured in PALETTE order (pretraining: total
 * black, direct RGB red, direct depth blue, reconstructed RGB orange, reconstructed depth green); light grid lines
 * at every power of ten. A step whose loss was not finite (null) leaves a gap.
 */
export function writeLossCurve(
  records: readonly ({ step: number } & Record<string, unknown>)[],
  keys: readonly string[],
  file: string,
  width = 640,
  height = 360,
): void {
  const series = keys.map((key, i) => ({ key, colour: PALETTE[i % PALETTE.length] }));
  const value = (r: Record<string, unknown>, key: string) => {
    const v = r[key];
    return typeof v === 'number' ? v : null;
  };
  const img = new Raster(width, height);
  const pad = 20;
  const values = records
    .flatMap((r) => series.map((s) => value(r, s.key)))
    .filter((v): v is number => v !== null && v > 0);
  if (values.length === 0) {
    img.write(file);
    return;
  }
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
  for (const s of series) {
    for (let i = 1; i < records.length; i++) {
      const [a, b] = [records[i - 1], records[i]];
      const [va, vb] = [value(a, s.key), value(b, s.key)];
      if (va !== null && vb !== null) img.line(px(a.step), py(va), px(b.step), py(vb), s.colour);
    }
    const only = value(records[0], s.key);
    if (records.length === 1 && only !== null) img.set(px(records[0].step), py(only), s.colour);
  }
  img.write(file);
}
