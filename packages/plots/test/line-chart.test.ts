import assert from 'node:assert/strict';
import { type LineChartSpec, lineChartSpec } from '../src/line-chart.ts';
import { vegaLiteSvg } from '../src/render.ts';

const recall = [0, 0.25, 0.5, 0.75, 1];
const chart: LineChartSpec = {
  title: 'car: AP 45.3',
  xLabel: 'Recall',
  yLabel: 'Precision',
  xRange: [0, 1],
  yRange: [0, 1],
  series: [
    { label: 'dist. 0.5 m', x: recall, y: [1, 0.9, Number.NaN, 0.4, 0.1] },
    { label: 'min. precision 0.1', x: recall, y: recall.map(() => 0.1), color: '#787878', dashed: true },
  ],
};

/** The `d` attribute of each line the SVG draws, in series order. */
function linePaths(svg: string): string[] {
  return [...svg.matchAll(/aria-roledescription="line mark" d="([^"]+)"/g)].map((m) => m[1]);
}

describe('line charts', () => {
  it('title the chart, name both axes and list every series in the legend', async () => {
    const svg = await vegaLiteSvg(lineChartSpec(chart));
    for (const text of ['car: AP 45.3', 'Recall', 'Precision', 'dist. 0.5 m', 'min. precision 0.1']) {
      assert.ok(svg.includes(`>${text}</text>`), text);
    }
  });

  it('break a line where a value is not finite, instead of joining across it', async () => {
    const [curve, reference] = linePaths(await vegaLiteSvg(lineChartSpec(chart)));
    assert.equal(curve.match(/M/g)?.length, 2, curve);
    assert.equal(reference.match(/M/g)?.length, 1, reference);
  });

  it('dash reference lines and keep a colour given to a series', async () => {
    const svg = await vegaLiteSvg(lineChartSpec(chart));
    const dashed = [...svg.matchAll(/aria-roledescription="line mark" [^>]*>/g)]
      .map((m) => m[0])
      .filter((tag) => /stroke-dasharray="6,4"/.test(tag));
    assert.equal(dashed.length, 1);
    assert.match(dashed[0], /stroke="#787878"/);
  });

  it('leave out values a log axis cannot show', () => {
    const spec = lineChartSpec({
      title: 'loss',
      xLabel: 'step',
      yLabel: 'loss',
      yScale: 'log',
      series: [{ label: 'total', x: [1, 2, 3], y: [2, 0, 1] }],
    }) as { data: { values: { y: number | null }[] } };
    assert.deepEqual(
      spec.data.values.map((p) => p.y),
      [2, null, 1],
    );
  });
});
