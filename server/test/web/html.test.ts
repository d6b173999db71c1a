import { strict as assert } from 'node:assert';
import { barChart } from '../../src/web/bar-chart.ts';
import { html } from '../../src/web/html.ts';

describe('page templates', () => {
  it('escape every interpolated value, including inside attributes', () => {
    const name = '<script>alert("x")</script>&\'';
    assert.equal(
      html`<a title="${name}">${name}</a>`.text,
      '<a title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</a>',
    );
  });

  it('insert nested templates as markup and lists without separators', () => {
    assert.equal(
      html`<ul>${['a', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.text,
      '<ul><li>a</li><li>b</li></ul>',
    );
  });

  it('draw one bar per row, scaled to the largest, with hostile labels escaped', async () => {
    const svg = (
      await barChart('NDS (%)', [
        { label: 'best', value: 0.5, shown: '50.0', kind: 'baseline' },
        { label: '<b>half</b>', value: 0.25, shown: '25.0', kind: 'verified' },
      ])
    ).text;
    // Vega draws each bar as a path from x = 0 to its length: "M0,0h<length>...".
    const lengths = [...svg.matchAll(/aria-roledescription="bar" d="M0,[\d.]+h([\d.]+)/g)].map((m) =>
      Number(m[1]),
    );
    assert.equal(lengths.length, 2, svg);
    assert.ok(Math.abs(lengths[0] - 2 * lengths[1]) < 0.5, `${lengths}`);
    assert.ok(svg.includes('&lt;b&gt;half&lt;/b&gt;') && !svg.includes('<b>'));
    assert.ok(!svg.includes('<script'));
  });
});
