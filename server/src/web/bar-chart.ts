import { type VegaLiteSpec, vegaLiteSvg } from '@mim4d/plots';
import { Html, html } from './html.ts';

export interface Bar {
  label: string;
  /** Value in the metric's own unit; bars are scaled to the largest. */
  value: number;
  shown: string;
  kind: string;
}

/** Bar colours by row kind; the rest of the page's palette lives in zoo.css. */
const KIND_COLOURS: Record<string, string> = {
  verified: '#1f8a4c',
  'self-reported': '#b86e00',
  baseline: '#6b7280',
};

/** Row names as the chart's categories: a repeated name gets a number, or its rows would share one bar. */
function distinctLabels(bars: readonly Bar[]): string[] {
  const seen = new Map<string, number>();
  return bars.map((bar) => {
    const count = (seen.get(bar.label) ?? 0) + 1;
    seen.set(bar.label, count);
    return count === 1 ? bar.label : `${bar.label} (${count})`;
  });
}

function barChartSpec(title: string, bars: readonly Bar[]): VegaLiteSpec {
  const labels = distinctLabels(bars);
  const kinds = [...new Set(bars.map((b) => b.kind))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `${title} per row`,
    width: 380,
    height: { step: 26 },
    data: { values: bars.map((bar, i) => ({ ...bar, label: labels[i] })) },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: labels, axis: { title: null, labelLimit: 360 } },
      x: { field: 'value', type: 'quantitative', title, axis: { labels: false, ticks: false, grid: false } },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          color: {
            field: 'kind',
            type: 'nominal',
            scale: { domain: kinds, range: kinds.map((k) => KIND_COLOURS[k] ?? '#6b7280') },
            legend: { title: null, orient: 'bottom' },
          },
        },
      },
      { mark: { type: 'text', align: 'left', dx: 4 }, encoding: { text: { field: 'shown' } } },
    ],
    config: { view: { stroke: null }, axis: { labelFontSize: 12, titleFontSize: 12 } },
  } as VegaLiteSpec;
}

/**
 * A horizontal bar chart as inline SVG (static markup, no script: the CSP allows it, unlike inline scripts), best
 * row first, coloured by kind (verified, self-reported, baseline).
 */
export async function barChart(title: string, bars: readonly Bar[]): Promise<Html> {
  if (bars.length === 0) return html`<p class="empty">No rows with ${title} yet.</p>`;
  // Vega escapes every text it writes into the SVG, the row names included (tested).
  const svg = await vegaLiteSvg(barChartSpec(title, bars));
  return html`<figure class="chart">
${new Html(svg)}
<figcaption>${title}; colour marks verified, self-reported and baseline rows.</figcaption>
</figure>`;
}
