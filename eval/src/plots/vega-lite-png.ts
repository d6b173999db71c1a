/**
 * Figures as Vega-Lite specs rendered to PNG: Vega lays the chart out (axes, ticks, labels, legends) as SVG and
 * resvg rasterises it with the system's fonts, so no browser or canvas is needed.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type { TopLevelSpec as VegaLiteSpec } from 'vega-lite';

/** PNG bytes of a Vega-Lite chart at `scale` times its layout size (2: sharp on high-density screens). */
export async function vegaLitePng(spec: TopLevelSpec, scale = 2): Promise<Buffer> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return new Resvg(svg, {
      fitTo: { mode: 'zoom', value: scale },
      background: 'white',
      font: { loadSystemFonts: true },
    })
      .render()
      .asPng();
  } finally {
    view.finalize();
  }
}
