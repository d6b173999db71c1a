import { type Html, html } from './html.ts';

export interface Bar {
  label: string;
  /** Value in the metric's own unit; bars are scaled to the largest. */
  value: number;
  shown: string;
  kind: string;
}

const ROW_PX = 26;
const LABEL_PX = 300;
/** What fits in LABEL_PX at the chart's 12px font. */
const LABEL_CHARS = 40;
const BAR_PX = 380;

/** A horizontal bar chart as inline SVG (allowed by the CSP, unlike inline scripts), best row first. */
export function barChart(title: string, bars: readonly Bar[]): Html {
  if (bars.length === 0) return html`<p class="empty">No rows with ${title} yet.</p>`;
  const max = Math.max(...bars.map((b) => b.value), Number.MIN_VALUE);
  const height = bars.length * ROW_PX + 8;
  const width = LABEL_PX + BAR_PX + 70;
  return html`<figure class="chart">
<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-label="${title} per row">
<title>${title} per row</title>
${bars.map((bar, i) => {
  const y = 4 + i * ROW_PX;
  const w = Math.max(1, (bar.value / max) * BAR_PX);
  return html`<g class="bar ${bar.kind}"><text x="${LABEL_PX - 8}" y="${y + 17}" text-anchor="end">${bar.label.length > LABEL_CHARS ? `${bar.label.slice(0, LABEL_CHARS - 1)}…` : bar.label}</text><rect x="${LABEL_PX}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_PX - 8}" rx="3"></rect><text x="${(LABEL_PX + w + 6).toFixed(1)}" y="${y + 17}">${bar.shown}</text></g>`;
})}
</svg>
<figcaption>${title}; colour marks verified, self-reported and baseline rows.</figcaption>
</figure>`;
}
