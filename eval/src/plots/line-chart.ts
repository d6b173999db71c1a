/** Line charts rendered to PNG: axes with ticks, a title, axis labels and a legend. */
import { drawText, GLYPH_HEIGHT, textWidth } from './bitmap-font.ts';
import { Raster, type Rgb } from './raster.ts';

/** matplotlib's default colour cycle, so charts look like the devkit's. */
export const PALETTE: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

export interface Series {
  label: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: Rgb;
  /** Dashed reference lines (for example a minimum-precision level). */
  dashed?: boolean;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  xRange: readonly [number, number];
  yRange: readonly [number, number];
  series: readonly Series[];
  width?: number;
  height?: number;
}

const INK: Rgb = [30, 30, 30];
const GRID: Rgb = [225, 225, 225];
const SCALE = 2;
const LINE_HEIGHT = (GLYPH_HEIGHT + 4) * SCALE;

function ticks(min: number, max: number, count = 5): number[] {
  const step = (max - min) / count;
  return Array.from({ length: count + 1 }, (_, i) => min + i * step);
}

function tickLabel(v: number, span: number): string {
  const digits = span >= 10 ? 0 : span >= 1 ? 1 : 2;
  return v.toFixed(digits);
}

/** Renders the chart and returns PNG bytes. NaN points break a series into separate runs. */
export function renderLineChart(spec: LineChartSpec): Buffer {
  const width = spec.width ?? 800;
  const height = spec.height ?? 560;
  const raster = new Raster(width, height);
  const left = 90;
  const right = 30;
  const top = 50;
  const legendRows = spec.series.length;
  const bottom = 70 + legendRows * LINE_HEIGHT;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  if (plotH < 50) throw new RangeError(`chart "${spec.title}": too many series for height ${height}`);
  const [x0, x1] = spec.xRange;
  const [y0, y1] = spec.yRange;
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => top + plotH - ((y - y0) / (y1 - y0)) * plotH;

  drawText(raster, spec.title, Math.max(4, (width - textWidth(spec.title, SCALE)) / 2), 14, INK, SCALE);
  for (const t of ticks(x0, x1)) {
    raster.line(px(t), top, px(t), top + plotH, GRID);
    const label = tickLabel(t, x1 - x0);
    drawText(raster, label, px(t) - textWidth(label, SCALE) / 2, top + plotH + 8, INK, SCALE);
  }
  for (const t of ticks(y0, y1)) {
    raster.line(left, py(t), left + plotW, py(t), GRID);
    const label = tickLabel(t, y1 - y0);
    drawText(raster, label, left - 8 - textWidth(label, SCALE), py(t) - GLYPH_HEIGHT, INK, SCALE);
  }
  raster.line(left, top, left, top + plotH, INK, 1.5);
  raster.line(left, top + plotH, left + plotW, top + plotH, INK, 1.5);
  drawText(
    raster,
    spec.xLabel,
    left + (plotW - textWidth(spec.xLabel, SCALE)) / 2,
    top + plotH + 32,
    INK,
    SCALE,
  );
  drawText(raster, spec.yLabel, 4, top - 30, INK, SCALE);

  spec.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    let prev: [number, number] | undefined;
    let travelled = 0;
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i];
      const y = s.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        prev = undefined;
        continue;
      }
      const cur: [number, number] = [px(Math.min(x1, Math.max(x0, x))), py(Math.min(y1, Math.max(y0, y)))];
      if (prev) {
        const seg = Math.hypot(cur[0] - prev[0], cur[1] - prev[1]);
        if (!s.dashed || Math.floor(travelled / 8) % 2 === 0)
          raster.line(prev[0], prev[1], cur[0], cur[1], color, 2);
        travelled += seg;
      }
      prev = cur;
    }
    const ly = top + plotH + 58 + k * LINE_HEIGHT;
    raster.line(left, ly + GLYPH_HEIGHT, left + 30, ly + GLYPH_HEIGHT, color, 3);
    drawText(raster, s.label, left + 40, ly, INK, SCALE);
  });
  return raster.toPng();
}
