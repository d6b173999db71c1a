/** Line charts (training and evaluation curves): axes with ticks and units, a title, and a legend of the series. */
import { PALETTE } from './palette.ts';
import { type VegaLiteSpec, vegaLitePng } from './render.ts';

export interface Series {
  label: string;
  x: ArrayLike<number>;
  /** A value that is not finite (or not positive on a log axis) leaves a gap in the line. */
  y: ArrayLike<number | null>;
  /** CSS colour; by default the palette's next one. */
  color?: string;
  /** Dashed, for reference lines (for example a minimum-precision level). */
  dashed?: boolean;
}

export interface LineChartSpec {
  title: string;
  /** Axis titles, with their units. */
  xLabel: string;
  yLabel: string;
  /** The axes' extent; by default the data's. */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  yScale?: 'linear' | 'log';
  /** The x values are counts (steps, epochs): whole-number ticks only. */
  xInteger?: boolean;
  series: readonly Series[];
  /** Size of the plot area in CSS pixels (the legend and axes come around it). */
  width?: number;
  height?: number;
}

interface Point {
  series: string;
  x: number;
  y: number | null;
  dashed: boolean;
}

function points(chart: LineChartSpec): Point[] {
  const usable = (y: number | null): y is number =>
    y !== null && Number.isFinite(y) && (chart.yScale !== 'log' || y > 0);
  return chart.series.flatMap((s) =>
    Array.from({ length: s.x.length }, (_, i) => ({
      series: s.label,
      x: s.x[i],
      y: usable(s.y[i]) ? s.y[i] : null,
      dashed: s.dashed === true,
    })),
  );
}

/** The chart as a Vega-Lite spec (for a figure of several views, or a web page). */
export function lineChartSpec(chart: LineChartSpec): VegaLiteSpec {
  const data = points(chart);
  const labels = chart.series.map((s) => s.label);
  let next = 0;
  const colors = chart.series.map((s) => s.color ?? PALETTE[next++ % PALETTE.length]);
  // A series with a single point draws no line; points make it visible.
  const lonely = chart.series.some(
    (s) => points({ ...chart, series: [s] }).filter((p) => p.y !== null).length < 2,
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    width: chart.width ?? 480,
    height: chart.height ?? 320,
    data: { values: data },
    mark: { type: 'line', clip: true, point: lonely, invalid: 'break-paths-show-domains' },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: chart.xLabel,
        ...(chart.xInteger ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
        scale: chart.xRange ? { domain: [...chart.xRange], nice: false } : { zero: false },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: chart.yLabel,
        scale: {
          type: chart.yScale ?? 'linear',
          ...(chart.yRange
            ? { domain: [...chart.yRange], nice: false }
            : chart.yScale === 'log'
              ? {}
              : { zero: false }),
        },
      },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: labels, range: colors },
        sort: labels,
        legend: { title: null, orient: 'bottom', direction: 'vertical', labelLimit: 0 },
      },
      strokeDash: {
        field: 'dashed',
        type: 'nominal',
        scale: {
          domain: [false, true],
          range: [
            [1, 0],
            [6, 4],
          ],
        },
        legend: null,
      },
    },
  } as VegaLiteSpec;
}

/** The chart as PNG bytes at twice its layout size. */
export function renderLineChart(chart: LineChartSpec): Promise<Buffer> {
  return vegaLitePng(lineChartSpec(chart));
}
